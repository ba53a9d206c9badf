package sharefile

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tandem-mpc/tandem/ecdsa2p"
	"github.com/tandem-mpc/tandem/mpc"
	"github.com/tandem-mpc/tandem/mpc/mpctest"
	"github.com/tandem-mpc/tandem/relay"
	"github.com/tandem-mpc/tandem/relay/relaytest"
	"github.com/tandem-mpc/tandem/relay/server"
	"github.com/tandem-mpc/tandem/signer"
)

// helperEnv makes the test binary, re-executed, try to Open the path in it and exit 3 on
// ErrInUse (the two-process lock test).
const helperEnv = "SHAREFILE_TEST_OPEN"

func TestMain(m *testing.M) {
	if p := os.Getenv(helperEnv); p != "" {
		f, err := Open(p, Options{})
		switch {
		case err == nil:
			f.Close()
			os.Exit(0)
		case errors.Is(err, ErrInUse):
			os.Exit(3)
		default:
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
	// age's default work factor costs about a second per Save or Load; tests use 2^10.
	scryptWorkFactor = 10
	os.Exit(m.Run())
}

var testPass = NewPassphrase([]byte("correct horse battery staple"))

// pair is two parties connected through an in-memory relay.
type pair struct {
	k1, k2 *signer.PrivateKey
	c1, c2 *relay.Client
}

func newPair(t testing.TB) *pair {
	t.Helper()
	rl, err := relaytest.New(server.DefaultConfig())
	require.NoError(t, err)
	t.Cleanup(func() { rl.Close() })
	ctx := t.Context()
	k1, err := signer.GenerateEd25519()
	require.NoError(t, err)
	k2, err := signer.GenerateEd25519()
	require.NoError(t, err)
	c1, err := rl.DialAs(ctx, mpctest.IPA, nil)
	require.NoError(t, err)
	t.Cleanup(func() { c1.Close() })
	c2, err := rl.DialAs(ctx, mpctest.IPB, nil)
	require.NoError(t, err)
	t.Cleanup(func() { c2.Close() })
	return &pair{k1: k1, k2: k2, c1: c1, c2: c2}
}

// configs returns both parties' configs for one session.
func (p *pair) configs() (a, b mpc.Config) {
	inst := mpc.RandomInstanceID()
	a = mpc.Config{Instance: inst, Self: p.k1, Peer: p.k2.VerifyingKey(), Transport: p.c1}
	b = mpc.Config{Instance: inst, Self: p.k2, Peer: p.k1.VerifyingKey(), Transport: p.c2}
	return a, b
}

// both runs f1 and f2 concurrently.
func both(f1, f2 func()) {
	var wg sync.WaitGroup
	wg.Go(f1)
	wg.Go(f2)
	wg.Wait()
}

func testCtx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// keygen runs a keygen between the pair, each party saving under key "share" in its Store.
func (p *pair) keygen(t testing.TB, st0, st1 ecdsa2p.Store) (ks0, ks1 *ecdsa2p.Keyshare) {
	t.Helper()
	ctx := testCtx(t)
	a, b := p.configs()
	var err0, err1 error
	both(func() { ks0, err0 = ecdsa2p.RunKeygen(ctx, a, 0, st0, "share") },
		func() { ks1, err1 = ecdsa2p.RunKeygen(ctx, b, 1, st1, "share") })
	require.NoError(t, err0)
	require.NoError(t, err1)
	return ks0, ks1
}

// fixture holds the keyshare bytes of one in-memory keygen, shared by the tests.
var fixture struct {
	once  sync.Once
	share [2][]byte
	err   error
}

// shares returns the two parties' keyshare bytes (ACTIVE), generated once per test binary.
func shares(t testing.TB) [2][]byte {
	t.Helper()
	fixture.once.Do(func() {
		var st [2]ecdsa2p.MemoryStore
		p := newPair(t)
		p.keygen(t, &st[0], &st[1])
		for i := range st {
			fixture.share[i], fixture.err = st[i].Load(context.Background(), "share")
			if fixture.err != nil {
				return
			}
		}
	})
	require.NoError(t, fixture.err)
	return fixture.share
}

// openT opens path and closes it at the end of the test.
func openT(t testing.TB, path string, opts Options) *File {
	t.Helper()
	f, err := Open(path, opts)
	require.NoError(t, err)
	t.Cleanup(func() { f.Close() })
	return f
}

// sharePath returns a share path in a fresh directory.
func sharePath(t testing.TB) string {
	return filepath.Join(t.TempDir(), "p1.share")
}

// saved opens a new File at a fresh path and saves party i's keyshare through its Store.
func saved(t testing.TB, i int, opts Options) (*File, string) {
	t.Helper()
	path := sharePath(t)
	f := openT(t, path, opts)
	require.NoError(t, f.Store().Save(t.Context(), "share", shares(t)[i]))
	return f, path
}

// readSide reads and parses path's sidecar.
func readSide(t testing.TB, path string) *sidecar {
	t.Helper()
	b, err := os.ReadFile(path + StateSuffix)
	require.NoError(t, err)
	sc, err := parseSidecar(b)
	require.NoError(t, err)
	return sc
}

func writeSide(t testing.TB, path string, sc *sidecar) {
	t.Helper()
	b, err := sc.marshal()
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path+StateSuffix, b, 0o600))
}
