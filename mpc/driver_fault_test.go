package mpc_test

import (
	"context"
	"errors"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tandem-mpc/tandem/mpc"
	"github.com/tandem-mpc/tandem/mpc/mpctest"
	"github.com/tandem-mpc/tandem/relay"
	"github.com/tandem-mpc/tandem/relay/relaytest"
)

// run2 runs both parties with their own contexts and returns both errors.
func run2(ctxA, ctxB context.Context, cfgA, cfgB mpc.Config, pa, pb mpc.Protocol) (errA, errB error) {
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); errA = mpc.Run(ctxA, cfgA, pa) }()
	go func() { defer wg.Done(); errB = mpc.Run(ctxB, cfgB, pb) }()
	wg.Wait()
	return errA, errB
}

// lastProgress records the last Progress a party reported.
type lastProgress struct {
	mu sync.Mutex
	p  mpc.Progress
}

func (l *lastProgress) hook(p mpc.Progress) { l.mu.Lock(); l.p = p; l.mu.Unlock() }
func (l *lastProgress) get() mpc.Progress   { l.mu.Lock(); defer l.mu.Unlock(); return l.p }

// requireTimeout checks err is a *TimeoutError that names id among Waiting.
func requireTimeout(t *testing.T, err error, ids ...relay.MsgID) *mpc.TimeoutError {
	t.Helper()
	var te *mpc.TimeoutError
	require.ErrorAs(t, err, &te, "got %v", err)
	require.ErrorIs(t, err, mpc.ErrTimeout)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	for _, id := range ids {
		found := false
		for _, w := range te.Waiting {
			found = found || w.ID == id
		}
		require.True(t, found, "timeout does not name %s: %+v", id.Short(), te.Waiting)
	}
	return te
}

// requireTimeoutOrPeerTimeout accepts what the other side of a starved session sees: its own
// timeout, or the starved side's TIMEOUT abort if that arrives first.
func requireTimeoutOrPeerTimeout(t *testing.T, err error) {
	t.Helper()
	var pa *mpc.PeerAbortedError
	if errors.As(err, &pa) {
		require.Equal(t, mpc.AbortTimeout, pa.Code)
		return
	}
	var te *mpc.TimeoutError
	require.ErrorAs(t, err, &te, "got %v", err)
}

// The fault table of the driver issue: every fault ends as the table says, never in a panic
// or a wrong result (the transcripts of both parties agree on success).
func TestRunFaultTable(t *testing.T) {
	rounds := mpctest.FiveRounds()
	// Ids B expects from A: round 2 E(0) (encrypted, directed), round 3 S(2) (signed).
	type env struct {
		rl     *relaytest.Relay
		s      *mpctest.Session
		pa, pb *mpctest.Toy
		cfgA   mpc.Config
		cfgB   mpc.Config
		progB  *lastProgress
	}
	setup := func(t *testing.T) *env {
		rl := mpctest.NewRelay(t, nil)
		s := mpctest.NewSession(t, rl)
		e := &env{rl: rl, s: s, progB: &lastProgress{}}
		e.pa, e.pb = mpctest.Pair(rounds, seed(2))
		e.cfgA, e.cfgB = s.Configs()
		e.cfgB.OnProgress = e.progB.hook
		return e
	}
	success := func(t *testing.T, e *env) {
		t.Helper()
		ctx, cancel := context.WithTimeout(t.Context(), 8*time.Second)
		defer cancel()
		errA, errB := mpctest.RunPair(ctx, e.cfgA, e.cfgB, e.pa, e.pb)
		require.NoError(t, errA)
		require.NoError(t, errB)
		requireSameTranscript(t, e.pa, e.pb)
	}
	short := func(t *testing.T) (context.Context, context.CancelFunc) {
		return context.WithTimeout(t.Context(), 1500*time.Millisecond)
	}
	r2 := func(e *env) relay.MsgID { return e.s.ID(e.s.A, 2, mpctest.E(0)) }
	r3 := func(e *env) relay.MsgID { return e.s.ID(e.s.A, 3, mpctest.S(2)) }

	t.Run("delay", func(t *testing.T) {
		e := setup(t)
		e.rl.SetLinkDelay(3 * time.Millisecond)
		e.s.B.Fault.OnInbound(mpctest.Rule{Match: mpctest.MatchID(r2(e)), Action: mpctest.Delay, Delay: 150 * time.Millisecond})
		success(t, e)
	})
	t.Run("duplicate", func(t *testing.T) {
		e := setup(t)
		e.s.A.Fault.OnInbound(mpctest.Rule{Action: mpctest.Duplicate})
		e.s.B.Fault.OnInbound(mpctest.Rule{Action: mpctest.Duplicate})
		e.s.A.Fault.OnPublish(mpctest.Rule{Action: mpctest.Duplicate})
		success(t, e)
		assert.Positive(t, e.progB.get().Dropped, "duplicates are dropped as no longer expected")
	})
	t.Run("reorder", func(t *testing.T) {
		e := setup(t)
		e.s.A.Fault.Reorder(20 * time.Millisecond)
		e.s.B.Fault.Reorder(20 * time.Millisecond)
		success(t, e)
	})
	t.Run("encrypted-before-kex-buffered", func(t *testing.T) {
		// B sees A's round-2 ENCRYPTED frame before A's KEX carrier (round 1 S(0)).
		e := setup(t)
		carrier := e.s.ID(e.s.A, 1, mpctest.S(0))
		e.s.B.Fault.OnInbound(mpctest.Rule{Match: mpctest.MatchID(carrier), Action: mpctest.Delay, Delay: 300 * time.Millisecond})
		// A publishes round 2 as soon as it has B's round 1, while B's copy of the carrier is
		// still delayed: B buffers the ENCRYPTED frame and opens it once the keys exist.
		success(t, e)
	})
	t.Run("junk-from-third-party", func(t *testing.T) {
		// D02: N−1 junk candidates under every id B expects, from distinct addresses, before
		// A publishes anything.
		e := setup(t)
		const junk = 3 // relay default: 4 candidates per id
		n := 0
		for i, rd := range rounds {
			for j, sl := range rd.P0 {
				kex := i == 0 && j == 0 // A's KEX carrier
				mpctest.InjectJunk(e.rl, e.s.ID(e.s.A, i+1, sl), sl.Kind, mpc.Tag(uint32(i+1), sl.Seq), kex, junk)
				n += junk
			}
		}
		success(t, e)
		assert.GreaterOrEqual(t, e.progB.get().Dropped, n, "every junk frame is dropped and counted")
	})
	t.Run("replay-from-another-session", func(t *testing.T) {
		// D05: A's frames of a finished session, delivered to B in a new session of the same
		// parties.
		e := setup(t)
		success(t, e)
		old := e.s.A.Fault.Published()
		require.NotEmpty(t, old)
		e.s.Instance = [32]byte{0xee, 1, 2, 3}
		e.cfgA, e.cfgB = e.s.Configs()
		e.cfgB.OnProgress = e.progB.hook
		e.pa, e.pb = mpctest.Pair(rounds, seed(3))
		require.True(t, e.s.B.Fault.Deliver(old...))
		success(t, e)
		assert.GreaterOrEqual(t, e.progB.get().Dropped, len(old))
	})
	t.Run("dropped-once", func(t *testing.T) {
		// D08: one delivery lost; the stall re-send re-ASKs and the relay re-delivers.
		e := setup(t)
		e.s.B.Fault.OnInbound(mpctest.Rule{Match: mpctest.MatchID(r2(e)), Action: mpctest.Drop, Times: 1})
		e.s.A.Fault.OnInbound(mpctest.Rule{Match: mpctest.MatchID(e.s.ID(e.s.B, 4, mpctest.E(1))), Action: mpctest.Drop, Times: 1})
		success(t, e)
	})
	t.Run("dropped-persistently", func(t *testing.T) {
		e := setup(t)
		e.s.B.Fault.OnInbound(mpctest.Rule{Match: mpctest.MatchID(r3(e)), Action: mpctest.Drop})
		ctx, cancel := short(t)
		defer cancel()
		errA, errB := mpctest.RunPair(ctx, e.cfgA, e.cfgB, e.pa, e.pb)
		te := requireTimeout(t, errB, r3(e))
		assert.Equal(t, 3, te.Round)
		for _, w := range te.Waiting {
			assert.GreaterOrEqual(t, w.Round, 3, "only round 3 and later are missing")
		}
		requireTimeoutOrPeerTimeout(t, errA)
	})
	t.Run("dropped-on-publish", func(t *testing.T) {
		// A publish that never reaches the transport is not retained: a persistent loss.
		e := setup(t)
		e.s.A.Fault.OnPublish(mpctest.Rule{Match: mpctest.MatchID(r3(e)), Action: mpctest.Drop, Times: 1})
		ctx, cancel := short(t)
		defer cancel()
		errA, errB := mpctest.RunPair(ctx, e.cfgA, e.cfgB, e.pa, e.pb)
		requireTimeout(t, errB, r3(e))
		requireTimeoutOrPeerTimeout(t, errA)
	})
	t.Run("bit-flip-once", func(t *testing.T) {
		for _, id := range []func(*env) relay.MsgID{r2, r3} { // encrypted, signed
			e := setup(t)
			e.s.B.Fault.OnInbound(mpctest.Rule{Match: mpctest.MatchID(id(e)), Action: mpctest.FlipBit, Times: 1})
			success(t, e)
			assert.Positive(t, e.progB.get().Dropped, "the flipped copy is dropped as unauthenticated")
		}
	})
	t.Run("bit-flip-persistent", func(t *testing.T) {
		e := setup(t)
		e.s.B.Fault.OnInbound(mpctest.Rule{Match: mpctest.MatchID(r3(e)), Action: mpctest.FlipBit, Bit: 8 * 60})
		ctx, cancel := short(t)
		defer cancel()
		errA, errB := mpctest.RunPair(ctx, e.cfgA, e.cfgB, e.pa, e.pb)
		te := requireTimeout(t, errB, r3(e))
		assert.GreaterOrEqual(t, te.Rejected, 1)
		requireTimeoutOrPeerTimeout(t, errA)
	})
	t.Run("bit-flip-on-publish", func(t *testing.T) {
		// Flipped between A and the relay: the relay stores the flipped copy as A's
		// candidate, so it is persistent (see the mpctest package doc).
		e := setup(t)
		e.s.A.Fault.OnPublish(mpctest.Rule{Match: mpctest.MatchID(r3(e)), Action: mpctest.FlipBit, Times: 1})
		ctx, cancel := short(t)
		defer cancel()
		errA, errB := mpctest.RunPair(ctx, e.cfgA, e.cfgB, e.pa, e.pb)
		te := requireTimeout(t, errB, r3(e))
		assert.GreaterOrEqual(t, te.Rejected, 1)
		requireTimeoutOrPeerTimeout(t, errA)
	})
	t.Run("corrupted-before-sealing-violation", func(t *testing.T) {
		for _, c := range []struct {
			round int
			slot  mpc.Slot
		}{{2, mpctest.E(0)}, {3, mpctest.S(2)}, {1, mpctest.B(1)}} {
			e := setup(t)
			e.pa.Corrupt = mpctest.CorruptBody(c.round, c.slot.Seq)
			ctx, cancel := context.WithTimeout(t.Context(), 8*time.Second)
			errA, errB := mpctest.RunPair(ctx, e.cfgA, e.cfgB, e.pa, e.pb)
			cancel()
			var ae *mpc.AbortError
			require.ErrorAs(t, errB, &ae, "got %v", errB)
			assert.Equal(t, mpc.CulpritPeer, ae.Culprit)
			assert.Equal(t, e.s.A.Key.VerifyingKey().Encoding(), ae.Party.Encoding(), "names the peer")
			assert.Equal(t, mpc.AbortProtocolViolation, ae.Code)
			assert.Equal(t, mpctest.DetailBadPayload, ae.Detail)
			assert.Equal(t, c.round+1, ae.Round)
			var te *mpctest.ToyError
			require.ErrorAs(t, errB, &te, "the engine's error is wrapped")

			var pe *mpc.PeerAbortedError
			require.ErrorAs(t, errA, &pe, "got %v", errA)
			assert.Equal(t, mpc.AbortProtocolViolation, pe.Code)
			assert.Equal(t, mpc.CulpritSelf, pe.Claim, "the peer accuses us")
			assert.Equal(t, mpctest.DetailBadPayload, pe.Detail)
			assert.Equal(t, "PROTOCOL_VIOLATION", pe.Reason)
		}
	})
	t.Run("corrupted-before-sealing-ignored-timeout", func(t *testing.T) {
		// Class (a) with no genuine replacement: B waits past it, then times out naming the
		// slot, with the ignored frame counted as rejected.
		e := setup(t)
		e.pa.Corrupt = mpctest.CorruptVersion(2, 0)
		ctx, cancel := short(t)
		defer cancel()
		errA, errB := mpctest.RunPair(ctx, e.cfgA, e.cfgB, e.pa, e.pb)
		te := requireTimeout(t, errB, r2(e))
		assert.GreaterOrEqual(t, te.Rejected, 1)
		assert.Positive(t, e.pb.Ignored())
		requireTimeoutOrPeerTimeout(t, errA)
	})
	t.Run("corrupted-before-sealing-ignored-then-genuine", func(t *testing.T) {
		// Class (a) followed by the genuine payload as a different frame: an old replica of A
		// sends a payload version B ignores; a new replica of A (same key, same session,
		// another address) joins later and sends the genuine one (see the package doc of
		// mpctest). Signed slots only: each replica has its own ephemeral key.
		rl := mpctest.NewRelay(t, nil)
		s := mpctest.NewSession(t, rl)
		sr := mpctest.SignedRounds(4)
		oldA, pb := mpctest.Pair(sr, seed(4))
		newA, _ := mpctest.Pair(sr, seed(4))
		oldA.Corrupt = mpctest.CorruptVersion(2, 0)
		cfgA, cfgB := s.Configs()
		c2, err := rl.DialAs(t.Context(), netip.MustParseAddr("10.0.0.3"), nil)
		require.NoError(t, err)
		defer c2.Close()
		cfgA2 := cfgA
		cfgA2.Transport = c2
		ctx, cancel := context.WithTimeout(t.Context(), 8*time.Second)
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
		require.NoError(t, errB)
		require.NoError(t, errNew)
		require.NoError(t, errOld, "the old replica sees the same peer messages")
		requireSameTranscript(t, newA, pb)
		assert.Equal(t, 1, pb.Ignored())
	})
	t.Run("context-cancelled", func(t *testing.T) {
		// D10: A's caller cancels while A waits for round 3; B learns at once.
		e := setup(t)
		ctxA, cancelA := context.WithCancel(t.Context())
		e.pb.Hook = func(ctx context.Context, r int, _ []mpc.Inbound) error {
			if r == 3 {
				cancelA()
			}
			return nil
		}
		ctxB, cancelB := context.WithTimeout(t.Context(), 20*time.Second)
		defer cancelB()
		start := time.Now()
		errA, errB := run2(ctxA, ctxB, e.cfgA, e.cfgB, e.pa, e.pb)
		var ae *mpc.AbortError
		require.ErrorAs(t, errA, &ae, "got %v", errA)
		require.ErrorIs(t, errA, context.Canceled)
		assert.Equal(t, mpc.CulpritNone, ae.Culprit)
		assert.Equal(t, mpc.AbortCancelled, ae.Code)
		var pe *mpc.PeerAbortedError
		require.ErrorAs(t, errB, &pe, "got %v", errB)
		assert.Equal(t, mpc.AbortCancelled, pe.Code)
		assert.Equal(t, mpc.CulpritNone, pe.Claim)
		// Not a timing assertion on speed, only that B did not run into its own deadline.
		assert.Less(t, time.Since(start), 20*time.Second)
	})
}

// An instance id wrongly reused for a second session of the same parties: the relay still
// holds the first session's frames, which authenticate again (WIRE.md §10.10: not covered),
// and the senders' new frames are refused by the relay's per-address candidate limit. The
// fresh ephemeral keys make the old ciphertexts useless, so the second session starves: a
// timeout, never an abort and never a result.
func TestRunInstanceReuse(t *testing.T) {
	rl := mpctest.NewRelay(t, nil)
	s := mpctest.NewSession(t, rl)
	rounds := mpctest.FourRounds()
	pa, pb := mpctest.Pair(rounds, seed(12))
	cfgA, cfgB := s.Configs()
	ctx, cancel := context.WithTimeout(t.Context(), 8*time.Second)
	defer cancel()
	errA, errB := mpctest.RunPair(ctx, cfgA, cfgB, pa, pb)
	require.NoError(t, errA)
	require.NoError(t, errB)

	pa, pb = mpctest.Pair(rounds, seed(12))
	ctx2, cancel2 := context.WithTimeout(t.Context(), time.Second)
	defer cancel2()
	errA, errB = mpctest.RunPair(ctx2, cfgA, cfgB, pa, pb)
	for _, err := range []error{errA, errB} {
		requireTimeoutOrPeerTimeout(t, err)
	}
	_, doneA := pa.Transcript()
	_, doneB := pb.Transcript()
	require.False(t, doneA || doneB, "no result from a session that reused an instance id")
}
