package ecdsa2p

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tandem-mpc/tandem/mpc"
)

func TestStores(t *testing.T) {
	ctx := context.Background()
	for name, st := range map[string]Store{
		"memory": &MemoryStore{},
		"file":   FileStore{Dir: t.TempDir()},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := st.Load(ctx, "a")
			require.ErrorIs(t, err, ErrNotFound)
			require.NoError(t, st.Save(ctx, "a", []byte("one")))
			require.NoError(t, st.Save(ctx, "a", []byte("two")))
			require.NoError(t, st.Save(ctx, "a.presig/00", []byte("p")))
			b, err := st.Load(ctx, "a")
			require.NoError(t, err)
			require.Equal(t, "two", string(b))
			b[0] = 'x' // the store keeps its own copy
			b, _ = st.Load(ctx, "a")
			require.Equal(t, "two", string(b))
			require.NoError(t, st.Delete(ctx, "a"))
			require.NoError(t, st.Delete(ctx, "a"))
			_, err = st.Load(ctx, "a")
			require.ErrorIs(t, err, ErrNotFound)
			cctx, cancel := context.WithCancel(ctx)
			cancel()
			require.ErrorIs(t, st.Save(cctx, "b", nil), context.Canceled)
		})
	}
}

func TestFileStore(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st := FileStore{Dir: dir}
	require.NoError(t, st.Save(ctx, "keys/alice", []byte("secret")))
	fi, err := os.Stat(filepath.Join(dir, "keys", "alice"))
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
	ents, err := os.ReadDir(filepath.Join(dir, "keys"))
	require.NoError(t, err)
	require.Len(t, ents, 1, "no temporary file left")

	for _, bad := range []string{"", "/abs", "../up", "a/../b", "a//b", "a/./b", `a\b`, ".tmp-x", ".k.tmp-1", ".hidden", "a/"} {
		require.Error(t, st.Save(ctx, bad, nil), bad)
		_, err := st.Load(ctx, bad)
		require.True(t, errors.Is(err, errBadKey), bad)
		require.Error(t, st.Delete(ctx, bad), bad)
	}
}

// TestFileStoreFlow runs keygen, presign and finish with FileStores and reloads the
// keyshares from disk.
func TestFileStoreFlow(t *testing.T) {
	l := newLocal(t)
	dirs := [2]string{t.TempDir(), t.TempDir()}
	var fs [2]Store
	for i := range 2 {
		fs[i] = FileStore{Dir: dirs[i]}
	}
	ctx := context.Background()
	l.a, l.b = fresh(l.a, l.b)
	var kg [2]*Keygen
	for i := range 2 {
		var err error
		kg[i], err = NewKeygen(l.cfg(i), i, fs[i], "wallet")
		require.NoError(t, err)
	}
	errs := runLocal(ctx, [2]mpc.Protocol{kg[0], kg[1]})
	require.NoError(t, errs[0])
	require.NoError(t, errs[1])
	for i := range 2 {
		ks, err := LoadKeyshare(ctx, fs[i], "wallet")
		require.NoError(t, err)
		l.ks[i] = ks
		fi, err := os.Stat(filepath.Join(dirs[i], "wallet"))
		require.NoError(t, err)
		require.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
	}
	l.a, l.b = fresh(l.a, l.b)
	var ps [2]*Presign
	for i := range 2 {
		var err error
		ps[i], err = NewPresign(l.cfg(i), l.ks[i], fs[i], "wallet", "m/44/60")
		require.NoError(t, err)
	}
	errs = runLocal(ctx, [2]mpc.Protocol{ps[0], ps[1]})
	require.NoError(t, errs[0])
	require.NoError(t, errs[1])
	pre, err := ps[0].Result()
	require.NoError(t, err)
	digest := digestOf("file")
	l.a, l.b = fresh(l.a, l.b)
	f0, err := NewFinishP1(l.a, l.ks[0], fs[0], "wallet", pre.SignSID(), digest, DigestRequest(pre.SignSID(), digest))
	require.NoError(t, err)
	f1, err := NewFinishP2(l.b, l.ks[1], fs[1], "wallet", AcceptDigest())
	require.NoError(t, err)
	errs = runLocal(ctx, [2]mpc.Protocol{f0, f1})
	require.NoError(t, errs[0])
	require.NoError(t, errs[1])
	sig, err := f0.Result()
	require.NoError(t, err)
	verifySig(t, sig, digest)
	b, err := fs[1].Load(ctx, PresignatureKey("wallet", pre.SignSID()))
	require.NoError(t, err)
	tomb, err := loadPresig(b)
	require.NoError(t, err)
	require.True(t, tomb.Consumed(), "the tombstone is on disk")
}
