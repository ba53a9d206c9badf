package ecdsa2p_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tandem-mpc/tandem/ecdsa2p"
	"github.com/tandem-mpc/tandem/mpc"
)

// Keygen (P1 Ed25519, P2 P-256) and three signatures with the same keyshares, over the
// in-memory relay and over a real loopback WebSocket: both parties return byte-identical
// signatures that verify (decred ecdsa.Verify, RecoverCompact) over independently computed
// digests under the independently derived BIP-32 key, and P2's Approve sees exactly P1's
// message and hash.
func TestSessionKeygenAndSign(t *testing.T) {
	cases := []struct {
		path string
		hash ecdsa2p.HashAlg
		msg  string
	}{
		{"m", ecdsa2p.Keccak256, "transfer 1 ETH to bob"},
		{"m/0/1", ecdsa2p.SHA256, "hello tandem"},
		{"", ecdsa2p.Keccak256, "the empty path is the root key"},
	}
	for _, tr := range transports {
		t.Run(tr, func(t *testing.T) {
			e := newSessionEnv(t, envOpts{transport: tr})
			ks1, ks2 := e.keygen(t)
			require.Equal(t, ks1.Address(), ks2.Address())
			require.Equal(t, ks1.ChainCode(), ks2.ChainCode())
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			for _, c := range cases {
				msg := []byte(c.msg)
				r := e.sign(ctx,
					ecdsa2p.SignRequest{Keyshare: ks1, Path: c.path, Message: msg, Hash: c.hash},
					ecdsa2p.SignRequest{Keyshare: ks2, Path: c.path})
				require.NoError(t, r.err1, c.path)
				require.NoError(t, r.err2, c.path)
				require.Equal(t, r.sig1.Bytes65(), r.sig2.Bytes65(), "both parties return the same signature")
				require.Equal(t, r.sig1.Key, r.sig2.Key)
				require.Equal(t, r.sig1.DER(), r.sig2.DER())
				require.Len(t, r.seen, 1, "Approve is called once")
				assert.Equal(t, msg, r.seen[0].Message, "P2 approves exactly P1's message")
				assert.Equal(t, c.hash, r.seen[0].Hash, "P2 approves exactly P1's hash")
				d := digest(t, c.hash, msg)
				assert.Equal(t, d, r.seen[0].Digest())
				path := c.path
				if path == "" {
					path = "m"
				}
				want := ckdPub(t, ks1.PublicKey(), ks1.ChainCode(), path)
				if path == "m" {
					require.Equal(t, ks1.PublicKey(), want)
				} else {
					require.NotEqual(t, ks1.PublicKey(), want)
				}
				requireValidSignature(t, r.sig1, d, want)
				// The package's own derivation and verifier agree with the independent ones.
				pkg, err := ks2.DerivePublicKey(path)
				require.NoError(t, err)
				require.Equal(t, want, pkg)
				b65 := r.sig2.Bytes65()
				require.NoError(t, ecdsa2p.Verify(want[:], d, b65[:]))
				other := digest(t, ecdsa2p.SHA256, []byte("another message"))
				require.Error(t, ecdsa2p.Verify(want[:], other, b65[:]))
			}
			require.Equal(t, ecdsa2p.StatusActive, ks1.Status())
			require.Equal(t, ecdsa2p.StatusActive, ks2.Status())
		})
	}
}

// Presign and the finishes in separate sessions with fresh instance ids; FinishP2 with and
// without req.Presignature (and with the path); a second finish of a consumed pre-signature
// fails on both sides, with ErrPresignatureConsumed on P2.
func TestSessionPresignFinish(t *testing.T) {
	e := newSessionEnv(t, envOpts{})
	ks1, ks2 := e.shares(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	presign := func(path string) (*ecdsa2p.Presignature, *ecdsa2p.Presignature) {
		t.Helper()
		id := ecdsa2p.RandomInstanceID()
		var p1, p2 *ecdsa2p.Presignature
		var e1, e2 error
		both(func() {
			p1, e1 = e.s1.Presign(ctx, ecdsa2p.SignRequest{InstanceID: id, Keyshare: ks1, OtherVK: e.vk2, Path: path})
		}, func() {
			p2, e2 = e.s2.Presign(ctx, ecdsa2p.SignRequest{InstanceID: id, Keyshare: ks2, OtherVK: e.vk1, Path: path})
		})
		require.NoError(t, e1)
		require.NoError(t, e2)
		require.Equal(t, p1.SignSID(), p2.SignSID())
		require.Equal(t, p1.PublicKey(), p2.PublicKey())
		require.Equal(t, path, p1.Path())
		require.Equal(t, ckdPub(t, ks1.PublicKey(), ks1.ChainCode(), path), p1.PublicKey())
		require.False(t, p1.Consumed())
		return p1, p2
	}
	finish := func(p1 *ecdsa2p.Presignature, msg []byte, h ecdsa2p.HashAlg, req2 ecdsa2p.SignRequest) (s1, s2 *ecdsa2p.Signature, e1, e2 error) {
		id := ecdsa2p.RandomInstanceID()
		req2.InstanceID, req2.Keyshare, req2.OtherVK = id, ks2, e.vk1
		both(func() {
			s1, e1 = e.s1.FinishP1(ctx, ecdsa2p.SignRequest{InstanceID: id, Keyshare: ks1, OtherVK: e.vk2, Presignature: p1, Message: msg, Hash: h})
		}, func() { s2, e2 = e.s2.FinishP2(ctx, req2) })
		return
	}

	t.Run("finish-with-presignature", func(t *testing.T) {
		p1, p2 := presign("m/0/1")
		msg := []byte("finish with the agreed pre-signature")
		var seen ecdsa2p.MessageToSign
		s1, s2, e1, e2 := finish(p1, msg, ecdsa2p.SHA256, ecdsa2p.SignRequest{Presignature: p2, Path: "m/0/1",
			Approve: func(_ context.Context, m ecdsa2p.MessageToSign) error { seen = m; return nil }})
		require.NoError(t, e1)
		require.NoError(t, e2)
		require.Equal(t, s1.Bytes65(), s2.Bytes65())
		require.Equal(t, msg, seen.Message)
		require.Equal(t, p1.SignSID(), seen.SignSID)
		requireValidSignature(t, s1, digest(t, ecdsa2p.SHA256, msg), p1.PublicKey())

		// The same pre-signature again: P1's copy is consumed in its Store, P2's too.
		_, _, e1, e2 = finish(p1, []byte("again"), ecdsa2p.SHA256, ecdsa2p.SignRequest{})
		require.Error(t, e1)
		require.Error(t, e2)
		assert.ErrorIs(t, e1, ecdsa2p.ErrPresignatureConsumed, "P1 refuses its consumed pre-signature: %v", e1)
		assert.ErrorIs(t, e2, ecdsa2p.ErrPresignatureConsumed, "P2: %v", e2)
		t.Logf("second finish: P1: %v; P2: %v", e1, e2)
	})

	t.Run("finish-without-presignature", func(t *testing.T) {
		p1, _ := presign("m")
		msg := []byte("P2 finds the pre-signature by sign_sid")
		s1, s2, e1, e2 := finish(p1, msg, ecdsa2p.Keccak256, ecdsa2p.SignRequest{})
		require.NoError(t, e1)
		require.NoError(t, e2)
		require.Equal(t, s1.Bytes65(), s2.Bytes65())
		requireValidSignature(t, s1, digest(t, ecdsa2p.Keccak256, msg), ks1.PublicKey())
	})

	t.Run("p2-names-another-presignature", func(t *testing.T) {
		pa1, _ := presign("m")
		_, pb2 := presign("m")
		_, _, e1, e2 := finish(pa1, []byte("x"), ecdsa2p.Keccak256, ecdsa2p.SignRequest{Presignature: pb2})
		require.ErrorIs(t, e2, ecdsa2p.SetupMismatch, "P2 refuses a request naming another pre-signature")
		var pa *mpc.PeerAbortedError
		require.ErrorAs(t, e1, &pa, "P1: %v", e1)
		assert.Equal(t, uint8(ecdsa2p.SetupMismatch), pa.Detail)
	})

	t.Run("p2-empty-path-is-root", func(t *testing.T) {
		// FinishP2 without Path agreed to "m": a pre-signature for another path is refused,
		// so P1 cannot pick one of P2's unused pre-signatures for a path P2 never agreed to.
		p1, _ := presign("m/7/7")
		_, _, e1, e2 := finish(p1, []byte("x"), ecdsa2p.Keccak256, ecdsa2p.SignRequest{})
		require.ErrorIs(t, e2, ecdsa2p.SetupMismatch, "P2 refuses a pre-signature for m/7/7 when it agreed to m")
		var pa *mpc.PeerAbortedError
		require.ErrorAs(t, e1, &pa, "P1: %v", e1)
		assert.Equal(t, uint8(ecdsa2p.SetupMismatch), pa.Detail)
	})

	t.Run("finishp1-empty-presignature", func(t *testing.T) {
		_, err := e.s1.FinishP1(ctx, ecdsa2p.SignRequest{InstanceID: ecdsa2p.RandomInstanceID(), Keyshare: ks1, OtherVK: e.vk2,
			Presignature: &ecdsa2p.Presignature{}, Message: []byte("x"), Hash: ecdsa2p.Keccak256})
		require.ErrorIs(t, err, ecdsa2p.ErrSessionConfig)
	})

	t.Run("p2-path-mismatch", func(t *testing.T) {
		p1, _ := presign("m/0/1")
		_, _, e1, e2 := finish(p1, []byte("x"), ecdsa2p.Keccak256, ecdsa2p.SignRequest{Path: "m/0/2"})
		require.ErrorIs(t, e2, ecdsa2p.SetupMismatch, "P2 refuses a pre-signature for another path")
		var pa *mpc.PeerAbortedError
		require.ErrorAs(t, e1, &pa, "P1: %v", e1)
		assert.Equal(t, uint8(ecdsa2p.SetupMismatch), pa.Detail)
	})
}

// Raw-digest mode: both Sessions with WithRawDigest sign a bare digest; a P2 without it
// refuses (REJECTED), and a P1 without it refuses to send one (ErrSessionConfig).
func TestSessionRawDigest(t *testing.T) {
	d := digest(t, ecdsa2p.SHA256, []byte("signed elsewhere"))
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	t.Run("both-enabled", func(t *testing.T) {
		e := newSessionEnv(t, envOpts{opts1: []ecdsa2p.SessionOption{ecdsa2p.WithRawDigest()}, opts2: []ecdsa2p.SessionOption{ecdsa2p.WithRawDigest()}})
		ks1, ks2 := e.shares(t)
		r := e.sign(ctx,
			ecdsa2p.SignRequest{Keyshare: ks1, Path: "m/7", Message: d[:], Hash: ecdsa2p.RawDigest},
			ecdsa2p.SignRequest{Keyshare: ks2, Path: "m/7"})
		require.NoError(t, r.err1)
		require.NoError(t, r.err2)
		require.Equal(t, r.sig1.Bytes65(), r.sig2.Bytes65())
		require.Len(t, r.seen, 1)
		assert.Equal(t, ecdsa2p.RawDigest, r.seen[0].Hash)
		assert.Equal(t, d[:], r.seen[0].Message)
		requireValidSignature(t, r.sig1, d, ckdPub(t, ks1.PublicKey(), ks1.ChainCode(), "m/7"))
	})

	t.Run("p2-not-enabled", func(t *testing.T) {
		e := newSessionEnv(t, envOpts{opts1: []ecdsa2p.SessionOption{ecdsa2p.WithRawDigest()}})
		ks1, ks2 := e.shares(t)
		r := e.sign(ctx,
			ecdsa2p.SignRequest{Keyshare: ks1, Message: d[:], Hash: ecdsa2p.RawDigest},
			ecdsa2p.SignRequest{Keyshare: ks2})
		require.Error(t, r.err2)
		require.Empty(t, r.seen, "Approve is never asked about a raw digest P2 does not accept")
		var pa *mpc.PeerAbortedError
		require.ErrorAs(t, r.err1, &pa, "P1: %v", r.err1)
		assert.Equal(t, mpc.AbortRejected, pa.Code)
		assert.False(t, errors.Is(r.err1, mpc.ErrTimeout))
		assert.Nil(t, r.sig1)
		assert.Nil(t, r.sig2)
	})
}

// ErrKeyshareConflict: after a refresh the Session refuses a copy of the old generation
// (parsed from bytes saved before), and adopts a parsed copy equal to its Store's record.
func TestSessionKeyshareConflict(t *testing.T) {
	e := newSessionEnv(t, envOpts{})
	ks1, ks2 := e.shares(t)
	old1, err := ks1.MarshalBinary()
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	id := ecdsa2p.RandomInstanceID()
	var n1, n2 *ecdsa2p.Keyshare
	var e1, e2 error
	both(func() { n1, e1 = e.s1.Refresh(ctx, id, ks1, e.vk2) }, func() { n2, e2 = e.s2.Refresh(ctx, id, ks2, e.vk1) })
	require.NoError(t, e1)
	require.NoError(t, e2)
	require.NotEqual(t, ks1.ShareID(), mustParse(t, old1).ShareID(), "the live keyshare was refreshed in place")
	require.Equal(t, ks1.PublicKey(), n1.PublicKey())
	require.Equal(t, ks2.Address(), n2.Address())

	stale := mustParse(t, old1)
	_, err = e.s1.SigngenP1(ctx, ecdsa2p.SignRequest{InstanceID: ecdsa2p.RandomInstanceID(), Keyshare: stale, OtherVK: e.vk2, Message: []byte("m"), Hash: ecdsa2p.Keccak256})
	require.ErrorIs(t, err, ecdsa2p.ErrKeyshareConflict)
	_, err = e.s1.Presign(ctx, ecdsa2p.SignRequest{InstanceID: ecdsa2p.RandomInstanceID(), Keyshare: stale, OtherVK: e.vk2})
	require.ErrorIs(t, err, ecdsa2p.ErrKeyshareConflict)
	_, err = e.s1.Refresh(ctx, ecdsa2p.RandomInstanceID(), stale, e.vk2)
	require.ErrorIs(t, err, ecdsa2p.ErrKeyshareConflict)

	// A fresh Session over the same Store (no live keyshare yet) refuses the stale copy too.
	fresh := ecdsa2p.NewSession(e.c1, e.k1, ecdsa2p.WithStore(e.st1))
	_, err = fresh.Presign(ctx, ecdsa2p.SignRequest{InstanceID: ecdsa2p.RandomInstanceID(), Keyshare: stale, OtherVK: e.vk2})
	require.ErrorIs(t, err, ecdsa2p.ErrKeyshareConflict)

	// A copy equal to the Store's record is adopted and signs.
	rec, err := e.st1.Load(ctx, storeKey(ks1))
	require.NoError(t, err)
	cur := mustParse(t, rec)
	e.s1 = fresh
	msg := []byte("signed with a parsed copy of the stored record")
	res := e.sign(ctx,
		ecdsa2p.SignRequest{Keyshare: cur, Message: msg, Hash: ecdsa2p.Keccak256},
		ecdsa2p.SignRequest{Keyshare: n2})
	require.NoError(t, res.err1)
	require.NoError(t, res.err2)
	requireValidSignature(t, res.sig1, digest(t, ecdsa2p.Keccak256, msg), ks1.PublicKey())
}

func mustParse(t *testing.T, b []byte) *ecdsa2p.Keyshare {
	t.Helper()
	ks, err := ecdsa2p.ParseKeyshare(b)
	require.NoError(t, err)
	return ks
}

// A Session is safe for concurrent use: three signatures with the same keyshares at once,
// each under its own instance id, over one client per party.
func TestSessionConcurrentSigns(t *testing.T) {
	e := newSessionEnv(t, envOpts{})
	ks1, ks2 := e.shares(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	paths := []string{"m", "m/0/1", "m/0/2"}
	results := make([]*signResult, len(paths))
	var wg sync.WaitGroup
	for i, p := range paths {
		wg.Go(func() {
			results[i] = e.sign(ctx,
				ecdsa2p.SignRequest{Keyshare: ks1, Path: p, Message: []byte(p), Hash: ecdsa2p.Keccak256},
				ecdsa2p.SignRequest{Keyshare: ks2, Path: p})
		})
	}
	wg.Wait()
	for i, p := range paths {
		r := results[i]
		require.NoError(t, r.err1, p)
		require.NoError(t, r.err2, p)
		require.Equal(t, r.sig1.Bytes65(), r.sig2.Bytes65())
		require.Len(t, r.seen, 1)
		require.Equal(t, []byte(p), r.seen[0].Message, "each P2 approves its own session's message")
		requireValidSignature(t, r.sig1, digest(t, ecdsa2p.Keccak256, []byte(p)), ckdPub(t, ks1.PublicKey(), ks1.ChainCode(), p))
	}
}
