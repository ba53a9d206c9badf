package sharefile

import (
	"context"
	"crypto/sha256"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tandem-mpc/tandem/ecdsa2p"
)

// Keygen, presign, finish and refresh run with a File's Store on both parties; the
// consumed mark lands in the sidecar and survives a reopen; a copy of the share from
// before the refresh comes back LOCKED.
func TestProtocolsWithFileStore(t *testing.T) {
	ctx := testCtx(t)
	opts := Options{Passphrase: testPass}
	paths := [2]string{filepath.Join(t.TempDir(), "p1.share"), filepath.Join(t.TempDir(), "p2.share")}
	var fs [2]*File
	for i := range fs {
		fs[i] = openT(t, paths[i], opts)
	}
	p := newPair(t)
	ks0, ks1 := p.keygen(t, fs[0].Store(), fs[1].Store())
	for i, ks := range []*ecdsa2p.Keyshare{ks0, ks1} {
		sc := readSide(t, paths[i])
		require.Equal(t, ks.KeyID(), sc.KeyID)
		require.Equal(t, i, sc.Party)
		require.Equal(t, []generation{{ShareID: ks.ShareID(), Status: statusActive}}, sc.Generations)
	}
	// Keygen refuses a key that exists.
	a, b := p.configs()
	_, err := ecdsa2p.NewKeygen(a, 0, fs[0].Store(), "share")
	if err == nil {
		var err0, err1 error
		both(func() { _, err0 = ecdsa2p.RunKeygen(ctx, a, 0, fs[0].Store(), "share") },
			func() { _, err1 = ecdsa2p.RunKeygen(ctx, b, 1, fs[1].Store(), "share") })
		require.ErrorIs(t, err0, ecdsa2p.ErrKeyExists)
		require.Error(t, err1)
	}

	// Presign and finish.
	a, b = p.configs()
	var ps0 *ecdsa2p.Presignature
	var err0, err1 error
	both(func() { ps0, err0 = ecdsa2p.RunPresign(ctx, a, ks0, fs[0].Store(), "share", "m/0/1") },
		func() { _, err1 = ecdsa2p.RunPresign(ctx, b, ks1, fs[1].Store(), "share", "m/0/1") })
	require.NoError(t, err0)
	require.NoError(t, err1)
	sid := ps0.SignSID()
	pkey := ecdsa2p.PresignatureKey("share", sid)
	fresh, err := fs[0].Store().Load(ctx, pkey)
	require.NoError(t, err)
	for _, path := range paths {
		_, err := os.Stat(path + ".presig")
		require.ErrorIs(t, err, os.ErrNotExist, "pre-signatures stay in memory")
	}

	digest := sha256.Sum256([]byte("pay 1 coin"))
	finish := func() (sig *ecdsa2p.Signature, err0, err1 error) {
		fctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		defer cancel()
		a, b := p.configs()
		f0, err := ecdsa2p.NewFinishP1(a, ks0, fs[0].Store(), "share", sid, digest, ecdsa2p.DigestRequest(sid, digest))
		require.NoError(t, err)
		f1, err := ecdsa2p.NewFinishP2(b, ks1, fs[1].Store(), "share", ecdsa2p.AcceptDigest())
		require.NoError(t, err)
		both(func() { sig, err0 = ecdsa2p.RunFinish(fctx, a, f0) },
			func() { _, err1 = ecdsa2p.RunFinish(fctx, b, f1) })
		return sig, err0, err1
	}
	sig, err0, err1 := finish()
	require.NoError(t, err0)
	require.NoError(t, err1)
	require.Equal(t, ps0.PublicKey(), sig.Key)
	for _, path := range paths {
		require.Equal(t, [][32]byte{sid}, readSide(t, path).Consumed)
	}
	// A second finish of the same sign_sid is refused.
	_, err0, _ = finish()
	require.ErrorIs(t, err0, ecdsa2p.ErrPresignatureConsumed)
	tomb, err := fs[0].Store().Load(ctx, pkey)
	require.NoError(t, err)
	tp, err := ecdsa2p.ParsePresignature(tomb)
	require.NoError(t, err)
	require.True(t, tp.Consumed())
	// A tombstone needs a lock record to land in.
	other := openT(t, filepath.Join(t.TempDir(), "x.share"), opts)
	require.ErrorIs(t, other.Store().Save(ctx, pkey, tomb), ErrNoRecord)
	// Keys and bytes must agree; malformed keys and bytes are refused.
	require.Error(t, fs[0].Store().Save(ctx, ecdsa2p.PresignatureKey("share", [32]byte{1}), tomb))
	require.Error(t, fs[0].Store().Save(ctx, "share.presig/xyz", tomb))
	require.ErrorIs(t, fs[0].Store().Save(ctx, pkey, tomb[:10]), ErrCorrupt)

	// After a reopen, the consumed pre-signature is gone for good.
	require.NoError(t, fs[0].Close())
	fs[0] = openT(t, paths[0], opts)
	ks0, err = fs[0].Load(ctx)
	require.NoError(t, err)
	_, err = fs[0].Store().Load(ctx, pkey)
	require.ErrorIs(t, err, ecdsa2p.ErrNotFound)
	require.ErrorIs(t, fs[0].Store().Save(ctx, pkey, fresh), ErrConsumed)
	_, err = fs[0].Store().Load(ctx, pkey)
	require.ErrorIs(t, err, ecdsa2p.ErrNotFound)

	// Refresh; then the pre-refresh copy of P1's share is a restored copy (case d).
	old, err := os.ReadFile(paths[0])
	require.NoError(t, err)
	a, b = p.configs()
	both(func() { ks0, err0 = ecdsa2p.RunRefresh(ctx, a, ks0, fs[0].Store(), "share") },
		func() { ks1, err1 = ecdsa2p.RunRefresh(ctx, b, ks1, fs[1].Store(), "share") })
	require.NoError(t, err0)
	require.NoError(t, err1)
	sc := readSide(t, paths[0])
	require.Equal(t, []generation{{ShareID: ks0.ShareID(), Status: statusActive}}, sc.Generations)
	require.Equal(t, [][32]byte{sid}, sc.Consumed, "consumed sign_sids survive a refresh")

	require.NoError(t, fs[0].Close())
	require.NoError(t, os.WriteFile(paths[0], old, 0o600))
	fs[0] = openT(t, paths[0], opts)
	ks, err := fs[0].Load(ctx)
	require.NoError(t, err)
	requireRestoredLock(t, fs[0], ks, ecdsa2p.Restored)
}
