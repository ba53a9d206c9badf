package sign_test

import (
	"encoding/hex"

	"github.com/tandem-mpc/tandem/ecdsa2p/internal/engineerr"
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

// TestN10_RefreshClearsLock: after a failed OT-extension check locks P1's keyshare, Presign
// and Finish are refused; a refresh succeeds from the locked generation and its new
// generation signs again under the same Q.
func TestN10_RefreshClearsLock(t *testing.T) {
	t.Parallel()
	ks := katKeyshares(t)
	in := testvec.DefaultSign1(ks)
	in.Tamper = tamperAt(2, func(p []byte) []byte { p[s2XT] ^= 1; return p })
	_, err := testvec.RunSign(in)
	engineErr(t, err, engineerr.OTExtensionCheckFailed, 1, true)
	requireLocked(t, ks[0], true, engineerr.OTExtensionCheckFailed, 1)
	_, err = testvec.RunSign(testvec.DefaultSign1(ks))
	engineErr(t, err, engineerr.KeyshareLocked, engineerr.NoCulprit, false)

	rf, err := testvec.RunRefresh(testvec.DefaultRefresh(ks))
	require.NoError(t, err)
	requireLocked(t, rf.Keyshares[0], false, 0, 0)
	run, err := testvec.RunSign(testvec.DefaultSign1(rf.Keyshares))
	require.NoError(t, err)
	checkSignature(t, run.Signatures[0], testvec.Sign1Digest, run.Derived.Key)
	require.Equal(t, "03a7835177534e47efb88624b1e3d645f8ede1b402d1d40ac5ee69790dc41ab89c", hex.EncodeToString(run.Derived.Key[:]))
}
