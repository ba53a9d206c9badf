package mpc_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tandem-mpc/tandem/mpc"
	"github.com/tandem-mpc/tandem/mpc/mpctest"
	"github.com/tandem-mpc/tandem/relay"
	"github.com/tandem-mpc/tandem/signer"
)

var errHSM = errors.New("hsm unavailable")

// A signer failure is a local fault; the ABORT (signed once the signer works again) reaches
// the peer with the sender's claim that the fault is its own.
func TestRunSignerFailure(t *testing.T) {
	rl := mpctest.NewRelay(t, nil)
	s := mpctest.NewSession(t, rl)
	pa, pb := mpctest.Pair(mpctest.SignedRounds(3), seed(80))
	cfgA, cfgB := s.Configs()
	var calls atomic.Int32
	cfgA.Self = signer.External(s.A.Key.VerifyingKey(), func(ctx context.Context, msg []byte) ([]byte, error) {
		if calls.Add(1) == 2 { // round 2's slot
			return nil, errHSM
		}
		return s.A.Key.Sign(ctx, msg)
	})
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	errA, errB := mpctest.RunPair(ctx, cfgA, cfgB, pa, pb)
	var ae *mpc.AbortError
	require.ErrorAs(t, errA, &ae, "got %v", errA)
	require.ErrorIs(t, errA, errHSM)
	assert.Equal(t, mpc.CulpritSelf, ae.Culprit)
	assert.Equal(t, mpc.AbortLocalError, ae.Code)
	assert.Equal(t, 2, ae.Round)
	var pe *mpc.PeerAbortedError
	require.ErrorAs(t, errB, &pe, "got %v", errB)
	assert.Equal(t, mpc.AbortLocalError, pe.Code)
	assert.Equal(t, mpc.CulpritPeer, pe.Claim, "the peer blames itself")
}

// A remote signer that blocks until ctx is done: cancelling is a cancellation, not a fault.
func TestRunSignerBlocksUntilCancel(t *testing.T) {
	rl := mpctest.NewRelay(t, nil)
	s := mpctest.NewSession(t, rl)
	pa, _ := mpctest.Pair(mpctest.SignedRounds(2), seed(81))
	cfgA, _ := s.Configs()
	ctx, cancel := context.WithCancel(t.Context())
	var calls atomic.Int32
	cfgA.Self = signer.External(s.A.Key.VerifyingKey(), func(sctx context.Context, msg []byte) ([]byte, error) {
		if calls.Add(1) > 1 { // the ABORT, under a detached context
			return s.A.Key.Sign(sctx, msg)
		}
		cancel()
		<-sctx.Done()
		return nil, sctx.Err()
	})
	err := mpc.Run(ctx, cfgA, pa)
	require.ErrorIs(t, err, context.Canceled)
	var ae *mpc.AbortError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, mpc.AbortCancelled, ae.Code)
}

// badEngine wraps a Toy and breaks the Protocol contract in one way.
type badEngine struct {
	*mpctest.Toy
	extra int // round whose payload list gets one more entry
}

func (b *badEngine) Next(ctx context.Context, r int, in []mpc.Inbound) ([][]byte, error) {
	out, err := b.Toy.Next(ctx, r, in)
	if err == nil && r == b.extra {
		out = append(out, []byte("extra"))
	}
	return out, err
}

// Engine contract violations are local faults with an internal-error cause.
func TestRunEngineContract(t *testing.T) {
	tests := []struct {
		name  string
		extra int
		hook  func(context.Context, int, []mpc.Inbound) error
	}{
		{name: "too-many-payloads", extra: 2},
		{name: "final-next-returns-payloads", extra: 4},
		{name: "ignored-index-out-of-range", hook: func(_ context.Context, r int, _ []mpc.Inbound) error {
			if r == 2 {
				return &mpctest.ToyError{Round: r, Ignore: true, Index: 5}
			}
			return nil
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rl := mpctest.NewRelay(t, nil)
			s := mpctest.NewSession(t, rl)
			pa, pb := mpctest.Pair(mpctest.SignedRounds(3), seed(82))
			pa.Hook = tc.hook
			cfgA, cfgB := s.Configs()
			ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
			defer cancel()
			errA, errB := mpctest.RunPair(ctx, cfgA, cfgB, &badEngine{Toy: pa, extra: tc.extra}, pb)
			var ae *mpc.AbortError
			require.ErrorAs(t, errA, &ae, "got %v", errA)
			assert.Equal(t, mpc.CulpritSelf, ae.Culprit)
			assert.Contains(t, ae.Error(), "internal error")
			if tc.name == "final-next-returns-payloads" {
				require.NoError(t, errB, "the peer had everything it needed")
				return
			}
			var pe *mpc.PeerAbortedError
			require.ErrorAs(t, errB, &pe, "got %v", errB)
			assert.Equal(t, mpc.AbortLocalError, pe.Code)
		})
	}
}

// A terminal transport failure (reconnect disabled, connection dropped) is a TransportError.
// The drop happens in round 2, once the relay surely registered both connections.
func TestRunTransportFailed(t *testing.T) {
	rl := mpctest.NewRelay(t, nil)
	s := mpctest.NewSession(t, rl, mpctest.WithClientOptions(&relay.ClientOptions{Backoff: relay.Backoff{Disable: true}}))
	pa, pb := mpctest.Pair(mpctest.SignedRounds(3), seed(83))
	cfgA, cfgB := s.Configs()
	pa.Hook = func(_ context.Context, r int, _ []mpc.Inbound) error {
		if r == 2 {
			rl.DropConnections(nil)
		}
		return nil
	}
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	errA, errB := mpctest.RunPair(ctx, cfgA, cfgB, pa, pb)
	for _, err := range []error{errA, errB} {
		var te *mpc.TransportError
		require.ErrorAs(t, err, &te, "got %v", err)
		var ce *relay.CloseError
		require.ErrorAs(t, err, &ce)
		assert.Equal(t, relay.CloseAbnormal, ce.Code)
	}
}

// A Scope closed under a running session: its Messages channel closes, a TransportError.
func TestRunScopeClosed(t *testing.T) {
	rl := mpctest.NewRelay(t, nil)
	s := mpctest.NewSession(t, rl)
	pa, _ := mpctest.Pair(mpctest.SignedRounds(2), seed(84))
	cfgA, _ := s.Configs()
	sc := s.A.Client.Scope()
	cfgA.Transport = sc
	pa.Hook = func(context.Context, int, []mpc.Inbound) error { return sc.Close() }
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	err := mpc.Run(ctx, cfgA, pa)
	var te *mpc.TransportError
	require.ErrorAs(t, err, &te, "got %v", err)
	require.ErrorIs(t, err, relay.ErrClosed)
}

// A disconnect during a session that then times out is reported in LastTransportErr. The
// connections drop in round 2 (both registered by then); B then withholds round 2.
func TestRunTimeoutAfterDisconnect(t *testing.T) {
	rl := mpctest.NewRelay(t, nil)
	s := mpctest.NewSession(t, rl, mpctest.WithClientOptions(fastBackoff))
	pa, pb := mpctest.Pair(mpctest.SignedRounds(3), seed(85))
	cfgA, cfgB := s.Configs()
	pa.Hook = func(_ context.Context, r int, _ []mpc.Inbound) error {
		if r == 2 {
			rl.DropConnections(nil)
		}
		return nil
	}
	release := make(chan struct{})
	pb.Hook = func(ctx context.Context, r int, _ []mpc.Inbound) error {
		if r == 2 {
			select {
			case <-release:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		return nil
	}
	ctxA, cancelA := context.WithTimeout(t.Context(), 500*time.Millisecond)
	defer cancelA()
	ctxB, cancelB := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancelB()
	errB := make(chan error, 1)
	go func() { errB <- mpc.Run(ctxB, cfgB, pb) }()
	err := mpc.Run(ctxA, cfgA, pa)
	close(release)
	te := requireTimeout(t, err)
	require.Error(t, te.LastTransportErr)
	var ce *relay.CloseError
	require.ErrorAs(t, err, &ce, "Unwrap reaches the transport error")
	assert.Contains(t, te.Error(), "last transport error")
	var pe *mpc.PeerAbortedError
	require.ErrorAs(t, <-errB, &pe)
	assert.Equal(t, mpc.AbortTimeout, pe.Code)
}

// Junk under the ABORT ids (forged aborts) is dropped and never ends the session.
func TestRunForgedAbort(t *testing.T) {
	rl := mpctest.NewRelay(t, nil)
	s := mpctest.NewSession(t, rl)
	pa, pb := mpctest.Pair(mpctest.FiveRounds(), seed(86))
	const kindAbort = mpc.Kind(3)
	mpctest.InjectJunk(rl, s.AbortID(s.A), kindAbort, mpc.AbortTag, false, 3)
	mpctest.InjectJunk(rl, s.AbortID(s.B), kindAbort, mpc.AbortTag, false, 3)
	// An ABORT signed by a third key, moved under A's abort id.
	other := mpctest.NewKey(t, signer.Ed25519)
	f, err := mpc.SealSignedForTest(other, mpctest.Label, s.Instance, 1, 0, nil, nil, make([]byte, 10))
	require.NoError(t, err)
	id := s.AbortID(s.A)
	copy(f, id[:])
	s.B.Fault.Deliver(f, f)
	cfgA, cfgB := s.Configs()
	prog := &lastProgress{}
	cfgB.OnProgress = prog.hook
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	errA, errB := mpctest.RunPair(ctx, cfgA, cfgB, pa, pb)
	require.NoError(t, errA)
	require.NoError(t, errB)
	requireSameTranscript(t, pa, pb)
	assert.GreaterOrEqual(t, prog.get().Dropped, 5)
}
