package ecdsa2p

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
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

	for _, bad := range []string{"", "/abs", "../up", "a/../b", "a//b", "a/./b", `a\b`, ".tmp-x", "a/"} {
		require.Error(t, st.Save(ctx, bad, nil), bad)
		_, err := st.Load(ctx, bad)
		require.True(t, errors.Is(err, errBadKey), bad)
		require.Error(t, st.Delete(ctx, bad), bad)
	}
}
