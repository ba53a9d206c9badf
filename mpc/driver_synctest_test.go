package mpc_test

import (
	"context"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tandem-mpc/tandem/mpc"
	"github.com/tandem-mpc/tandem/mpc/mpctest"
	"github.com/tandem-mpc/tandem/relay/server"
)

// D15: header TTLs limited to 255 s, a 10-minute session, and a peer that starts 9 minutes
// late, on virtual time: the first party's frames and asks must be refreshed by its client
// for the whole session (a frame published at 0 with TTL 255 s would be gone at 4¼ min).
func TestRunLongSessionVirtualTime(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rl := mpctest.NewRelay(t, func(c *server.Config) { c.MaxTTL = 255 * time.Second })
		s := mpctest.NewSession(t, rl)
		require.Equal(t, 255*time.Second, s.A.Client.HeaderTTLLimit())
		pa, pb := mpctest.Pair(mpctest.FiveRounds(), seed(70))
		cfgA, cfgB := s.Configs()
		cfgA.StallInterval, cfgB.StallInterval = 0, 0 // the 3 s default
		cfgA.Grace, cfgB.Grace = 0, 0                 // the 30 s default
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Minute)
		defer cancel()
		start := time.Now()
		errs := make(chan error, 2)
		go func() { errs <- mpc.Run(ctx, cfgA, pa) }()
		go func() {
			time.Sleep(9 * time.Minute)
			errs <- mpc.Run(ctx, cfgB, pb)
		}()
		require.NoError(t, <-errs)
		require.NoError(t, <-errs)
		requireSameTranscript(t, pa, pb)
		assert.GreaterOrEqual(t, time.Since(start), 9*time.Minute, "virtual time: B started late")
	})
}

// A persistently dropped frame ends in a TimeoutError at the deadline, on virtual time (so
// "at the deadline" is exact, not a wall-clock measurement), after the stall re-sends.
func TestRunTimeoutAtDeadlineVirtualTime(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rl := mpctest.NewRelay(t, nil)
		s := mpctest.NewSession(t, rl)
		pa, pb := mpctest.Pair(mpctest.FiveRounds(), seed(71))
		id := s.ID(s.A, 4, mpctest.B(0))
		s.B.Fault.OnInbound(mpctest.Rule{Match: mpctest.MatchID(id), Action: mpctest.Drop})
		cfgA, cfgB := s.Configs()
		ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
		defer cancel()
		deadline, _ := ctx.Deadline()
		errA, errB := mpctest.RunPair(ctx, cfgA, cfgB, pa, pb)
		te := requireTimeout(t, errB, id)
		assert.Equal(t, 4, te.Round)
		requireTimeoutOrPeerTimeout(t, errA)
		assert.False(t, time.Now().After(deadline), "virtual time: returned at the deadline")
		assert.Greater(t, s.B.Fault.Delivered(), 10, "stall re-sends made the relay re-deliver")
	})
}
