package rvole

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tandem-mpc/tandem/ecdsa2p/internal/ot"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/ote"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/testrng"
	"github.com/tandem-mpc/tandem/internal/secp"
	"github.com/tandem-mpc/tandem/internal/transcript"
)

// reversed runs the parts last to first, to show that the order does not matter.
func reversed(n int, f func(i int)) {
	for i := n - 1; i >= 0; i-- {
		f(i)
	}
}

// TestRunnerDeterminism checks that the messages and outputs of a whole RVOLE do not depend on
// the Runner: sequential, reversed and concurrent (run it with -race).
func TestRunnerDeterminism(t *testing.T) {
	cs, ds := testSeeds(t, "runner")
	signSID := transcript.H("tandem/v1/test/rvole", []byte("runner"))
	type result struct {
		oteMsg, rv          []byte
		chi, c0, c1, d0, d1 *secp.Scalar
	}
	runOnce := func(run ote.Runner) result {
		sess, err := ote.NewSession(signSID, 0, 1)
		require.NoError(t, err)
		sess = sess.WithRunner(run)
		rnd := testrng.New("rvole/runner")
		recvOut, oteMsg, err := ote.NewReceiver(sess, cs, rnd)
		require.NoError(t, err)
		r, chi, err := NewReceiver(recvOut)
		require.NoError(t, err)
		snd, err := ote.NewSender(sess, ds)
		require.NoError(t, err)
		sendOut, err := snd.Extend(oteMsg)
		require.NoError(t, err)
		a0, a1 := rnd.RandomScalar(), rnd.RandomScalar()
		rv, c0, c1, err := Send(sendOut, a0, a1, rnd)
		require.NoError(t, err)
		m, err := r.ParseMessage(rv)
		require.NoError(t, err)
		d0, d1, err := r.Finish(m)
		require.NoError(t, err)
		return result{oteMsg, rv, chi, c0, c1, d0, d1}
	}
	want := runOnce(nil)
	for name, run := range map[string]ote.Runner{
		"sequential": ote.Sequential, "reversed": reversed, "two goroutines": twoCores, "ot.Parallel(2)": ot.Parallel(2),
	} {
		got := runOnce(run)
		require.Equal(t, want.oteMsg, got.oteMsg, name)
		require.Equal(t, want.rv, got.rv, name)
		for i, pair := range [][2]*secp.Scalar{{want.chi, got.chi}, {want.c0, got.c0}, {want.c1, got.c1}, {want.d0, got.d0}, {want.d1, got.d1}} {
			require.Equal(t, 1, pair[0].Equal(pair[1]), "%s: output %d", name, i)
		}
	}
}
