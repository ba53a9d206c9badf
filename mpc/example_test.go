package mpc_test

import (
	"crypto/ed25519"
	"encoding/hex"
	"fmt"

	"github.com/tandem-mpc/tandem/mpc"
	"github.com/tandem-mpc/tandem/signer"
)

// The message id of party 1's round-1 broadcast in WIRE.md Appendix A.
func ExampleMessageID() {
	seed, _ := hex.DecodeString("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
	vk := signer.NewEd25519Signer(ed25519.NewKeyFromSeed(seed)).VerifyingKey()
	var inst mpc.InstanceID
	for i := range inst {
		inst[i] = 0x01
	}
	id := mpc.MessageID("tandem/example/v1", inst, mpc.Tag(1, 0), vk, nil)
	fmt.Println(id)
	// Output: 54304efc82521d8cb6b30ff4905c85b16269e121a833e32f0cd26072d8b8f3d4
}

// One agreed instance id drives the presign and the finish session of a one-call sign.
func ExampleSubInstance() {
	inst, err := mpc.ParseInstanceID("0101010101010101010101010101010101010101010101010101010101010101")
	if err != nil {
		panic(err)
	}
	fmt.Println(mpc.SubInstance(inst, "presign").Hex())
	fmt.Println(mpc.SubInstance(inst, "finish").Hex())
	fmt.Println(inst) // instance ids are confidential and never print
	// Output:
	// 1b6d73524211cb8b921020a1c14409453ebb205bc9530a78e4da1128409c1921
	// 6b48019cb985736aa7321529c380fab9e72058feee51ca4ac8748f6e71a8c658
	// mpc.InstanceID(REDACTED)
}

func ExampleLabel_Validate() {
	fmt.Println(mpc.Label("tandem/ecdsa2p/sign/v1").Validate())
	fmt.Println(mpc.Label("has space").Validate())
	// Output:
	// <nil>
	// mpc: invalid protocol label: byte 3 is 0x20, want 0x21–0x7E
}
