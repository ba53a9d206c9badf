package ecdsa2p_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tandem-mpc/tandem/ecdsa2p"
	"github.com/tandem-mpc/tandem/mpc"
)

// requireStoredLocked requires the Store's record of ks to be LOCKED with reason Restored.
func requireStoredLocked(t *testing.T, st ecdsa2p.Store, ks *ecdsa2p.Keyshare) {
	t.Helper()
	rec, err := ecdsa2p.LoadKeyshare(context.Background(), st, storeKey(ks))
	require.NoError(t, err)
	locked, code := rec.Locked()
	require.True(t, locked, "the lock is persisted in the Session's Store")
	require.Equal(t, ecdsa2p.Restored, code)
	require.Equal(t, ecdsa2p.StatusLocked, rec.Status())
}

// A keyshare restored from a backup (MarkRestored) is refused by SigngenP1 and Presign with
// ErrKeyshareLocked; the peer is told at once (ABORT, detail KeyshareLocked). A Refresh on
// both sides unlocks it: the next signature verifies under the same public key and the
// address is unchanged, and the Store's record is ACTIVE again.
func TestSessionLockedThenRefresh(t *testing.T) {
	e := newSessionEnv(t, envOpts{})
	ks1, ks2 := e.shares(t)
	pub, addr := ks1.PublicKey(), ks1.AddressHex()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	// The backup copy, restored into a Session with an empty Store (the device was wiped).
	backup, err := ks1.MarshalBinary()
	require.NoError(t, err)
	restored := mustParse(t, backup)
	restored.MarkRestored()
	st := &ecdsa2p.MemoryStore{}
	s1 := ecdsa2p.NewSession(e.c1, e.k1, ecdsa2p.WithStore(st))
	e.s1 = s1

	r := e.sign(ctx,
		ecdsa2p.SignRequest{Keyshare: restored, Message: []byte("m"), Hash: ecdsa2p.Keccak256},
		ecdsa2p.SignRequest{Keyshare: ks2})
	require.ErrorIs(t, r.err1, ecdsa2p.ErrKeyshareLocked)
	pa := requireFastPeerAbort(t, r.err2)
	assert.Equal(t, uint8(ecdsa2p.KeyshareLocked), pa.Detail)
	requireStoredLocked(t, st, restored)

	_, err = s1.Presign(ctx, ecdsa2p.SignRequest{InstanceID: ecdsa2p.RandomInstanceID(), Keyshare: restored, OtherVK: e.vk2})
	require.ErrorIs(t, err, ecdsa2p.ErrKeyshareLocked) // (P2 is not running: its ABORT just waits in the relay)

	id := ecdsa2p.RandomInstanceID()
	var n1, n2 *ecdsa2p.Keyshare
	var e1, e2 error
	both(func() { n1, e1 = s1.Refresh(ctx, id, restored, e.vk2) }, func() { n2, e2 = e.s2.Refresh(ctx, id, ks2, e.vk1) })
	require.NoError(t, e1)
	require.NoError(t, e2)
	locked, _ := n1.Locked()
	require.False(t, locked)
	require.Equal(t, ecdsa2p.StatusActive, n1.Status())
	require.Equal(t, pub, n1.PublicKey())
	require.Equal(t, addr, n1.AddressHex())
	require.Equal(t, addr, n2.AddressHex())
	rec, err := ecdsa2p.LoadKeyshare(ctx, st, storeKey(n1))
	require.NoError(t, err)
	require.Equal(t, ecdsa2p.StatusActive, rec.Status())
	require.Equal(t, n1.ShareID(), rec.ShareID())

	msg := []byte("signed after the refresh")
	r = e.sign(ctx,
		ecdsa2p.SignRequest{Keyshare: n1, Path: "m/0/1", Message: msg, Hash: ecdsa2p.Keccak256},
		ecdsa2p.SignRequest{Keyshare: n2, Path: "m/0/1"})
	require.NoError(t, r.err1)
	require.NoError(t, r.err2)
	requireValidSignature(t, r.sig1, digest(t, ecdsa2p.Keccak256, msg), ckdPub(t, pub, n1.ChainCode(), "m/0/1"))
}

// MarkRestored on the live keyshare the Session returned: SigngenP1 refuses it, and the lock
// must be persisted in the Session's Store (the Store is the lock record of PROTOCOL.md
// §10.3; "the Session and the CLI do both"), so that a restart of the app — a new Session
// over the same Store — still refuses the key until a refresh.
func TestSessionLiveMarkRestoredPersisted(t *testing.T) {
	e := newSessionEnv(t, envOpts{})
	ks1, ks2 := e.shares(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	// One signature first: the Session now holds ks1 live, and its Store the ACTIVE record.
	r := e.sign(ctx,
		ecdsa2p.SignRequest{Keyshare: ks1, Message: []byte("before"), Hash: ecdsa2p.SHA256},
		ecdsa2p.SignRequest{Keyshare: ks2})
	require.NoError(t, r.err1)
	require.NoError(t, r.err2)

	ks1.MarkRestored()
	r = e.sign(ctx,
		ecdsa2p.SignRequest{Keyshare: ks1, Message: []byte("m"), Hash: ecdsa2p.SHA256},
		ecdsa2p.SignRequest{Keyshare: ks2})
	require.ErrorIs(t, r.err1, ecdsa2p.ErrKeyshareLocked)
	pa := requireFastPeerAbort(t, r.err2)
	assert.Equal(t, uint8(ecdsa2p.KeyshareLocked), pa.Detail)
	requireStoredLocked(t, e.st1, ks1)
	// A restarted app (a new Session over the same Store) still refuses the key.
	s1 := ecdsa2p.NewSession(e.c1, e.k1, ecdsa2p.WithStore(e.st1))
	rec, err := ecdsa2p.LoadKeyshare(ctx, e.st1, storeKey(ks1))
	require.NoError(t, err)
	_, err = s1.Presign(ctx, ecdsa2p.SignRequest{InstanceID: ecdsa2p.RandomInstanceID(), Keyshare: rec, OtherVK: e.vk2})
	require.ErrorIs(t, err, ecdsa2p.ErrKeyshareLocked)
}

// Calls the Session refuses before anything is sent: ErrSessionConfig.
func TestSessionConfigErrors(t *testing.T) {
	e := newSessionEnv(t, envOpts{})
	ks1, ks2 := e.shares(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	id := ecdsa2p.RandomInstanceID()
	ok1 := ecdsa2p.SignRequest{InstanceID: id, Keyshare: ks1, OtherVK: e.vk2, Message: []byte("m"), Hash: ecdsa2p.Keccak256}
	ok2 := ecdsa2p.SignRequest{InstanceID: id, Keyshare: ks2, OtherVK: e.vk1}
	with := func(r ecdsa2p.SignRequest, f func(*ecdsa2p.SignRequest)) ecdsa2p.SignRequest { f(&r); return r }
	p1 := func(r ecdsa2p.SignRequest) error { _, err := e.s1.SigngenP1(ctx, r); return err }
	p2 := func(r ecdsa2p.SignRequest) error { _, err := e.s2.SigngenP2(ctx, r); return err }
	tests := []struct {
		name string
		call func() error
	}{
		{"p1-no-keyshare", func() error { return p1(with(ok1, func(r *ecdsa2p.SignRequest) { r.Keyshare = nil })) }},
		{"p1-zero-keyshare", func() error { return p1(with(ok1, func(r *ecdsa2p.SignRequest) { r.Keyshare = &ecdsa2p.Keyshare{} })) }},
		{"p2-no-keyshare", func() error { return p2(with(ok2, func(r *ecdsa2p.SignRequest) { r.Keyshare = nil })) }},
		{"presign-no-keyshare", func() error {
			_, err := e.s1.Presign(ctx, with(ok1, func(r *ecdsa2p.SignRequest) { r.Keyshare = nil }))
			return err
		}},
		{"presign-zero-keyshare", func() error {
			_, err := e.s1.Presign(ctx, with(ok1, func(r *ecdsa2p.SignRequest) { r.Keyshare = &ecdsa2p.Keyshare{} }))
			return err
		}},
		{"finishp2-zero-keyshare", func() error {
			_, err := e.s2.FinishP2(ctx, with(ok2, func(r *ecdsa2p.SignRequest) { r.Keyshare = &ecdsa2p.Keyshare{} }))
			return err
		}},
		{"refresh-zero-keyshare", func() error { _, err := e.s1.Refresh(ctx, id, &ecdsa2p.Keyshare{}, e.vk2); return err }},
		{"refresh-no-keyshare", func() error { _, err := e.s1.Refresh(ctx, id, nil, e.vk2); return err }},
		{"p2-share-into-p1", func() error {
			return p1(with(ok1, func(r *ecdsa2p.SignRequest) { r.Keyshare, r.OtherVK = ks2, e.vk2 }))
		}},
		{"p1-share-into-p2", func() error { return p2(with(ok2, func(r *ecdsa2p.SignRequest) { r.Keyshare = ks1 })) }},
		{"p2-share-into-finishp1", func() error {
			_, err := e.s2.FinishP1(ctx, with(ok1, func(r *ecdsa2p.SignRequest) { r.Keyshare, r.OtherVK = ks2, e.vk1 }))
			return err
		}},
		{"finishp1-no-presignature", func() error { _, err := e.s1.FinishP1(ctx, ok1); return err }},
		{"raw-digest-not-enabled", func() error {
			return p1(with(ok1, func(r *ecdsa2p.SignRequest) { r.Hash, r.Message = ecdsa2p.RawDigest, make([]byte, 32) }))
		}},
		{"zero-hash-is-raw", func() error { return p1(with(ok1, func(r *ecdsa2p.SignRequest) { r.Hash = 0 })) }},
		{"unknown-hash", func() error { return p1(with(ok1, func(r *ecdsa2p.SignRequest) { r.Hash = 7 })) }},
		{"empty-message", func() error { return p1(with(ok1, func(r *ecdsa2p.SignRequest) { r.Message = nil })) }},
		{"oversized-message", func() error {
			return p1(with(ok1, func(r *ecdsa2p.SignRequest) { r.Message = make([]byte, ecdsa2p.MaxSignMessage+1) }))
		}},
		{"bad-path-hardened", func() error { return p1(with(ok1, func(r *ecdsa2p.SignRequest) { r.Path = "m/0'" })) }},
		{"bad-path-syntax", func() error { return p2(with(ok2, func(r *ecdsa2p.SignRequest) { r.Path = "0/1" })) }},
		{"bad-path-range", func() error { return p1(with(ok1, func(r *ecdsa2p.SignRequest) { r.Path = "m/2147483648" })) }},
		{"other-vk-is-own", func() error { return p1(with(ok1, func(r *ecdsa2p.SignRequest) { r.OtherVK = e.vk1 })) }},
		{"other-vk-zero", func() error {
			return p2(with(ok2, func(r *ecdsa2p.SignRequest) { r.OtherVK = e.vk2; r.OtherVK = zeroVK }))
		}},
		{"keygen-other-vk-is-own", func() error { _, err := e.s1.KeygenP1(ctx, id, e.vk1); return err }},
		{"keygen-other-vk-zero", func() error { _, err := e.s2.KeygenP2(ctx, id, zeroVK); return err }},
		{"nil-session", func() error { var s *ecdsa2p.Session; _, err := s.SigngenP1(ctx, ok1); return err }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			require.ErrorIs(t, err, ecdsa2p.ErrSessionConfig)
			require.NotErrorIs(t, err, mpc.ErrTimeout)
		})
	}
	// Nothing was sent: a correct signature right after works, with the same id.
	r := e.sign(ctx, ok1, ok2)
	require.NoError(t, r.err1)
	require.NoError(t, r.err2)
	requireValidSignature(t, r.sig1, digest(t, ecdsa2p.Keccak256, []byte("m")), ks1.PublicKey())
}

// A verifying key for the peer that is not the one the keyshare was made with: every call
// refuses at once (the keyshare binds both identities), and nothing is sent. The refusal
// should match ErrSessionConfig like every other call the Session cannot start.
func TestSessionOtherVKNotTheKeysharePeer(t *testing.T) {
	e := newSessionEnv(t, envOpts{})
	ks1, ks2 := e.shares(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	stranger := newStrangerVK(t)
	req := func(ks *ecdsa2p.Keyshare) ecdsa2p.SignRequest {
		return ecdsa2p.SignRequest{InstanceID: ecdsa2p.RandomInstanceID(), Keyshare: ks, OtherVK: stranger, Message: []byte("m"), Hash: ecdsa2p.Keccak256}
	}
	calls := map[string]func() error{
		"SigngenP1": func() error { _, err := e.s1.SigngenP1(ctx, req(ks1)); return err },
		"SigngenP2": func() error { _, err := e.s2.SigngenP2(ctx, req(ks2)); return err },
		"Presign":   func() error { _, err := e.s1.Presign(ctx, req(ks1)); return err },
		"FinishP2":  func() error { _, err := e.s2.FinishP2(ctx, req(ks2)); return err },
		"Refresh":   func() error { _, err := e.s1.Refresh(ctx, ecdsa2p.RandomInstanceID(), ks1, stranger); return err },
	}
	errs := make(map[string]error)
	for name, call := range calls {
		err := call()
		require.Error(t, err, name)
		require.NotErrorIs(t, err, mpc.ErrTimeout, "%s: refused locally, at once", name)
		errs[name] = err
	}
	for name, err := range errs {
		assert.ErrorIs(t, err, ecdsa2p.ErrSessionConfig, name)
	}
}

// A copy restored from a backup and marked LOCKED, given to a Session whose Store still holds
// the same generation ACTIVE: a lock is never dropped. The Session merges it into the
// Store's record, persists it before anything is sent, refuses, and tells the peer.
func TestSessionRestoredCopyLockIsMerged(t *testing.T) {
	e := newSessionEnv(t, envOpts{})
	ks1, ks2 := e.shares(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	b, err := ks1.MarshalBinary()
	require.NoError(t, err)
	require.NoError(t, e.st1.Save(ctx, storeKey(ks1), b))
	restored := mustParse(t, b)
	restored.MarkRestored()
	msg := []byte("m")
	r := e.sign(ctx,
		ecdsa2p.SignRequest{Keyshare: restored, Message: msg, Hash: ecdsa2p.SHA256},
		ecdsa2p.SignRequest{Keyshare: ks2})
	require.ErrorIs(t, r.err1, ecdsa2p.ErrKeyshareLocked)
	var pa *mpc.PeerAbortedError
	require.ErrorAs(t, r.err2, &pa)
	require.Equal(t, uint8(ecdsa2p.KeyshareLocked), pa.Detail)
	rec, err := ecdsa2p.LoadKeyshare(ctx, e.st1, storeKey(ks1))
	require.NoError(t, err)
	require.Equal(t, ecdsa2p.StatusLocked, rec.Status())
	_, reason := rec.Locked()
	require.Equal(t, ecdsa2p.Restored, reason)
}

// Two Sessions on one Store share the live keyshare: a lock set through one is seen by the
// other (PROTOCOL.md §10.3 item 2).
func TestSessionsOnOneStoreShareLocks(t *testing.T) {
	e := newSessionEnv(t, envOpts{})
	ks1, ks2 := e.shares(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	r := e.sign(ctx,
		ecdsa2p.SignRequest{Keyshare: ks1, Message: []byte("a"), Hash: ecdsa2p.SHA256},
		ecdsa2p.SignRequest{Keyshare: ks2})
	require.NoError(t, r.err1)
	require.NoError(t, r.err2)
	// A second Session of party 1 on the same Store, handed a fresh parse of the share.
	other := ecdsa2p.NewSession(e.c1, e.k1, ecdsa2p.WithStore(e.st1))
	b, err := ks1.MarshalBinary()
	require.NoError(t, err)
	copy1 := mustParse(t, b)
	ks1.MarkRestored() // on the live value, through the first Session's caller
	_, err = other.SigngenP1(ctx, ecdsa2p.SignRequest{InstanceID: ecdsa2p.RandomInstanceID(), Keyshare: copy1,
		Message: []byte("b"), Hash: ecdsa2p.SHA256, OtherVK: e.vk2})
	require.ErrorIs(t, err, ecdsa2p.ErrKeyshareLocked)
}

// wrapStore is a Store of a comparable struct type whose field holds a non-comparable value:
// the live registry must not use it as a map key (that would panic), and falls back to one
// live set per Session.
type wrapStore struct {
	ecdsa2p.Store
}

type sliceStore struct {
	*ecdsa2p.MemoryStore
	_ []byte // makes the type non-comparable
}

func TestSessionNonComparableStore(t *testing.T) {
	e := newSessionEnv(t, envOpts{})
	ks1, ks2 := e.shares(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	st := wrapStore{Store: sliceStore{MemoryStore: &ecdsa2p.MemoryStore{}}}
	s1 := ecdsa2p.NewSession(e.c1, e.k1, ecdsa2p.WithStore(st))
	id := ecdsa2p.RandomInstanceID()
	var e1, e2 error
	both(func() {
		_, e1 = s1.SigngenP1(ctx, ecdsa2p.SignRequest{InstanceID: id, Keyshare: ks1, OtherVK: e.vk2,
			Message: []byte("x"), Hash: ecdsa2p.SHA256})
	}, func() {
		_, e2 = e.s2.SigngenP2(ctx, ecdsa2p.SignRequest{InstanceID: id, Keyshare: ks2, OtherVK: e.vk1})
	})
	require.NoError(t, e1)
	require.NoError(t, e2)
}
