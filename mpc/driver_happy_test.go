package mpc_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tandem-mpc/tandem/mpc"
	"github.com/tandem-mpc/tandem/mpc/mpctest"
	"github.com/tandem-mpc/tandem/signer"
)

// requireSameTranscript checks that both toys finished and agree on every payload.
func requireSameTranscript(t *testing.T, a, b *mpctest.Toy) {
	t.Helper()
	ta, doneA := a.Transcript()
	tb, doneB := b.Transcript()
	require.True(t, doneA, "party 0 did not finish")
	require.True(t, doneB, "party 1 did not finish")
	require.Equal(t, ta, tb, "transcripts differ")
}

func seed(b byte) [32]byte { return [32]byte{b} }

// D01: happy path, 5 rounds with signed, broadcast and encrypted slots, both orders of start,
// both key types.
func TestRunHappyPath(t *testing.T) {
	keyTypes := []struct {
		name string
		a, b signer.KeyType
	}{
		{"ed25519", signer.Ed25519, signer.Ed25519},
		{"p256", signer.ECDSAP256, signer.ECDSAP256},
		{"mixed", signer.Ed25519, signer.ECDSAP256},
	}
	for _, kt := range keyTypes {
		for _, order := range []string{"A-first", "B-first", "together"} {
			t.Run(kt.name+"/"+order, func(t *testing.T) {
				rl := mpctest.NewRelay(t, nil)
				s := mpctest.NewSession(t, rl, mpctest.WithKeyTypes(kt.a, kt.b))
				cfgA, cfgB := s.Configs()
				var progA []mpc.Progress
				cfgA.OnProgress = func(p mpc.Progress) { progA = append(progA, p) }
				pa, pb := mpctest.Pair(mpctest.FiveRounds(), seed(1))
				ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
				defer cancel()
				errs := make(chan error, 2)
				start := func(cfg mpc.Config, p mpc.Protocol) { go func() { errs <- mpc.Run(ctx, cfg, p) }() }
				switch order {
				case "A-first":
					start(cfgA, pa)
					time.Sleep(50 * time.Millisecond)
					start(cfgB, pb)
				case "B-first":
					start(cfgB, pb)
					time.Sleep(50 * time.Millisecond)
					start(cfgA, pa)
				default:
					start(cfgA, pa)
					start(cfgB, pb)
				}
				require.NoError(t, <-errs)
				require.NoError(t, <-errs)
				requireSameTranscript(t, pa, pb)
				assert.Equal(t, []int{1, 2, 3, 4, 5, 6}, pa.Calls())
				assert.Equal(t, []int{1, 2, 3, 4, 5, 6}, pb.Calls())
				require.NotEmpty(t, progA)
				last := progA[len(progA)-1]
				assert.Equal(t, 5, last.Rounds)
				assert.Equal(t, last.Expected, last.Received, "every expected message accepted")
				assert.Equal(t, 0, last.Dropped)
			})
		}
	}
}

// Plans whose KEX carriers fall in different places (§12.3): one side's carrier is a plan slot
// and the other's is inserted, both inserted after an empty round, encrypted from round 1,
// no encryption at all, and a broadcast carrier.
func TestRunCarrierPlacement(t *testing.T) {
	S, B, E, sl := mpctest.S, mpctest.B, mpctest.E, mpctest.Slots
	plans := map[string][]mpctest.ToyRound{
		"one-sided-signed-round": {{P0: sl(S(0))}, {P0: sl(E(0)), P1: sl(E(0))}, {P1: sl(E(1))}},
		"empty-first-round":      {{}, {P0: sl(E(0)), P1: sl(E(0))}},
		"encrypted-round-1":      {{P0: sl(E(0)), P1: sl(E(0))}, {P0: sl(E(1))}},
		"signed-only":            mpctest.SignedRounds(3),
		"broadcast-carrier":      {{P0: sl(B(4), S(1)), P1: sl(S(2))}, {P1: sl(E(0)), P0: sl(E(0))}},
		"carrier-in-round-2":     {{P1: sl(S(0))}, {P0: sl(S(0)), P1: sl(B(1))}, {P0: sl(E(0)), P1: sl(E(0))}},
		"single-round-one-way":   {{P0: sl(E(0))}},
	}
	for name, rounds := range plans {
		t.Run(name, func(t *testing.T) {
			rl := mpctest.NewRelay(t, nil)
			s := mpctest.NewSession(t, rl)
			pa, pb := mpctest.Pair(rounds, seed(90))
			cfgA, cfgB := s.Configs()
			ctx, cancel := context.WithTimeout(t.Context(), 8*time.Second)
			defer cancel()
			errA, errB := mpctest.RunPair(ctx, cfgA, cfgB, pa, pb)
			require.NoError(t, errA)
			require.NoError(t, errB)
			requireSameTranscript(t, pa, pb)
		})
	}
}
