package sharefile

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tandem-mpc/tandem/ecdsa2p"
)

func TestRoundTrip(t *testing.T) {
	for _, tt := range []struct {
		name string
		opts Options
		head string
	}{
		{"encrypted", Options{Passphrase: testPass}, ageHeader},
		{"plaintext", Options{InsecurePlaintext: true}, plaintextHeader},
	} {
		t.Run(tt.name, func(t *testing.T) {
			want := shares(t)[0]
			f, path := saved(t, 0, tt.opts)
			require.True(t, f.Exists())
			raw, err := os.ReadFile(path)
			require.NoError(t, err)
			require.True(t, strings.HasPrefix(string(raw), tt.head))

			ks, err := f.Load(t.Context())
			require.NoError(t, err)
			restored, _ := f.Restored()
			require.False(t, restored)
			locked, _ := ks.Locked()
			require.False(t, locked)
			got, err := ks.MarshalBinary()
			require.NoError(t, err)
			require.Equal(t, want, got)
			b, err := f.Store().Load(t.Context(), "share")
			require.NoError(t, err)
			require.Equal(t, want, b)

			sc := readSide(t, path)
			require.Equal(t, ks.KeyID(), sc.KeyID)
			require.Equal(t, 0, sc.Party)
			require.Len(t, sc.Generations, 1)
			require.Equal(t, generation{ShareID: ks.ShareID(), Status: statusActive}, sc.Generations[0])

			// Modes and no temporary files left behind.
			for _, p := range []string{path, path + StateSuffix, path + LockSuffix} {
				st, err := os.Stat(p)
				require.NoError(t, err)
				assert.Equal(t, os.FileMode(0o600), st.Mode().Perm(), p)
			}
			// Replace twice more: still three files.
			require.NoError(t, f.Store().Save(t.Context(), "share", want))
			require.NoError(t, f.Store().Save(t.Context(), "share", want))
			ents, err := os.ReadDir(filepath.Dir(path))
			require.NoError(t, err)
			var names []string
			for _, e := range ents {
				names = append(names, e.Name())
			}
			require.ElementsMatch(t, []string{"p1.share", "p1.share.state", "p1.share.lock"}, names)
		})
	}
}

func TestPassphraseAndPlaintextRules(t *testing.T) {
	ctx := t.Context()
	share := shares(t)[0]

	// Writing needs a passphrase or InsecurePlaintext; a refused write leaves nothing.
	path := sharePath(t)
	f := openT(t, path, Options{})
	require.ErrorIs(t, f.Store().Save(ctx, "share", share), ErrNoPassphrase)
	require.False(t, f.Exists())
	_, err := os.Stat(path + StateSuffix)
	require.ErrorIs(t, err, os.ErrNotExist)
	require.NoError(t, f.Close())

	encF, enc := saved(t, 0, Options{Passphrase: testPass})
	require.NoError(t, encF.Close())
	plainF, plain := saved(t, 0, Options{InsecurePlaintext: true})
	require.NoError(t, plainF.Close())

	for _, tt := range []struct {
		name string
		path string
		opts Options
		want error
	}{
		{"encrypted, right passphrase", enc, Options{Passphrase: testPass}, nil},
		{"encrypted, wrong passphrase", enc, Options{Passphrase: NewPassphrase([]byte("nope"))}, ErrPassphrase},
		{"encrypted, no passphrase", enc, Options{}, ErrNoPassphrase},
		{"plaintext, refused", plain, Options{}, ErrPlaintextRefused},
		{"plaintext, refused with passphrase", plain, Options{Passphrase: testPass}, ErrPlaintextRefused},
		{"plaintext, allowed", plain, Options{InsecurePlaintext: true}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := openT(t, tt.path, tt.opts)
			ks, err := f.Load(ctx)
			if tt.want != nil {
				require.ErrorIs(t, err, tt.want)
				require.Nil(t, ks)
				_, err = f.Store().Load(ctx, "share")
				require.ErrorIs(t, err, tt.want)
				return
			}
			require.NoError(t, err)
			require.NoError(t, f.Close())
		})
	}
}

func TestLoadMissing(t *testing.T) {
	f := openT(t, sharePath(t), Options{Passphrase: testPass})
	require.False(t, f.Exists())
	_, err := f.Load(t.Context())
	require.ErrorIs(t, err, ecdsa2p.ErrNotFound)
	_, err = f.Store().Load(t.Context(), "share")
	require.ErrorIs(t, err, ecdsa2p.ErrNotFound)
	require.NoError(t, f.Store().Delete(t.Context(), "share"))
}

func TestInUse(t *testing.T) {
	path := sharePath(t)
	f, err := Open(path, Options{})
	require.NoError(t, err)
	_, err = Open(path, Options{})
	require.ErrorIs(t, err, ErrInUse)

	if runtime.GOOS != "js" && runtime.GOOS != "wasip1" {
		// A second process is refused at once too.
		exe, err := os.Executable()
		require.NoError(t, err)
		cmd := exec.Command(exe, "-test.run=^$")
		cmd.Env = append(os.Environ(), helperEnv+"="+path)
		err = cmd.Run()
		var ee *exec.ExitError
		require.ErrorAs(t, err, &ee)
		require.Equal(t, 3, ee.ExitCode())
	}

	require.NoError(t, f.Close())
	require.ErrorIs(t, f.Close(), ErrClosed)
	_, err = f.Load(t.Context())
	require.ErrorIs(t, err, ErrClosed)
	require.ErrorIs(t, f.Store().Save(t.Context(), "share", nil), ErrClosed)

	f2, err := Open(path, Options{})
	require.NoError(t, err)
	require.NoError(t, f2.Close())
}

func TestDelete(t *testing.T) {
	f, path := saved(t, 0, Options{Passphrase: testPass})
	require.NoError(t, f.Store().Delete(t.Context(), "share"))
	require.False(t, f.Exists())
	_, err := os.Stat(path + StateSuffix)
	require.ErrorIs(t, err, os.ErrNotExist)
	_, err = f.Load(t.Context())
	require.ErrorIs(t, err, ecdsa2p.ErrNotFound)
}

func TestKeyMismatch(t *testing.T) {
	ctx := t.Context()
	sh := shares(t)

	// Saving the other party's share over a record: refused, nothing changed.
	f, path := saved(t, 0, Options{Passphrase: testPass})
	before, err := os.ReadFile(path)
	require.NoError(t, err)
	require.ErrorIs(t, f.Store().Save(ctx, "share", sh[1]), ErrKeyMismatch)
	after, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, before, after)
	require.Equal(t, 0, readSide(t, path).Party)

	// A sidecar of another key_id: Load and Save refuse.
	sc := readSide(t, path)
	sc.KeyID[0] ^= 1
	writeSide(t, path, sc)
	_, err = f.Load(ctx)
	require.ErrorIs(t, err, ErrKeyMismatch)
	require.ErrorIs(t, f.Store().Save(ctx, "share", sh[0]), ErrKeyMismatch)

	// An orphaned record (share file gone) is replaced by a new keygen's save.
	require.NoError(t, os.Remove(path))
	require.NoError(t, f.Store().Save(ctx, "share", sh[1]))
	require.Equal(t, 1, readSide(t, path).Party)
}

func TestCorruptFiles(t *testing.T) {
	ctx := t.Context()
	f, path := saved(t, 0, Options{Passphrase: testPass, InsecurePlaintext: true})
	good, err := os.ReadFile(path)
	require.NoError(t, err)
	goodSide, err := os.ReadFile(path + StateSuffix)
	require.NoError(t, err)
	share := shares(t)[0]

	for _, tt := range []struct {
		name       string
		file, side []byte
	}{
		{"share truncated", good[:len(good)/2], goodSide},
		{"share empty", []byte{}, goodSide},
		{"share garbage", []byte("garbage"), goodSide},
		{"plaintext not a keyshare", []byte(plaintextHeader + "TNDG\x01\x01"), goodSide},
		{"plaintext keyshare truncated", append([]byte(plaintextHeader), share[:len(share)-1]...), goodSide},
		{"plaintext keyshare bit flip", append([]byte(plaintextHeader), flip(share, 300)...), goodSide},
		{"sidecar truncated", good, goodSide[:len(goodSide)/2]},
		{"sidecar empty", good, []byte{}},
		{"sidecar not json", good, []byte("\x00\x01")},
		{"share too large", append(good, make([]byte, maxShareFile)...), goodSide},
		{"sidecar too large", good, append(goodSide, make([]byte, maxSidecar)...)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			require.NoError(t, os.WriteFile(path, tt.file, 0o600))
			require.NoError(t, os.WriteFile(path+StateSuffix, tt.side, 0o600))
			_, err := f.Load(ctx)
			require.ErrorIs(t, err, ErrCorrupt)
			_, err = f.Store().Load(ctx, "share")
			require.ErrorIs(t, err, ErrCorrupt)
		})
	}
	require.ErrorIs(t, f.Store().Save(ctx, "share", share[:100]), ErrCorrupt)
}
