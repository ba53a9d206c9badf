package signer_test

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"github.com/tandem-mpc/tandem/signer"
)

func ExampleParseVerifyingKey() {
	vk, err := signer.ParseVerifyingKey("Ed25519:11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=")
	if err != nil {
		panic(err)
	}
	j, _ := json.Marshal(vk)
	fmt.Println(vk.Type())
	fmt.Println(vk)
	fmt.Println(hex.EncodeToString(vk.Encoding()))
	fmt.Println(string(j))
	// Output:
	// ED25519
	// ED25519:11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=
	// 01d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a
	// {"keyType":"ED25519","value":"11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="}
}

func ExampleGenerateP256() {
	k, err := signer.GenerateP256()
	if err != nil {
		panic(err)
	}
	msg := []byte("signing input")
	sig, err := k.Sign(context.Background(), msg)
	if err != nil {
		panic(err)
	}
	// The peer knows only the verifying key, for example from its text form.
	vk, err := signer.ParseVerifyingKey(k.VerifyingKey().String())
	if err != nil {
		panic(err)
	}
	fmt.Println(len(sig), vk.Verify(msg, sig))
	// Output: 64 true
}

func ExampleExternal() {
	// A stand-in for a TEE key reached through gomobile; P-256 TEEs usually return DER,
	// which External converts to r ‖ s.
	_, priv, _ := ed25519.GenerateKey(nil)
	vk, err := signer.NewVerifyingKey(signer.Ed25519, priv.Public().(ed25519.PublicKey))
	if err != nil {
		panic(err)
	}
	s := signer.External(vk, func(ctx context.Context, msg []byte) ([]byte, error) {
		return ed25519.Sign(priv, msg), nil
	})
	sig, err := s.Sign(context.Background(), []byte("hello"))
	fmt.Println(len(sig), err)
	// Output: 64 <nil>
}
