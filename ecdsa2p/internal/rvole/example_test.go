package rvole_test

import (
	"fmt"

	"github.com/tandem-mpc/tandem/ecdsa2p/internal/ot"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/ote"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/rvole"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/testrng"
	"github.com/tandem-mpc/tandem/internal/secp"
	"github.com/tandem-mpc/tandem/internal/transcript"
)

// exampleSeeds builds one correlation's seeds directly (in the protocol they come from the
// keygen base OTs and PPRF of package ot).
func exampleSeeds() (*ot.ChooserSeeds, *ot.DeltaSeeds) {
	r := testrng.New("example/seeds")
	var l ot.Leaves
	for b := range l {
		for x := range l[b] {
			r.RandomBytes(l[b][x][:])
		}
	}
	var delta [ot.Blocks]uint8
	for b, v := range r.Bytes(ot.Blocks) {
		delta[b] = v & 0x0f
	}
	ds, err := ot.NewDeltaSeeds(&delta, &l)
	if err != nil {
		panic(err)
	}
	return ot.NewChooserSeeds(&l), ds
}

// One RVOLE for the correlation (R = 0, S = 1) of a signing session: R's sign-round-2 message,
// S's round-3 message, and R's processing of it. The shares satisfy c_k + d_k = a_k·χ.
func Example() {
	chooser, deltaHolder := exampleSeeds()
	signSID := transcript.H("tandem/v1/test/example", []byte("sign_sid"))
	sess, err := ote.NewSession(signSID, 0, 1)
	if err != nil {
		panic(err)
	}

	// R, sign round 2: the OT-extension message and χ.
	recvOut, oteMsg, err := ote.NewReceiver(sess, chooser, testrng.New("example/R"))
	if err != nil {
		panic(err)
	}
	receiver, chi, err := rvole.NewReceiver(recvOut)
	if err != nil {
		panic(err)
	}

	// S, on R's message (holding the keyshare's lock mutex): the check, then the RVOLE message.
	sender, err := ote.NewSender(sess, deltaHolder)
	if err != nil {
		panic(err)
	}
	sendOut, err := sender.Extend(oteMsg)
	if err != nil {
		panic(err) // an *ote.Error; if Lock() is true the engine locks the keyshare
	}
	a0, a1 := secp.NewScalar().SetUint64(7), secp.NewScalar().SetUint64(11)
	rv, c0, c1, err := rvole.Send(sendOut, a0, a1, testrng.New("example/S"))
	if err != nil {
		panic(err)
	}

	// R, on S's message: parse, then the μ check and the shares.
	msg, err := receiver.ParseMessage(rv)
	if err != nil {
		panic(err)
	}
	d0, d1, err := receiver.Finish(msg)
	if err != nil {
		panic(err)
	}
	ok0 := secp.NewScalar().Add(c0, d0).Equal(secp.NewScalar().Mul(a0, chi))
	ok1 := secp.NewScalar().Add(c1, d1).Equal(secp.NewScalar().Mul(a1, chi))
	fmt.Println(len(oteMsg), len(rv), ok0, ok1)
	// Output: 9232 49216 1 1
}
