package mpctest_test

import (
	"context"
	"fmt"
	"time"

	"github.com/tandem-mpc/tandem/mpc"
	"github.com/tandem-mpc/tandem/mpc/mpctest"
	"github.com/tandem-mpc/tandem/relay/relaytest"
	"github.com/tandem-mpc/tandem/relay/server"
	"github.com/tandem-mpc/tandem/signer"
)

// Two parties run the toy protocol over an in-memory relay; party B loses the first delivery
// of A's round-2 message and recovers it with the driver's stall re-send.
func ExampleRunPair() {
	rl, _ := relaytest.New(server.DefaultConfig())
	defer rl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ka, _ := signer.GenerateEd25519()
	kb, _ := signer.GenerateEd25519()
	ca, _ := rl.DialAs(ctx, mpctest.IPA, nil)
	defer ca.Close()
	cb, _ := rl.DialAs(ctx, mpctest.IPB, nil)
	defer cb.Close()
	fb := mpctest.NewFaultTransport(cb)
	defer fb.Close()

	inst := mpc.RandomInstanceID()
	base := mpc.Config{Protocol: mpctest.Label, Instance: inst, StallInterval: 50 * time.Millisecond}
	cfgA, cfgB := base, base
	cfgA.Self, cfgA.Peer, cfgA.Transport = ka, kb.VerifyingKey(), ca
	cfgB.Self, cfgB.Peer, cfgB.Transport = kb, ka.VerifyingKey(), fb

	rounds := mpctest.FourRounds()
	r2 := mpc.MessageID(mpctest.Label, inst, mpc.Tag(2, 0), ka.VerifyingKey(), new(kb.VerifyingKey()))
	fb.OnInbound(mpctest.Rule{Match: mpctest.MatchID(r2), Action: mpctest.Drop, Times: 1})

	pa, pb := mpctest.Pair(rounds, [32]byte{1})
	errA, errB := mpctest.RunPair(ctx, cfgA, cfgB, pa, pb)
	ta, _ := pa.Transcript()
	tb, _ := pb.Transcript()
	fmt.Println(errA, errB, ta == tb)
	// Output: <nil> <nil> true
}
