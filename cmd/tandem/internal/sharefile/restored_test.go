package sharefile

import (
	"crypto/rand"
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tandem-mpc/tandem/ecdsa2p"
)

// requireRestoredLock checks that f's share is LOCKED (reason want) in memory, in the share
// file and in the sidecar, and stays so after reopening.
func requireRestoredLock(t *testing.T, f *File, ks *ecdsa2p.Keyshare, want ecdsa2p.Code) {
	t.Helper()
	locked, code := ks.Locked()
	require.True(t, locked)
	require.Equal(t, ecdsa2p.Restored, code)
	restored, reason := f.Restored()
	require.True(t, restored)
	require.NotEmpty(t, reason)
	sc := readSide(t, f.path)
	for _, g := range sc.Generations {
		require.Equal(t, statusLocked, g.Status)
		require.Equal(t, uint8(want), g.LockReason)
	}
	// Persisted: a fresh File sees a consistent, locked share.
	path := f.path
	opts := Options{Passphrase: NewPassphrase(f.opts.Passphrase.b), InsecurePlaintext: f.opts.InsecurePlaintext}
	require.NoError(t, f.Close())
	f2 := openT(t, path, opts)
	ks2, err := f2.Load(t.Context())
	require.NoError(t, err)
	locked, code = ks2.Locked()
	require.True(t, locked)
	require.Equal(t, ecdsa2p.Restored, code)
	restored, _ = f2.Restored()
	require.False(t, restored, "the persisted state is consistent")
}

func randomID(t *testing.T) (id [32]byte) {
	_, err := rand.Read(id[:])
	require.NoError(t, err)
	return id
}

func TestRestoredCopies(t *testing.T) {
	opts := Options{Passphrase: testPass}
	for _, tt := range []struct {
		name   string
		mutate func(t *testing.T, path string)
		reason ecdsa2p.Code // the sidecar's lock reason afterwards
	}{
		{"a: no sidecar", func(t *testing.T, path string) {
			require.NoError(t, os.Remove(path+StateSuffix))
		}, ecdsa2p.Restored},
		{"c: sidecar has a lock the file lacks", func(t *testing.T, path string) {
			sc := readSide(t, path)
			sc.Generations[0].Status, sc.Generations[0].LockReason = statusLocked, uint8(ecdsa2p.OTExtensionCheckFailed)
			writeSide(t, path, sc)
		}, ecdsa2p.OTExtensionCheckFailed},
		{"d: sidecar lists a generation the file lacks", func(t *testing.T, path string) {
			sc := readSide(t, path)
			sc.Generations = append(sc.Generations, generation{ShareID: randomID(t), Status: statusPending})
			writeSide(t, path, sc)
		}, ecdsa2p.Restored},
		{"d: file holds a generation the sidecar does not know", func(t *testing.T, path string) {
			sc := readSide(t, path)
			sc.Generations[0].ShareID = randomID(t)
			writeSide(t, path, sc)
		}, ecdsa2p.Restored},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f, path := saved(t, 1, opts)
			require.NoError(t, f.Close())
			tt.mutate(t, path)
			f = openT(t, path, opts)
			ks, err := f.Load(t.Context())
			require.NoError(t, err)
			requireRestoredLock(t, f, ks, tt.reason)
		})
	}
}

// A lock saved through the Store survives putting back a copy of the share file taken
// before the lock; a stale in-memory keyshare cannot undo it either.
func TestLockSurvivesOldCopy(t *testing.T) {
	ctx := t.Context()
	opts := Options{Passphrase: testPass}
	f, path := saved(t, 0, opts)
	old, err := os.ReadFile(path)
	require.NoError(t, err)

	ks, err := f.Load(ctx)
	require.NoError(t, err)
	ks.MarkRestored() // any lock: the engine saves it the same way
	b, err := ks.MarshalBinary()
	require.NoError(t, err)
	require.NoError(t, f.Store().Save(ctx, "share", b))
	require.ErrorIs(t, f.Store().Save(ctx, "share", shares(t)[0]), ErrLockRegression)

	require.NoError(t, f.Close())
	require.NoError(t, os.WriteFile(path, old, 0o600))
	f = openT(t, path, opts)
	ks, err = f.Load(ctx)
	require.NoError(t, err)
	requireRestoredLock(t, f, ks, ecdsa2p.Restored)
}

// A crash between the sidecar write and the share write leaves the sidecar ahead: the new
// lock is not lost.
func TestCrashBetweenWrites(t *testing.T) {
	ctx := t.Context()
	opts := Options{Passphrase: testPass}
	f, path := saved(t, 0, opts)
	old, err := os.ReadFile(path)
	require.NoError(t, err)
	ks, err := f.Load(ctx)
	require.NoError(t, err)
	ks.MarkRestored()
	b, err := ks.MarshalBinary()
	require.NoError(t, err)
	require.NoError(t, f.Store().Save(ctx, "share", b))
	require.NoError(t, f.Close())
	// The share file as it was before the save: the crash window.
	require.NoError(t, os.WriteFile(path, old, 0o600))
	f = openT(t, path, opts)
	ks, err = f.Load(ctx)
	require.NoError(t, err)
	locked, _ := ks.Locked()
	require.True(t, locked)
}

// The plaintext cache does not hide a share file replaced while the File is open.
func TestCacheSeesReplacedFile(t *testing.T) {
	ctx := t.Context()
	opts := Options{Passphrase: testPass}
	f, path := saved(t, 0, opts)
	old, err := os.ReadFile(path)
	require.NoError(t, err)
	ks, err := f.Load(ctx)
	require.NoError(t, err)
	ks.MarkRestored()
	b, err := ks.MarshalBinary()
	require.NoError(t, err)
	require.NoError(t, f.Store().Save(ctx, "share", b))
	require.NoError(t, os.WriteFile(path, old, 0o600))
	ks, err = f.Load(ctx)
	require.NoError(t, err)
	requireRestoredLock(t, f, ks, ecdsa2p.Restored)
}
