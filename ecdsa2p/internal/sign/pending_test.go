package sign_test

import (
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/keyshare"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/testvec"
)

// TestPendingGenerationSigns: a PENDING generation (a refresh whose RF4 did not arrive yet)
// can sign, and the successful Finish reports Promote; an ACTIVE one does not. Signing after
// a refresh keeps Q.
func TestPendingGenerationSigns(t *testing.T) {
	t.Parallel()
	ks := katKeyshares(t)
	rf, err := testvec.RunRefresh(testvec.DefaultRefresh(ks))
	require.NoError(t, err)
	var pending [2]*keyshare.Keyshare
	for i := range 2 {
		var enc []byte
		for _, s := range rf.Saved[i] {
			if s.PendingEnc != nil {
				enc = s.PendingEnc
				break
			}
		}
		require.NotNil(t, enc, "party %d never saved a PENDING generation", i)
		pending[i], err = keyshare.Parse(enc)
		require.NoError(t, err)
		require.True(t, pending[i].Pending())
	}
	run, err := testvec.RunSign(testvec.DefaultSign2(pending))
	require.NoError(t, err)
	require.True(t, run.Signatures[0].Promote && run.Signatures[1].Promote)
	require.True(t, pending[0].Pending(), "Finish changes no status bit")
	checkSignature(t, run.Signatures[0], testvec.Sign2Digest, ks[0].PublicKey())

	run, err = testvec.RunSign(testvec.DefaultSign2(rf.Keyshares))
	require.NoError(t, err)
	require.False(t, run.Signatures[0].Promote)
}
