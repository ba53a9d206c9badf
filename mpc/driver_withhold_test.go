package mpc_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tandem-mpc/tandem/mpc"
	"github.com/tandem-mpc/tandem/mpc/mpctest"
)

// An engine error wrapping ErrWithholdAbort ends the session without an ABORT (PROTOCOL.md
// §10.3 item 1: nothing leaves before a lock is durable): this side gets a LOCAL_ERROR
// AbortError, the peer sees nothing and times out. The same error without the sentinel is
// published (control).
func TestRunWithholdAbort(t *testing.T) {
	errEngine := errors.New("lock not durable")
	for _, withhold := range []bool{true, false} {
		t.Run(fmt.Sprintf("withhold=%t", withhold), func(t *testing.T) {
			rl := mpctest.NewRelay(t, nil)
			s := mpctest.NewSession(t, rl)
			pa, pb := mpctest.Pair(mpctest.SignedRounds(3), seed(91))
			pa.Hook = func(_ context.Context, r int, _ []mpc.Inbound) error {
				if r == 2 {
					if withhold {
						return errors.Join(errEngine, mpc.ErrWithholdAbort)
					}
					return errEngine
				}
				return nil
			}
			cfgA, cfgB := s.Configs()
			ctx, cancel := context.WithTimeout(t.Context(), 2*time.Second)
			defer cancel()
			errA, errB := mpctest.RunPair(ctx, cfgA, cfgB, pa, pb)
			var ae *mpc.AbortError
			require.ErrorAs(t, errA, &ae, "got %v", errA)
			assert.Equal(t, mpc.CulpritSelf, ae.Culprit)
			assert.Equal(t, mpc.AbortLocalError, ae.Code)
			require.ErrorIs(t, errA, errEngine)
			var pe *mpc.PeerAbortedError
			if withhold {
				require.ErrorIs(t, errB, mpc.ErrTimeout, "the peer saw no ABORT: %v", errB)
				require.False(t, errors.As(errB, &pe))
				return
			}
			require.ErrorAs(t, errB, &pe, "got %v", errB)
			assert.Equal(t, mpc.AbortLocalError, pe.Code)
		})
	}
}
