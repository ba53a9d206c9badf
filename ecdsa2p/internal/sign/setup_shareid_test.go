package sign_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tandem-mpc/tandem/ecdsa2p/internal/engineerr"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/sign"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/testrng"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/testvec"
)

// TestN1_SetupMismatchShareID is the share_id case of N1 (PROTOCOL.md §12.2): the parties
// hold the same key Q but different generations (one refreshed, one not), with the same
// instance id and path. Their S1 setup digests differ: SetupMismatch at round 1, no culprit,
// no lock, on both sides.
func TestN1_SetupMismatchShareID(t *testing.T) {
	t.Parallel()
	old := katKeyshares(t)
	rf, err := testvec.RunRefresh(testvec.DefaultRefresh(katKeyshares(t)))
	require.NoError(t, err)
	refreshed := rf.Keyshares
	require.Equal(t, old[0].PublicKey(), refreshed[1].PublicKey())
	require.NotEqual(t, old[0].ShareID(), refreshed[1].ShareID())

	// Control: the same generation on both sides passes round 1.
	a, err := sign.NewPresign(old[0], testvec.Sign1Instance, testvec.Sign1Path, testrng.New("a"))
	require.NoError(t, err)
	b, err := sign.NewPresign(old[1], testvec.Sign1Instance, testvec.Sign1Path, testrng.New("b"))
	require.NoError(t, err)
	_, _, err = a.Next(b.Payload())
	require.NoError(t, err)

	for _, pair := range [][2]int{{0, 1}, {1, 0}} {
		// pair[0] holds the old generation, pair[1] the refreshed one.
		a, err := sign.NewPresign(old[pair[0]], testvec.Sign1Instance, testvec.Sign1Path, testrng.New("a"))
		require.NoError(t, err)
		b, err := sign.NewPresign(refreshed[pair[1]], testvec.Sign1Instance, testvec.Sign1Path, testrng.New("b"))
		require.NoError(t, err)
		_, _, err = a.Next(b.Payload())
		engineErr(t, err, engineerr.SetupMismatch, engineerr.NoCulprit, false)
		_, _, err = b.Next(a.Payload())
		engineErr(t, err, engineerr.SetupMismatch, engineerr.NoCulprit, false)
		requireLocked(t, old[pair[0]], false, 0, 0)
		requireLocked(t, refreshed[pair[1]], false, 0, 0)
	}
}
