package mpc_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tandem-mpc/tandem/mpc"
	"github.com/tandem-mpc/tandem/mpc/mpctest"
	"github.com/tandem-mpc/tandem/relay"
	"github.com/tandem-mpc/tandem/relay/relaytest"
	"github.com/tandem-mpc/tandem/signer"
)

// D03: the relay's candidate limit filled with junk before the sender publishes: the
// genuine frame is refused, and the receiver times out naming the id and counting the junk.
func TestRunJunkFirstStarves(t *testing.T) {
	rl := mpctest.NewRelay(t, nil)
	s := mpctest.NewSession(t, rl)
	pa, pb := mpctest.Pair(mpctest.FiveRounds(), seed(5))
	cfgA, cfgB := s.Configs()
	id := s.ID(s.A, 3, mpctest.S(2))
	const n = 4 // the relay's default candidate limit
	mpctest.InjectJunk(rl, id, mpc.Signed, mpc.Tag(3, 2), false, n)
	ctx, cancel := context.WithTimeout(t.Context(), 1500*time.Millisecond)
	defer cancel()
	errA, errB := mpctest.RunPair(ctx, cfgA, cfgB, pa, pb)
	te := requireTimeout(t, errB, id)
	assert.GreaterOrEqual(t, te.Rejected, n)
	assert.Contains(t, te.Error(), "rejected frame(s)")
	requireTimeoutOrPeerTimeout(t, errA)
}

// fastBackoff reconnects quickly after the drops of D06/D07.
var fastBackoff = &relay.ClientOptions{Backoff: relay.Backoff{Initial: 5 * time.Millisecond, Max: 50 * time.Millisecond}}

// D06: connections dropped at every round boundary (from inside Next) and, separately,
// repeatedly mid-round.
func TestRunConnectionDrops(t *testing.T) {
	t.Run("round-boundaries", func(t *testing.T) {
		rl := mpctest.NewRelay(t, nil)
		s := mpctest.NewSession(t, rl, mpctest.WithClientOptions(fastBackoff))
		pa, pb := mpctest.Pair(mpctest.FiveRounds(), seed(6))
		pa.Hook = func(context.Context, int, []mpc.Inbound) error { rl.DropConnections(nil); return nil }
		cfgA, cfgB := s.Configs()
		ctx, cancel := context.WithTimeout(t.Context(), 8*time.Second)
		defer cancel()
		start := time.Now()
		errA, errB := mpctest.RunPair(ctx, cfgA, cfgB, pa, pb)
		require.NoError(t, errA)
		require.NoError(t, errB)
		requireSameTranscript(t, pa, pb)
		t.Logf("6 drops at round boundaries: session took %v", time.Since(start))
	})
	t.Run("mid-round", func(t *testing.T) {
		rl := mpctest.NewRelay(t, nil)
		rl.SetLinkDelay(2 * time.Millisecond)
		s := mpctest.NewSession(t, rl, mpctest.WithClientOptions(fastBackoff))
		pa, pb := mpctest.Pair(mpctest.FiveRounds(), seed(7))
		cfgA, cfgB := s.Configs()
		ctx, cancel := context.WithTimeout(t.Context(), 8*time.Second)
		defer cancel()
		stop := make(chan struct{})
		done := make(chan struct{})
		var drops atomic.Int32
		go func() {
			defer close(done)
			tick := time.NewTicker(7 * time.Millisecond)
			defer tick.Stop()
			for {
				select {
				case <-stop:
					return
				case <-tick.C:
					if drops.Add(1) <= 8 {
						rl.DropConnections(nil)
					}
				}
			}
		}()
		start := time.Now()
		errA, errB := mpctest.RunPair(ctx, cfgA, cfgB, pa, pb)
		close(stop)
		<-done
		require.NoError(t, errA)
		require.NoError(t, errB)
		requireSameTranscript(t, pa, pb)
		t.Logf("up to 8 drops every 7ms: session took %v", time.Since(start))
	})
}

// D07: the relay restarts (store wiped, connections dropped) mid-session.
func TestRunRelayRestart(t *testing.T) {
	for _, r := range []int{1, 3, 5} {
		rl := mpctest.NewRelay(t, nil)
		s := mpctest.NewSession(t, rl, mpctest.WithClientOptions(fastBackoff))
		pa, pb := mpctest.Pair(mpctest.FiveRounds(), seed(8))
		pb.Hook = func(_ context.Context, rr int, _ []mpc.Inbound) error {
			if rr == r {
				rl.Restart()
			}
			return nil
		}
		cfgA, cfgB := s.Configs()
		ctx, cancel := context.WithTimeout(t.Context(), 8*time.Second)
		errA, errB := mpctest.RunPair(ctx, cfgA, cfgB, pa, pb)
		cancel()
		require.NoError(t, errA, "restart in round %d", r)
		require.NoError(t, errB, "restart in round %d", r)
		requireSameTranscript(t, pa, pb)
	}
}

// D09: every way an engine error is classified, as returned locally and as the peer sees it.
func TestRunEngineErrors(t *testing.T) {
	tests := []struct {
		name        string
		err         error
		code        mpc.AbortCode
		culprit     mpc.Culprit // in our AbortError
		claim       mpc.Culprit // in the peer's PeerAbortedError
		detail      uint8
		reason      func(error) string
		wantReason  string
		wantPartyOK bool
	}{
		{name: "classifier-peer", err: &mpctest.ToyError{Round: 3, Class: mpc.ClassPeer, Detail: 7}, code: mpc.AbortProtocolViolation, culprit: mpc.CulpritPeer, claim: mpc.CulpritSelf, detail: 7, wantPartyOK: true},
		{name: "peer-faulter-only", err: &mpctest.PeerFaultError{Reason: "bad proof"}, code: mpc.AbortProtocolViolation, culprit: mpc.CulpritPeer, claim: mpc.CulpritSelf, wantPartyOK: true},
		{name: "classifier-mismatch", err: &mpctest.ToyError{Round: 3, Class: mpc.ClassMismatch, Detail: mpctest.DetailMismatch}, code: mpc.AbortInputMismatch, culprit: mpc.CulpritNone, claim: mpc.CulpritNone, detail: mpctest.DetailMismatch},
		{name: "classifier-declined", err: mpctest.Declined(3), code: mpc.AbortRejected, culprit: mpc.CulpritNone, claim: mpc.CulpritNone, detail: mpctest.DetailDeclined},
		{name: "classifier-local", err: &mpctest.ToyError{Round: 3, Class: mpc.ClassLocal, Detail: 9}, code: mpc.AbortLocalError, culprit: mpc.CulpritSelf, claim: mpc.CulpritPeer, detail: 9},
		{name: "plain-error", err: mpctest.ErrLocal, code: mpc.AbortLocalError, culprit: mpc.CulpritSelf, claim: mpc.CulpritPeer},
		{name: "ignore-in-round-1", err: &mpctest.ToyError{Round: 1, Ignore: true}, code: mpc.AbortLocalError, culprit: mpc.CulpritSelf, claim: mpc.CulpritPeer},
		{
			name: "custom-reason", err: mpctest.ErrLocal, code: mpc.AbortLocalError, culprit: mpc.CulpritSelf, claim: mpc.CulpritPeer,
			reason:     func(error) string { return "disk\x07 full\n" },
			wantReason: "disk full",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rl := mpctest.NewRelay(t, nil)
			s := mpctest.NewSession(t, rl)
			pa, pb := mpctest.Pair(mpctest.FiveRounds(), seed(9))
			failAt := 3
			if tc.name == "ignore-in-round-1" {
				failAt = 1
			}
			pb.Hook = func(_ context.Context, r int, _ []mpc.Inbound) error {
				if r == failAt {
					return tc.err
				}
				return nil
			}
			cfgA, cfgB := s.Configs()
			cfgB.AbortReason = tc.reason
			ctx, cancel := context.WithTimeout(t.Context(), 8*time.Second)
			defer cancel()
			errA, errB := mpctest.RunPair(ctx, cfgA, cfgB, pa, pb)

			var ae *mpc.AbortError
			require.ErrorAs(t, errB, &ae, "got %v", errB)
			require.ErrorIs(t, errB, tc.err, "the engine's error is wrapped")
			assert.Equal(t, tc.code, ae.Code)
			assert.Equal(t, tc.culprit, ae.Culprit)
			assert.Equal(t, tc.detail, ae.Detail)
			assert.Equal(t, failAt, ae.Round)
			assert.Equal(t, tc.wantPartyOK, !ae.Party.IsZero(), "Party is set only for CulpritPeer")
			if tc.wantPartyOK {
				assert.Equal(t, s.A.Key.VerifyingKey().Encoding(), ae.Party.Encoding())
			}
			assert.True(t, strings.HasPrefix(ae.Error(), "mpc: "), ae.Error())

			var pe *mpc.PeerAbortedError
			require.ErrorAs(t, errA, &pe, "got %v", errA)
			assert.Equal(t, tc.code, pe.Code)
			assert.Equal(t, tc.claim, pe.Claim)
			assert.Equal(t, tc.detail, pe.Detail)
			want := tc.wantReason
			if want == "" {
				want = tc.code.String()
			}
			assert.Equal(t, want, pe.Reason)
			assert.True(t, strings.HasPrefix(pe.Error(), "mpc: "), pe.Error())
			assert.NotContains(t, pe.Error(), "mpctest", "engine error text never travels")
		})
	}
}

// D11: the default timeout applies when ctx has no deadline.
func TestRunDefaultTimeout(t *testing.T) {
	rl := mpctest.NewRelay(t, nil)
	s := mpctest.NewSession(t, rl)
	cfgA, _ := s.Configs()
	cfgA.DefaultTimeout = 300 * time.Millisecond
	pa, _ := mpctest.Pair(mpctest.FiveRounds(), seed(10))
	err := mpc.Run(context.Background(), cfgA, pa) // the peer never runs
	te := requireTimeout(t, err, s.ExpectedIDs(mpctest.FiveRounds(), s.A)...)
	assert.Equal(t, 1, te.Round)
	assert.Len(t, te.Waiting, len(s.ExpectedIDs(mpctest.FiveRounds(), s.A)))
	for i := 1; i < len(te.Waiting); i++ {
		assert.LessOrEqual(t, te.Waiting[i-1].Round, te.Waiting[i].Round, "sorted by round")
	}
	assert.Equal(t, fmt.Sprintf("mpc: round 1: timeout waiting for %d message(s)", len(te.Waiting)), te.Error())
}

// D12: EXT_KEX misuse in an authenticated frame blames the peer; the same frames signed by
// anyone else are dropped; an all-zero X25519 result blames the peer.
func TestRunKEXMisuse(t *testing.T) {
	other := mpctest.NewKey(t, "Ed25519")
	payload := make([]byte, 64)
	epk := make([]byte, 32)
	epk[0] = 9 // the X25519 base point: a valid key
	tests := []struct {
		name   string
		seq    uint32
		bcast  bool
		epk    []byte
		forged bool
		blamed bool
	}{
		{name: "missing-on-carrier", seq: 0, epk: nil, blamed: true},
		{name: "extra-on-non-carrier", seq: 1, bcast: true, epk: epk, blamed: true},
		{name: "all-zero-shared", seq: 0, epk: make([]byte, 32), blamed: true},
		{name: "missing-on-carrier-forged", seq: 0, epk: nil, forged: true},
		{name: "extra-on-non-carrier-forged", seq: 1, bcast: true, epk: epk, forged: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rl := mpctest.NewRelay(t, nil)
			s := mpctest.NewSession(t, rl)
			_, pb := mpctest.Pair(mpctest.FiveRounds(), seed(11))
			_, cfgB := s.Configs()
			var key signer.Signer = s.A.Key
			if tc.forged {
				key = other
			}
			var peer = s.B.Key.VerifyingKey()
			pp := &peer
			if tc.bcast {
				pp = nil
			}
			frame, err := mpc.SealSignedForTest(key, mpctest.Label, s.Instance, 1, tc.seq, pp, tc.epk, payload)
			require.NoError(t, err)
			if tc.forged { // move the frame under A's id (the signature then cannot verify)
				copy(frame[:32], func() []byte {
					id := s.ID(s.A, 1, mpc.Slot{Seq: tc.seq, Kind: mpc.Signed, Broadcast: tc.bcast})
					return id[:]
				}())
			}
			require.True(t, s.B.Fault.Deliver(frame))
			ctx, cancel := context.WithTimeout(t.Context(), 700*time.Millisecond)
			defer cancel()
			err = mpc.Run(ctx, cfgB, pb)
			if !tc.blamed {
				requireTimeout(t, err)
				return
			}
			var ae *mpc.AbortError
			require.ErrorAs(t, err, &ae, "got %v", err)
			assert.Equal(t, mpc.CulpritPeer, ae.Culprit)
			assert.Equal(t, mpc.AbortProtocolViolation, ae.Code)
			assert.Equal(t, frame, ae.Evidence)
			assert.Equal(t, s.A.Key.VerifyingKey().Encoding(), ae.Party.Encoding())
		})
	}
}

// countingTransport records calls; D13 checks that invalid input causes no traffic.
type countingTransport struct {
	mpc.Transport
	calls atomic.Int32
}

func (c *countingTransport) Publish(context.Context, []byte, time.Time) error {
	c.calls.Add(1)
	return nil
}

func (c *countingTransport) Ask(context.Context, relay.MsgID, time.Time) error {
	c.calls.Add(1)
	return nil
}

// D13: plan and config validation, before any traffic.
func TestRunValidation(t *testing.T) {
	a, b := mpctest.NewKey(t, "Ed25519"), mpctest.NewKey(t, "ECDSA_P256")
	ct := &countingTransport{}
	base := mpc.Config{Protocol: mpctest.Label, Instance: [32]byte{1}, Self: a, Peer: b.VerifyingKey(), Transport: ct}
	ok := mpctest.FiveRounds()
	many := make([]mpctest.ToyRound, 1001)
	for i := range many {
		many[i] = mpctest.ToyRound{P0: mpctest.Slots(mpctest.S(0))}
	}
	planErr := []struct {
		name   string
		rounds []mpctest.ToyRound
	}{
		{"no-rounds", nil},
		{"too-many-rounds", many},
		{"duplicate-send-seq", []mpctest.ToyRound{{P0: mpctest.Slots(mpctest.S(1), mpctest.E(1))}}},
		{"duplicate-expect-seq", []mpctest.ToyRound{{P1: mpctest.Slots(mpctest.S(1), mpctest.B(1))}}},
		{"broadcast-encrypted", []mpctest.ToyRound{{P0: mpctest.Slots(mpc.Slot{Kind: mpc.Encrypted, Broadcast: true})}}},
		{"unknown-kind", []mpctest.ToyRound{{P0: mpctest.Slots(mpc.Slot{Kind: 3})}}},
		{"zero-kind", []mpctest.ToyRound{{P1: mpctest.Slots(mpc.Slot{})}}},
	}
	for _, tc := range planErr {
		t.Run(tc.name, func(t *testing.T) {
			err := mpc.Run(t.Context(), base, &mpctest.Toy{Rounds: tc.rounds})
			require.ErrorIs(t, err, mpc.ErrInvalidPlan)
		})
	}
	cfgErr := []struct {
		name string
		mod  func(*mpc.Config)
	}{
		{"empty-label", func(c *mpc.Config) { c.Protocol = "" }},
		{"label-with-space", func(c *mpc.Config) { c.Protocol = "a b" }},
		{"long-label", func(c *mpc.Config) { c.Protocol = strings.Repeat("x", 65) }},
		{"zero-instance", func(c *mpc.Config) { c.Instance = [32]byte{} }},
		{"no-signer", func(c *mpc.Config) { c.Self = nil }},
		{"no-transport", func(c *mpc.Config) { c.Transport = nil }},
		{"zero-peer", func(c *mpc.Config) { c.Peer = signer.VerifyingKey{} }},
		{"self-is-peer", func(c *mpc.Config) { c.Peer = a.VerifyingKey() }},
	}
	for _, tc := range cfgErr {
		t.Run(tc.name, func(t *testing.T) {
			cfg := base
			tc.mod(&cfg)
			err := mpc.Run(t.Context(), cfg, &mpctest.Toy{Rounds: ok})
			require.ErrorIs(t, err, mpc.ErrInvalidConfig)
		})
	}
	require.ErrorIs(t, mpc.Run(t.Context(), base, nil), mpc.ErrInvalidConfig)
	assert.Zero(t, ct.calls.Load(), "no traffic before validation passes")
}

// pendingAsks reads the relay's pending-ask gauge.
func pendingAsks(t *testing.T, rl *relaytest.Relay) float64 {
	t.Helper()
	mfs, err := rl.Server().Registry().Gather()
	require.NoError(t, err)
	for _, mf := range mfs {
		if mf.GetName() == "tandem_relay_pending_asks" {
			return mf.GetMetric()[0].GetGauge().GetValue()
		}
	}
	t.Fatal("no pending_asks gauge")
	return 0
}

// D14: two sessions multiplexed on one Client per party through Scopes; UNASK keeps the
// relay's pending-ask count at the number of outstanding ids.
func TestRunScopesMultiplexed(t *testing.T) {
	rl := mpctest.NewRelay(t, nil)
	s := mpctest.NewSession(t, rl)
	require.True(t, s.A.Client.Features().Unask, "relaytest advertises UNASK")
	rounds := mpctest.FiveRounds()
	type sess struct {
		cfgA, cfgB mpc.Config
		pa, pb     *mpctest.Toy
	}
	var ss [2]sess
	block := make(chan struct{})
	for i := range ss {
		sa, sb := s.A.Client.Scope(), s.B.Client.Scope()
		t.Cleanup(func() { _ = sa.Close(); _ = sb.Close() })
		cfgA, cfgB := s.Configs()
		cfgA.Instance[0] ^= byte(i + 1)
		cfgB.Instance = cfgA.Instance
		cfgA.Transport, cfgB.Transport = sa, sb
		pa, pb := mpctest.Pair(rounds, seed(byte(20+i)))
		pa.Hook = func(ctx context.Context, r int, _ []mpc.Inbound) error {
			if r == 1 {
				select {
				case <-block:
				case <-ctx.Done():
					return ctx.Err()
				}
			}
			return nil
		}
		ss[i] = sess{cfgA, cfgB, pa, pb}
	}
	ctx, cancel := context.WithTimeout(t.Context(), 8*time.Second)
	defer cancel()
	errs := make(chan error, 4)
	for _, x := range ss {
		go func() { errs <- mpc.Run(ctx, x.cfgA, x.pa) }()
		go func() { errs <- mpc.Run(ctx, x.cfgB, x.pb) }()
	}
	// While both A sides block in round 1 nothing is accepted yet: each side of each session
	// waits for every id it expects plus the peer's ABORT id.
	perSession := len(s.ExpectedIDs(rounds, s.A)) + len(s.ExpectedIDs(rounds, s.B)) + 2
	require.Eventually(t, func() bool { return pendingAsks(t, rl) == float64(2*perSession) }, 5*time.Second, 5*time.Millisecond,
		"pending asks %v, want %d", pendingAsks(t, rl), 2*perSession)
	close(block)
	for range 4 {
		require.NoError(t, <-errs)
	}
	for _, x := range ss {
		requireSameTranscript(t, x.pa, x.pb)
	}
	require.Eventually(t, func() bool { return pendingAsks(t, rl) == 0 }, 5*time.Second, 5*time.Millisecond,
		"every ask is withdrawn with UNASK when the sessions end (pending %v)", pendingAsks(t, rl))
}

// D17: the finish shape (asymmetric, encrypted from round 1, inserted round-0 KEX slots), with
// party 1's approval hook blocking in Next.
func TestRunAsymmetricApproval(t *testing.T) {
	run := func(t *testing.T, hook func(ctx context.Context, r int, in []mpc.Inbound) error, ctxB context.Context) (errA, errB error, pa, pb *mpctest.Toy) {
		rl := mpctest.NewRelay(t, nil)
		s := mpctest.NewSession(t, rl)
		pa, pb = mpctest.Pair(mpctest.FinishShape(), seed(30))
		pb.Hook = hook
		cfgA, cfgB := s.Configs()
		ctxA, cancel := context.WithTimeout(t.Context(), 20*time.Second)
		defer cancel()
		errA, errB = run2(ctxA, ctxB, cfgA, cfgB, pa, pb)
		return errA, errB, pa, pb
	}
	t.Run("approved", func(t *testing.T) {
		approved := make(chan struct{})
		go func() { time.Sleep(50 * time.Millisecond); close(approved) }()
		errA, errB, pa, pb := run(t, func(ctx context.Context, r int, _ []mpc.Inbound) error {
			if r == 2 {
				<-approved
			}
			return nil
		}, t.Context())
		require.NoError(t, errA)
		require.NoError(t, errB)
		requireSameTranscript(t, pa, pb)
	})
	t.Run("refused", func(t *testing.T) {
		errA, errB, _, _ := run(t, func(ctx context.Context, r int, _ []mpc.Inbound) error {
			if r == 2 {
				time.Sleep(50 * time.Millisecond) // the user thinks
				return mpctest.Declined(r)
			}
			return nil
		}, t.Context())
		var ae *mpc.AbortError
		require.ErrorAs(t, errB, &ae)
		assert.Equal(t, mpc.AbortRejected, ae.Code)
		assert.Equal(t, mpc.CulpritNone, ae.Culprit)
		var pe *mpc.PeerAbortedError
		require.ErrorAs(t, errA, &pe, "got %v", errA)
		assert.Equal(t, mpc.AbortRejected, pe.Code)
		assert.Equal(t, mpctest.DetailDeclined, pe.Detail)
		assert.Equal(t, 2, pe.Round)
	})
	t.Run("cancelled-while-blocked", func(t *testing.T) {
		ctxB, cancelB := context.WithCancel(t.Context())
		errA, errB, _, _ := run(t, func(ctx context.Context, r int, _ []mpc.Inbound) error {
			if r == 2 {
				go func() { time.Sleep(50 * time.Millisecond); cancelB() }()
				<-ctx.Done()
				return ctx.Err()
			}
			return nil
		}, ctxB)
		require.ErrorIs(t, errB, context.Canceled)
		require.False(t, errors.Is(errB, context.DeadlineExceeded))
		var ae *mpc.AbortError
		require.ErrorAs(t, errB, &ae)
		assert.Equal(t, mpc.AbortCancelled, ae.Code)
		var pe *mpc.PeerAbortedError
		require.ErrorAs(t, errA, &pe, "got %v", errA)
		assert.Equal(t, mpc.AbortCancelled, pe.Code)
	})
}

// A closed transport is a TransportError wrapping the relay's error.
func TestRunTransportClosed(t *testing.T) {
	rl := mpctest.NewRelay(t, nil)
	s := mpctest.NewSession(t, rl)
	cfgA, _ := s.Configs()
	require.NoError(t, s.A.Client.Close())
	pa, _ := mpctest.Pair(mpctest.FiveRounds(), seed(31))
	err := mpc.Run(t.Context(), cfgA, pa)
	var te *mpc.TransportError
	require.ErrorAs(t, err, &te, "got %v", err)
	require.ErrorIs(t, err, relay.ErrClosed)
	assert.True(t, strings.HasPrefix(err.Error(), "mpc: transport failed: "))
}

// The relay stalls (Pause) for longer than the stall interval mid-session and resumes: the
// queued frames and the stall re-sends are processed, and the session succeeds.
func TestRunRelayPause(t *testing.T) {
	rl := mpctest.NewRelay(t, nil)
	s := mpctest.NewSession(t, rl)
	pa, pb := mpctest.Pair(mpctest.FiveRounds(), seed(13))
	resumed := make(chan struct{})
	pa.Hook = func(_ context.Context, r int, _ []mpc.Inbound) error {
		if r == 3 {
			rl.Pause()
			go func() { time.Sleep(300 * time.Millisecond); rl.Resume(); close(resumed) }()
		}
		return nil
	}
	cfgA, cfgB := s.Configs()
	ctx, cancel := context.WithTimeout(t.Context(), 8*time.Second)
	defer cancel()
	errA, errB := mpctest.RunPair(ctx, cfgA, cfgB, pa, pb)
	<-resumed
	require.NoError(t, errA)
	require.NoError(t, errB)
	requireSameTranscript(t, pa, pb)
}

// A junk flood delivered straight to the driver (more than MaxCandidates distinct frames for
// one id, which one relay never serves) spends the id's budget: the genuine frame is then
// dropped unverified and the session times out, with bounded work.
func TestRunCandidateBudget(t *testing.T) {
	for _, tc := range []struct {
		name string
		r    int
		slot mpc.Slot
	}{{"signed", 3, mpctest.S(2)}, {"encrypted-buffered", 2, mpctest.E(0)}} {
		t.Run(tc.name, func(t *testing.T) {
			rl := mpctest.NewRelay(t, nil)
			s := mpctest.NewSession(t, rl)
			pa, pb := mpctest.Pair(mpctest.FiveRounds(), seed(14))
			cfgA, cfgB := s.Configs()
			cfgB.MaxCandidates = 3
			id := s.ID(s.A, tc.r, tc.slot)
			for i := range 5 {
				s.B.Fault.Deliver(mpctest.JunkFrame(id, tc.slot.Kind, mpc.Tag(uint32(tc.r), tc.slot.Seq), false, 100+i))
			}
			ctx, cancel := context.WithTimeout(t.Context(), 1500*time.Millisecond)
			defer cancel()
			errA, errB := mpctest.RunPair(ctx, cfgA, cfgB, pa, pb)
			te := requireTimeout(t, errB, id)
			assert.Equal(t, 3, te.Rejected, "verification stops at the budget")
			requireTimeoutOrPeerTimeout(t, errA)
		})
	}
}
