package mpc_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tandem-mpc/tandem/mpc"
	"github.com/tandem-mpc/tandem/mpc/mpctest"
	"github.com/tandem-mpc/tandem/relay"
)

// slotRef names one message of the FiveRounds plan: sender, round, slot.
type msgRef struct {
	fromA bool
	round int
	slot  mpc.Slot
}

func everyMessage(rounds []mpctest.ToyRound) []msgRef {
	var refs []msgRef
	for i, rd := range rounds {
		for _, s := range rd.P0 {
			refs = append(refs, msgRef{true, i + 1, s})
		}
		for _, s := range rd.P1 {
			refs = append(refs, msgRef{false, i + 1, s})
		}
	}
	return refs
}

// receiverAndID returns the receiving party's fault transport and the message's id.
func (m msgRef) in(s *mpctest.Session) (*mpctest.Party, relay.MsgID) {
	if m.fromA {
		return s.B, s.ID(s.A, m.round, m.slot)
	}
	return s.A, s.ID(s.B, m.round, m.slot)
}

func (m msgRef) String() string {
	from := "B"
	if m.fromA {
		from = "A"
	}
	return fmt.Sprintf("%s-r%d-%s%d", from, m.round, m.slot.Kind, m.slot.Seq)
}

// Every transient fault on every message of every round ends in success with equal
// transcripts; every persistent loss ends in a timeout naming the message (CONVENTIONS 16).
// Each case runs in a synctest bubble, so stall intervals and deadlines cost no real time.
func TestRunEveryMessage(t *testing.T) {
	rounds := mpctest.FiveRounds()
	transient := []struct {
		name string
		rule mpctest.Rule
	}{
		{"drop-once", mpctest.Rule{Action: mpctest.Drop, Times: 1}},
		{"flip-once", mpctest.Rule{Action: mpctest.FlipBit, Times: 1}},
		{"flip-header-once", mpctest.Rule{Action: mpctest.FlipBit, Bit: 8*40 + 1, Times: 1}},
		{"duplicate", mpctest.Rule{Action: mpctest.Duplicate}},
		{"delay", mpctest.Rule{Action: mpctest.Delay, Delay: 30 * time.Millisecond}},
	}
	for _, m := range everyMessage(rounds) {
		for _, f := range transient {
			t.Run(m.String()+"/"+f.name, func(t *testing.T) {
				t.Parallel()
				synctest.Test(t, func(t *testing.T) {
					rl := mpctest.NewRelay(t, nil)
					s := mpctest.NewSession(t, rl)
					to, id := m.in(s)
					r := f.rule
					r.Match = mpctest.MatchID(id)
					to.Fault.OnInbound(r)
					pa, pb := mpctest.Pair(rounds, seed(100))
					cfgA, cfgB := s.Configs()
					ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
					defer cancel()
					errA, errB := mpctest.RunPair(ctx, cfgA, cfgB, pa, pb)
					require.NoError(t, errA)
					require.NoError(t, errB)
					requireSameTranscript(t, pa, pb)
				})
			})
		}
		t.Run(m.String()+"/drop-persistent", func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				rl := mpctest.NewRelay(t, nil)
				s := mpctest.NewSession(t, rl)
				to, id := m.in(s)
				to.Fault.OnInbound(mpctest.Rule{Match: mpctest.MatchID(id), Action: mpctest.Drop})
				pa, pb := mpctest.Pair(rounds, seed(101))
				cfgA, cfgB := s.Configs()
				ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
				defer cancel()
				errA, errB := mpctest.RunPair(ctx, cfgA, cfgB, pa, pb)
				errTo, errFrom := errB, errA
				if to == s.A {
					errTo, errFrom = errA, errB
				}
				requireTimeout(t, errTo, id)
				if errFrom != nil { // the sender may have finished: it had everything
					requireTimeoutOrPeerTimeout(t, errFrom)
				}
			})
		})
	}
}

// Random mixes of transient faults on both sides, a link delay and third-party junk: always
// success with equal transcripts.
func TestRunRandomFaults(t *testing.T) {
	rounds := mpctest.FiveRounds()
	msgs := everyMessage(rounds)
	actions := []mpctest.Action{mpctest.Drop, mpctest.FlipBit, mpctest.Duplicate, mpctest.Delay}
	for seedN := range 12 {
		t.Run(fmt.Sprint(seedN), func(t *testing.T) {
			t.Parallel()
			rnd := rand.New(rand.NewPCG(uint64(seedN), 7))
			rl := mpctest.NewRelay(t, nil)
			rl.SetLinkDelay(time.Duration(rnd.IntN(3)) * time.Millisecond)
			s := mpctest.NewSession(t, rl)
			for _, m := range msgs {
				if rnd.IntN(2) == 0 {
					continue
				}
				to, id := m.in(s)
				a := actions[rnd.IntN(len(actions))]
				to.Fault.OnInbound(mpctest.Rule{Match: mpctest.MatchID(id), Action: a, Times: 1,
					Bit: rnd.IntN(8 * 100), Delay: time.Duration(rnd.IntN(50)) * time.Millisecond})
				if rnd.IntN(3) == 0 {
					mpctest.InjectJunk(rl, id, m.slot.Kind, mpc.Tag(uint32(m.round), m.slot.Seq), false, 1+rnd.IntN(3))
				}
			}
			if rnd.IntN(2) == 0 {
				s.A.Fault.Reorder(10 * time.Millisecond)
			}
			pa, pb := mpctest.Pair(rounds, seed(byte(seedN)))
			cfgA, cfgB := s.Configs()
			ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
			defer cancel()
			errA, errB := mpctest.RunPair(ctx, cfgA, cfgB, pa, pb)
			require.NoError(t, errA)
			require.NoError(t, errB)
			requireSameTranscript(t, pa, pb)
		})
	}
}
