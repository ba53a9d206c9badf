package ecdsa2p

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tandem-mpc/tandem/mpc"
)

// TestEndToEnd runs keygen, presign, finish, a reused pre-signature, refresh and a second
// signature over the driver and an in-memory relay.
func TestEndToEnd(t *testing.T) {
	t.Parallel()
	n := newTestNet(t)
	ksA, ksB := n.keygen(t)
	require.Equal(t, ksA.PublicKey(), ksB.PublicKey())
	require.Equal(t, ksA.Address(), ksB.Address())
	require.Equal(t, StatusActive, ksA.Status())
	require.Equal(t, 0, ksA.Index())
	require.Equal(t, 1, ksB.Index())

	stored, err := LoadKeyshare(context.Background(), n.stB, n.keyB)
	require.NoError(t, err)
	require.Equal(t, ksB.ShareID(), stored.ShareID())

	// Presign with a derived path, then finish.
	psA, psB, errA, errB := n.presign(t, ksA, ksB, "m/0/7", [2]hooks{})
	require.NoError(t, errA)
	require.NoError(t, errB)
	require.Equal(t, psA.SignSID(), psB.SignSID())
	require.Equal(t, psA.PublicKey(), psB.PublicKey())
	require.NotEqual(t, ksA.PublicKey(), psA.PublicKey(), "derived key")

	digest := digestOf("hello")
	sigA, sigB, errA, errB := n.finish(t, ksA, ksB, psA.SignSID(), digest)
	require.NoError(t, errA)
	require.NoError(t, errB)
	require.Equal(t, *sigA, *sigB)
	require.Equal(t, psA.PublicKey(), sigA.Key)
	verifySig(t, sigA, digest)

	// Reuse: the tombstone refuses a second finish of the same sign_sid.
	_, _, errA, errB = n.finish(t, ksA, ksB, psA.SignSID(), digestOf("other"))
	require.Error(t, errA)
	require.Error(t, errB)
	assert.True(t, errors.Is(errA, ErrPresignatureConsumed), "%v", errA)

	// Refresh keeps the key and changes the share; signing works afterwards.
	oldShare := ksA.ShareID()
	n.refresh(t, ksA, ksB)
	require.NotEqual(t, oldShare, ksA.ShareID())
	require.Equal(t, ksA.ShareID(), ksB.ShareID())
	require.Equal(t, ksA.PublicKey(), ksB.PublicKey())
	stored, err = LoadKeyshare(context.Background(), n.stA, n.keyA)
	require.NoError(t, err)
	require.Equal(t, ksA.ShareID(), stored.ShareID())
	require.False(t, stored.RefreshPending())

	psA, _, errA, errB = n.presign(t, ksA, ksB, "m", [2]hooks{})
	require.NoError(t, errA)
	require.NoError(t, errB)
	sigA, _, errA, errB = n.finish(t, ksA, ksB, psA.SignSID(), digest)
	require.NoError(t, errA)
	require.NoError(t, errB)
	require.Equal(t, ksA.PublicKey(), sigA.Key)
	verifySig(t, sigA, digest)
}

// TestLockAndRefresh tampers with P1's S2: P2's OT-extension check fails, P2 locks its
// keyshare (persisted before the abort), aborts naming P1 with the reason code, and P1
// receives the code as the ABORT's detail. The locked share is refused until a refresh.
func TestLockAndRefresh(t *testing.T) {
	t.Parallel()
	n := newTestNet(t)
	ksA, ksB := n.keygen(t)

	flip := hooks{tamper: func(r int, p []byte) []byte {
		if r == 2 {
			p[200] ^= 0x01
		}
		return p
	}}
	_, _, errA, errB := n.presign(t, ksA, ksB, "m", [2]hooks{flip, {}})
	require.Error(t, errA)
	require.Error(t, errB)

	e := engineErr(t, errB)
	assert.Equal(t, OTExtensionCheckFailed, e.Code)
	assert.Equal(t, 0, e.Culprit)
	assert.True(t, e.Locked)
	var ab *mpc.AbortError
	require.True(t, errors.As(errB, &ab))
	assert.Equal(t, mpc.CulpritPeer, ab.Culprit)
	assert.Equal(t, uint8(OTExtensionCheckFailed), ab.Detail)

	var pa *mpc.PeerAbortedError
	require.True(t, errors.As(errA, &pa), "%v", errA)
	assert.Equal(t, uint8(OTExtensionCheckFailed), pa.Detail)

	// The lock is in memory and in the store.
	l, why := ksB.Locked()
	require.True(t, l)
	assert.Equal(t, OTExtensionCheckFailed, why)
	assert.Equal(t, StatusLocked, ksB.Status())
	stored, err := LoadKeyshare(context.Background(), n.stB, n.keyB)
	require.NoError(t, err)
	assert.Equal(t, StatusLocked, stored.Status())

	// Signing is refused.
	_, cfgB := n.configs(LabelPresign)
	_, err = NewPresign(cfgB, ksB, n.stB, n.keyB, "m")
	require.ErrorIs(t, err, ErrKeyshareLocked)
	_, err = NewFinishP2(cfgB, ksB, n.stB, n.keyB, AcceptDigest())
	require.ErrorIs(t, err, ErrKeyshareLocked)

	// A refresh clears it; signing works again.
	n.refresh(t, ksA, ksB)
	assert.Equal(t, StatusActive, ksB.Status())
	psA, _, errA, errB := n.presign(t, ksA, ksB, "m", [2]hooks{})
	require.NoError(t, errA)
	require.NoError(t, errB)
	digest := digestOf("after refresh")
	sig, _, errA, errB := n.finish(t, ksA, ksB, psA.SignSID(), digest)
	require.NoError(t, errA)
	require.NoError(t, errB)
	verifySig(t, sig, digest)
}

// TestIgnoredOverDriver: P1's K2 arrives authenticated but with a wrong version byte. P2's
// engine ignores it (class (a)), the driver keeps waiting, and the session times out
// instead of aborting: nobody is blamed.
func TestIgnoredOverDriver(t *testing.T) {
	t.Parallel()
	n := newTestNet(t)
	n.s.Base.DefaultTimeout = 1500 * time.Millisecond
	errA, errB := n.run(t, LabelKeygen, func(a, b mpc.Config) (mpc.Protocol, mpc.Protocol) {
		ka, err := newKeygen(a, 0, n.stA, n.keyA, hooks{tamper: func(r int, p []byte) []byte {
			if r == 2 {
				p[0] = 0x7f
			}
			return p
		}})
		require.NoError(t, err)
		kb, err := NewKeygen(b, 1, n.stB, n.keyB)
		require.NoError(t, err)
		return ka, kb
	})
	require.ErrorIs(t, errB, mpc.ErrTimeout)
	var ab *mpc.AbortError
	require.False(t, errors.As(errB, &ab), "%v", errB)
	require.Error(t, errA)
}

// TestLockNotPersistedWithholdsAbort: as TestLockAndRefresh, but P2's Store fails when P2
// saves the lock. PROTOCOL.md §10.3 item 1: nothing may leave before the lock is durable, not
// even the ABORT. P2 ends with its *Error (Locked false: the lock is only in memory) and
// sends nothing; P1 times out instead of learning the outcome from an ABORT.
func TestLockNotPersistedWithholdsAbort(t *testing.T) {
	t.Parallel()
	n := newTestNet(t)
	ksA, ksB := n.keygen(t)
	n.stB = &failingStore{}
	n.s.Base.DefaultTimeout = 2 * time.Second
	flip := hooks{tamper: func(r int, p []byte) []byte {
		if r == 2 {
			p[200] ^= 0x01
		}
		return p
	}}
	_, _, errA, errB := n.presign(t, ksA, ksB, "m", [2]hooks{flip, {}})
	e := engineErr(t, errB)
	assert.Equal(t, OTExtensionCheckFailed, e.Code)
	assert.False(t, e.Locked, "the lock was not persisted")
	require.ErrorIs(t, errB, mpc.ErrWithholdAbort)
	require.ErrorIs(t, errB, errDisk)
	var ab *mpc.AbortError
	require.ErrorAs(t, errB, &ab)
	assert.Equal(t, mpc.AbortLocalError, ab.Code)
	l, _ := ksB.Locked()
	assert.True(t, l, "LOCKED in memory")

	require.ErrorIs(t, errA, mpc.ErrTimeout, "P1 saw no ABORT: %v", errA)
	var pa *mpc.PeerAbortedError
	require.False(t, errors.As(errA, &pa))
}
