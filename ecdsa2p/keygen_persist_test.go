package ecdsa2p

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tandem-mpc/tandem/mpc"
)

// TestKeygenSavesPendingBeforeK4: by the time Next returns a party's K4 payload, its store
// already holds the keyshare with status PENDING (PROTOCOL.md §7.4); after the peer's K4 the
// record is the same generation, ACTIVE.
func TestKeygenSavesPendingBeforeK4(t *testing.T) {
	l := newLocal(t)
	ctx := context.Background()
	var seen [2][32]byte
	var p [2]mpc.Protocol
	for i := range 2 {
		h := hooks{onSend: func(r int, payloads [][]byte) {
			if r != 4 {
				return
			}
			require.Len(t, payloads, 1)
			stored, err := LoadKeyshare(ctx, l.st[i], "k")
			require.NoError(t, err, "party %d: no record when K4 is returned", i)
			require.Equal(t, StatusPending, stored.Status())
			seen[i] = stored.ShareID()
		}}
		kg, err := newKeygen(l.cfg(i), i, l.st[i], "k", h)
		require.NoError(t, err)
		p[i] = kg
	}
	errs := step(t, p, 0)
	for i := range 2 {
		require.NoError(t, errs[i])
		ks, err := p[i].(*Keygen).Result(ctx)
		require.NoError(t, err)
		require.Equal(t, seen[i], ks.ShareID(), "party %d: the PENDING record is this generation", i)
		stored, err := LoadKeyshare(ctx, l.st[i], "k")
		require.NoError(t, err)
		require.Equal(t, StatusActive, stored.Status())
		require.Equal(t, seen[i], stored.ShareID())
	}
}

// TestKeygenCrashAfterK4: P1 sends K4 and "crashes" (its Keygen is dropped, Result never
// runs); P2 completes ACTIVE. P1's share is recovered from its store as PENDING, signs with
// P2's, and the signature promotes it.
func TestKeygenCrashAfterK4(t *testing.T) {
	l := newLocal(t)
	ctx := context.Background()
	var p [2]mpc.Protocol
	for i := range 2 {
		kg, err := NewKeygen(l.cfg(i), i, l.st[i], "k")
		require.NoError(t, err)
		p[i] = kg
	}
	errs := step(t, p, 4)
	require.NoError(t, errs[1])
	ks1, err := p[1].(*Keygen).Result(ctx)
	require.NoError(t, err)

	ks0, err := LoadKeyshare(ctx, l.st[0], "k")
	require.NoError(t, err)
	require.Equal(t, StatusPending, ks0.Status())
	require.Equal(t, ks1.PublicKey(), ks0.PublicKey())

	l.ks = [2]*Keyshare{ks0, ks1}
	digest := digestOf("recovered")
	verifySig(t, l.finish(t, l.presign(t), digest), digest)
	stored, err := LoadKeyshare(ctx, l.st[0], "k")
	require.NoError(t, err)
	require.Equal(t, StatusActive, stored.Status())
}

// TestKeygenConfirmationMismatchStoresNothing: the victim of a tampered K4 deletes the
// PENDING record it saved before its own K4 (§7.4: a failed check stores nothing).
func TestKeygenConfirmationMismatchStoresNothing(t *testing.T) {
	l := newLocal(t)
	ctx := context.Background()
	var p [2]mpc.Protocol
	for i := range 2 {
		h := hooks{}
		if i == 0 {
			h = flipAt(4, -1)
		}
		kg, err := newKeygen(l.cfg(i), i, l.st[i], "k", h)
		require.NoError(t, err)
		p[i] = kg
	}
	errs := step(t, p, 0)
	require.Equal(t, ConfirmationMismatch, engineErr(t, errs[1]).Code)
	_, err := LoadKeyshare(ctx, l.st[1], "k")
	require.ErrorIs(t, err, ErrNotFound)
	_, err = p[1].(*Keygen).Result(ctx)
	require.Error(t, err)
	_, err = LoadKeyshare(ctx, l.st[1], "k")
	require.ErrorIs(t, err, ErrNotFound)
}

// failingStore fails every Save.
type failingStore struct{ MemoryStore }

var errDisk = errors.New("disk full")

func (*failingStore) Save(context.Context, string, []byte) error { return errDisk }

// TestKeygenPendingSaveFails: if the PENDING keyshare cannot be saved, K4 is withheld and the
// run aborts with Internal; Result does not report an incomplete keygen.
func TestKeygenPendingSaveFails(t *testing.T) {
	l := newLocal(t)
	ctx := context.Background()
	var sent [2]bool
	var p [2]mpc.Protocol
	for i := range 2 {
		var st Store = l.st[i]
		if i == 0 {
			st = &failingStore{}
		}
		h := hooks{onSend: func(r int, _ [][]byte) { sent[i] = sent[i] || r == 4 }}
		kg, err := newKeygen(l.cfg(i), i, st, "k", h)
		require.NoError(t, err)
		p[i] = kg
	}
	errs := step(t, p, 0)
	require.False(t, sent[0], "K4 left without a saved keyshare")
	e := engineErr(t, errs[0])
	require.Equal(t, Internal, e.Code)
	require.ErrorIs(t, errs[0], errDisk)
	_, err := p[0].(*Keygen).Result(ctx)
	require.Error(t, err)
	require.NotErrorIs(t, err, ErrIncomplete)
	// P2 sent its K4 and never got P1's: its share is PENDING, as §7.4 requires.
	require.Error(t, errs[1])
	ks1, err := p[1].(*Keygen).Result(ctx)
	require.ErrorIs(t, err, ErrIncomplete)
	require.Equal(t, StatusPending, ks1.Status())
}

// TestKeygenRefusesUsedKey: keygen under a Store key that already holds a record fails before
// K1 leaves, with ErrKeyExists, and leaves the record byte for byte as it was (a failed keygen
// deletes its own record, so it must never adopt someone else's).
func TestKeygenRefusesUsedKey(t *testing.T) {
	l := newLocal(t)
	ctx := context.Background()
	existing := []byte("an existing keyshare")
	require.NoError(t, l.st[0].Save(ctx, "k", existing))
	kg, err := NewKeygen(l.cfg(0), 0, l.st[0], "k")
	require.NoError(t, err)
	out, err := kg.Next(ctx, 1, nil)
	require.ErrorIs(t, err, ErrKeyExists)
	require.Nil(t, out)
	got, err := l.st[0].Load(ctx, "k")
	require.NoError(t, err)
	require.Equal(t, existing, got)
}
