package ecdsa2p

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tandem-mpc/tandem/mpc"
)

// runCancelB runs a and b over the test relay; b's context is cancelled from a's onSend
// hook when a emits its round-2 payload, i.e. after round 1 and before b can finish.
func (n *testNet) runCancelB(t *testing.T, label string, build func(a, b mpc.Config, cancelB func()) (mpc.Protocol, mpc.Protocol)) (errA, errB error) {
	t.Helper()
	a, b := n.configs(label)
	ctxA, cancelA := context.WithTimeout(context.Background(), n.s.Base.DefaultTimeout)
	defer cancelA()
	ctxB, cancelB := context.WithCancel(ctxA)
	defer cancelB()
	pa, pb := build(a, b, cancelB)
	done := make(chan struct{})
	go func() { defer close(done); errB = mpc.Run(ctxB, b, pb) }()
	errA = mpc.Run(ctxA, a, pa)
	<-done
	return errA, errB
}

// cancelOn returns hooks whose onSend calls cancel once a payload of round r leaves.
func cancelOn(r int, cancel func()) hooks {
	return hooks{onSend: func(round int, _ [][]byte) {
		if round == r {
			cancel()
		}
	}}
}

// requireCancelled checks N30's error shape: the cancelled side aborts CANCELLED with no
// culprit and no engine lock; the peer sees the peer's ABORT with code CANCELLED.
func requireCancelled(t *testing.T, errA, errB error) {
	t.Helper()
	require.ErrorIs(t, errB, context.Canceled)
	var ae *mpc.AbortError
	require.ErrorAs(t, errB, &ae, "got %v", errB)
	assert.Equal(t, mpc.CulpritNone, ae.Culprit)
	assert.Equal(t, mpc.AbortCancelled, ae.Code)
	var e *Error
	if errors.As(errB, &e) {
		assert.False(t, e.Locked, "%v", errB)
	}
	var pe *mpc.PeerAbortedError
	require.ErrorAs(t, errA, &pe, "got %v", errA)
	assert.Equal(t, mpc.AbortCancelled, pe.Code)
	assert.Equal(t, mpc.CulpritNone, pe.Claim)
	if errors.As(errA, &e) {
		assert.False(t, e.Locked, "%v", errA)
	}
}

// TestN30_CancelPresign is N30 of PROTOCOL.md §12.2 for presign: P2's caller cancels
// mid-session (after round 1). P2 aborts with context.Canceled and no culprit, P1 receives
// the CANCELLED abort, neither keyshare is LOCKED, and both stored keyshares are unchanged
// byte for byte. Both parties can presign and sign afterwards.
func TestN30_CancelPresign(t *testing.T) {
	t.Parallel()
	n := newTestNet(t)
	ksA, ksB := n.keygen(t)
	ctx := context.Background()
	before := [2][]byte{}
	for i, st := range [2]Store{n.stA, n.stB} {
		b, err := st.Load(ctx, [2]string{n.keyA, n.keyB}[i])
		require.NoError(t, err)
		before[i] = b
	}
	memA, err := ksA.MarshalBinary()
	require.NoError(t, err)
	memB, err := ksB.MarshalBinary()
	require.NoError(t, err)

	errA, errB := n.runCancelB(t, LabelPresign, func(a, b mpc.Config, cancelB func()) (mpc.Protocol, mpc.Protocol) {
		pa, err := newPresign(a, ksA, n.stA, n.keyA, "m", cancelOn(2, cancelB))
		require.NoError(t, err)
		pb, err := newPresign(b, ksB, n.stB, n.keyB, "m", hooks{})
		require.NoError(t, err)
		return pa, pb
	})
	requireCancelled(t, errA, errB)

	for i, ks := range [2]*Keyshare{ksA, ksB} {
		l, _ := ks.Locked()
		assert.False(t, l, "party %d", i)
		assert.Equal(t, StatusActive, ks.Status(), "party %d", i)
	}
	for i, st := range [2]Store{n.stA, n.stB} {
		b, err := st.Load(ctx, [2]string{n.keyA, n.keyB}[i])
		require.NoError(t, err)
		assert.Equal(t, before[i], b, "party %d: stored keyshare changed", i)
		stored, err := ParseKeyshare(b)
		require.NoError(t, err)
		assert.Equal(t, StatusActive, stored.Status(), "party %d", i)
	}
	after, err := ksA.MarshalBinary()
	require.NoError(t, err)
	assert.Equal(t, memA, after)
	after, err = ksB.MarshalBinary()
	require.NoError(t, err)
	assert.Equal(t, memB, after)

	// The keyshares still work.
	psA, _, errA, errB := n.presign(t, ksA, ksB, "m", [2]hooks{})
	require.NoError(t, errA)
	require.NoError(t, errB)
	digest := digestOf("after cancel")
	sig, _, errA, errB := n.finish(t, ksA, ksB, psA.SignSID(), digest)
	require.NoError(t, errA)
	require.NoError(t, errB)
	verifySig(t, sig, digest)
}

// TestN30_CancelKeygen is N30 for keygen: a cancellation after round 1 aborts with no
// culprit, and neither party stores a keyshare.
func TestN30_CancelKeygen(t *testing.T) {
	t.Parallel()
	n := newTestNet(t)
	errA, errB := n.runCancelB(t, LabelKeygen, func(a, b mpc.Config, cancelB func()) (mpc.Protocol, mpc.Protocol) {
		ka, err := newKeygen(a, 0, n.stA, n.keyA, cancelOn(2, cancelB))
		require.NoError(t, err)
		kb, err := NewKeygen(b, 1, n.stB, n.keyB)
		require.NoError(t, err)
		return ka, kb
	})
	requireCancelled(t, errA, errB)
	for i, st := range [2]Store{n.stA, n.stB} {
		_, err := st.Load(context.Background(), [2]string{n.keyA, n.keyB}[i])
		assert.Error(t, err, "party %d: a cancelled keygen stored a keyshare", i)
	}
}

// TestN30_CancelRefresh is N30 for refresh: a cancellation after RF1 aborts with no culprit,
// both keyshares stay ACTIVE and unlocked with their stored bytes unchanged (no PENDING
// generation is saved), and a later refresh succeeds.
func TestN30_CancelRefresh(t *testing.T) {
	t.Parallel()
	n := newTestNet(t)
	ksA, ksB := n.keygen(t)
	ctx := context.Background()
	keys := [2]string{n.keyA, n.keyB}
	stores := [2]Store{n.stA, n.stB}
	var before [2][]byte
	for i := range 2 {
		b, err := stores[i].Load(ctx, keys[i])
		require.NoError(t, err)
		before[i] = b
	}
	oldShare := ksA.ShareID()

	errA, errB := n.runCancelB(t, LabelRefresh, func(a, b mpc.Config, cancelB func()) (mpc.Protocol, mpc.Protocol) {
		ra, err := newRefresh(a, ksA, n.stA, n.keyA, cancelOn(2, cancelB))
		require.NoError(t, err)
		rb, err := NewRefresh(b, ksB, n.stB, n.keyB)
		require.NoError(t, err)
		return ra, rb
	})
	requireCancelled(t, errA, errB)

	for i, ks := range [2]*Keyshare{ksA, ksB} {
		assert.Equal(t, StatusActive, ks.Status(), "party %d", i)
		assert.False(t, ks.RefreshPending(), "party %d", i)
		assert.Equal(t, oldShare, ks.ShareID(), "party %d", i)
		b, err := stores[i].Load(ctx, keys[i])
		require.NoError(t, err)
		assert.Equal(t, before[i], b, "party %d: stored keyshare changed", i)
	}

	n.refresh(t, ksA, ksB)
	assert.NotEqual(t, oldShare, ksA.ShareID())
	assert.Equal(t, ksA.ShareID(), ksB.ShareID())
}
