package ot_test

import (
	"errors"
	"fmt"
	"runtime"

	"github.com/tandem-mpc/tandem/ecdsa2p/internal/ot"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/rng"
)

// One correlation (R, S) = (P1, P2) of a keygen: S is the base-OT receiver, R the sender and
// PPRF builder. In the engine, msg1 travels in S's K2 and msg2 ‖ pprf in R's K3.
func Example() {
	var sidKG [32]byte // in the engine: H("tandem/v1/keygen/sid", setup_kg, σ_0, σ_1)
	c, err := ot.NewCorrelation(sidKG, 0, 1)
	if err != nil {
		panic(err)
	}
	batch := ot.Parallel(runtime.GOMAXPROCS(0))

	// S (party 1), K2.
	recv, msg1, err := ot.NewBaseOTReceiver(c, rng.System, batch)
	if err != nil {
		panic(err)
	}
	// R (party 0), on S's K2.
	sent, msg2, err := ot.NewBaseOTSender(c, msg1, rng.System, batch)
	if err != nil {
		panic(err)
	}
	chooser, pprf, err := sent.BuildPPRF(batch)
	if err != nil {
		panic(err)
	}
	// S, on R's K3.
	out, err := recv.Finish(msg2, batch)
	if err != nil {
		panic(err)
	}
	delta, err := out.EvalPPRF(pprf, batch)
	if err != nil {
		panic(err)
	}

	same := 0
	for b := range ot.Blocks {
		for x := range ot.LeavesPerBlock {
			if chooser.Leaves()[b][x] == delta.Leaves()[b][x] {
				same++
			}
		}
	}
	fmt.Println(len(msg1), len(msg2), len(pprf))
	fmt.Println("leaves shared:", same, "of", ot.Blocks*ot.LeavesPerBlock)

	// The states are single-use.
	_, err = recv.Finish(msg2, batch)
	fmt.Println(errors.Is(err, ot.ErrStateConsumed))
	// Output:
	// 16896 16896 14368
	// leaves shared: 960 of 1024
	// true
}
