package mpc_test

import (
	"context"
	"fmt"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tandem-mpc/tandem/mpc"
	"github.com/tandem-mpc/tandem/mpc/mpctest"
)

// An engine that reports an ignored input for a round that had no inputs is broken: the
// driver must abort with a local fault instead of calling Next again forever.
func TestRunIgnoreWithoutInputs(t *testing.T) {
	rl := mpctest.NewRelay(t, nil)
	s := mpctest.NewSession(t, rl)
	pa, pb := mpctest.Pair(mpctest.FiveRounds(), seed(40))
	// Party 0 expects nothing in round 3, so Next(4) gets no inputs.
	pa.Hook = func(_ context.Context, r int, _ []mpc.Inbound) error {
		if r == 4 {
			return fmt.Errorf("engine: %w", mpc.ErrIgnoreInput)
		}
		return nil
	}
	cfgA, cfgB := s.Configs()
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Second)
	defer cancel()
	errA, errB := mpctest.RunPair(ctx, cfgA, cfgB, pa, pb)
	var ae *mpc.AbortError
	require.ErrorAs(t, errA, &ae, "got %v", errA)
	assert.Equal(t, mpc.CulpritSelf, ae.Culprit)
	assert.Equal(t, mpc.AbortLocalError, ae.Code)
	var pe *mpc.PeerAbortedError
	require.ErrorAs(t, errB, &pe, "got %v", errB)
	assert.Equal(t, mpc.AbortLocalError, pe.Code)
	assert.Equal(t, []int{1, 2, 3, 4}, pa.Calls(), "Next(4) is called once")
}

// An ignored input on the peer's KEX carrier, then a replacement carrier with another
// ephemeral key (a second replica of the peer): the keys already derived cannot change, so
// the replacement is dropped and the slot starves; it is never a local fault.
func TestRunIgnoredCarrierReplacement(t *testing.T) {
	rl := mpctest.NewRelay(t, nil)
	s := mpctest.NewSession(t, rl)
	rounds := mpctest.FourRounds()
	oldA, pb := mpctest.Pair(rounds, seed(41))
	newA, _ := mpctest.Pair(rounds, seed(41))
	oldA.Corrupt = mpctest.CorruptVersion(1, 0) // round 1 S(0) is A's KEX carrier
	cfgA, cfgB := s.Configs()
	c2, err := rl.DialAs(t.Context(), netip.MustParseAddr("10.0.0.3"), nil)
	require.NoError(t, err)
	defer c2.Close()
	cfgA2 := cfgA
	cfgA2.Transport = c2
	ctx, cancel := context.WithTimeout(t.Context(), 1500*time.Millisecond)
	defer cancel()
	var wg sync.WaitGroup
	var errOld, errNew, errB error
	wg.Add(2)
	go func() { defer wg.Done(); errOld = mpc.Run(ctx, cfgA, oldA) }()
	go func() { defer wg.Done(); errB = mpc.Run(ctx, cfgB, pb) }()
	require.Eventually(t, func() bool { return pb.Ignored() > 0 }, 5*time.Second, 5*time.Millisecond)
	wg.Add(1)
	go func() { defer wg.Done(); errNew = mpc.Run(ctx, cfgA2, newA) }()
	wg.Wait()
	te := requireTimeout(t, errB, s.ID(s.A, 1, mpctest.S(0)))
	assert.GreaterOrEqual(t, te.Rejected, 2, "the ignored carrier and the replacement")
	requireTimeoutOrPeerTimeout(t, errOld)
	requireTimeoutOrPeerTimeout(t, errNew)
}
