package sign_test

import (
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/engineerr"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/keyshare"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/ote"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/rvole"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/sign"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/testrng"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/testvec"
	"github.com/tandem-mpc/tandem/internal/secp"
	"github.com/tandem-mpc/tandem/internal/transcript"
)

// maliciousRV is an RVOLE sender written from PROTOCOL.md §6.2 for the harness of N13: it
// extends the victim's OTE with the sender's DeltaSeeds and encodes a_0 in rows < 256 and
// a_0 + skew in rows ≥ 256 (and a_1, η̂ everywhere), then computes θ, η and μ from its own Ã
// and the base inputs, as an honest sender would.
func maliciousRV(t *testing.T, sender *keyshare.Keyshare, signSID [32]byte, victimOTE []byte, a0, a1 *secp.Scalar, skew uint64) []byte {
	t.Helper()
	sess, err := ote.NewSession(signSID, 1-sender.Index(), sender.Index())
	require.NoError(t, err)
	snd, err := ote.NewSender(sess, sender.DeltaSeeds())
	require.NoError(t, err)
	out, err := snd.Extend(victimOTE)
	require.NoError(t, err)
	sid := sess.ID()
	etaHat := secp.NewScalar().SetUint64(5)
	bad := secp.NewScalar().Add(a0, secp.NewScalar().SetUint64(skew))
	p0, p1 := out.Pads0(), out.Pads1()
	atilde := make([]byte, 0, rvole.ATildeSize)
	nRows := make([]byte, 0, 32*ote.OTs)
	for j := range ote.OTs {
		in := [ote.Width]*secp.Scalar{a0, a1, etaHat}
		if j >= 256 {
			in[0] = bad
		}
		for k := range ote.Width {
			a := secp.NewScalar().Sub(p0[j][k].Secp(), p1[j][k].Secp())
			enc := a.Add(a, in[k]).Bytes()
			atilde = append(atilde, enc[:]...)
		}
	}
	nRows = nRows[:32*ote.OTs] // filled below, once θ is known
	D := transcript.H(transcript.LabelRVOLEATilde, sid[:], atilde)
	th0 := transcript.H2S(transcript.LabelRVOLETheta, sid[:], D[:], []byte{0})
	th1 := transcript.H2S(transcript.LabelRVOLETheta, sid[:], D[:], []byte{1})
	for j := range ote.OTs {
		nu := secp.NewScalar().Mul(th0, p0[j][0].Secp())
		nu.Add(nu, secp.NewScalar().Mul(th1, p0[j][1].Secp()))
		enc := nu.Add(nu, p0[j][2].Secp()).Bytes()
		copy(nRows[32*j:], enc[:])
	}
	eta := secp.NewScalar().Mul(th0, a0)
	eta.Add(eta, secp.NewScalar().Mul(th1, a1))
	etaEnc := eta.Add(eta, etaHat).Bytes()
	mu := transcript.H(transcript.LabelRVOLEMu, sid[:], nRows)
	msg := append(atilde, etaEnc[:]...)
	return append(msg, mu[:]...)
}

// TestN13_MaliciousRVOLESender is N13 of §12.2 with a sender harness: rows < 256 encode a_0,
// rows ≥ 256 encode a_0 + 1, with θ, η, μ computed from the sender's own Ã. The victim P1
// aborts RVOLECheckFailed and locks. With skew 0 the same harness passes the RVOLE check, so
// the failure is the inconsistency; its wrong (consistent) inputs are then caught by the Γu
// check.
func TestN13_MaliciousRVOLESender(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		skew uint64
		code engineerr.Code
	}{{1, engineerr.RVOLECheckFailed}, {0, engineerr.NonceConsistencyFailed}} {
		ks := katKeyshares(t)
		in := testvec.DefaultSign1(ks)
		var r1 [2]*sign.Round1
		for i := range 2 {
			var err error
			r1[i], err = sign.NewPresign(ks[i], in.Instance, in.Path, testrng.New(in.Seeds[i]))
			require.NoError(t, err)
		}
		var r2 [2]*sign.Round2
		var s2 [2][]byte
		var err error
		for i := range 2 {
			r2[i], s2[i], err = r1[i].Next(r1[1-i].Payload())
			require.NoError(t, err)
		}
		r3, _, err := r2[0].Next(s2[1])
		require.NoError(t, err)
		_, s3, err := r2[1].Next(s2[0]) // P2's honest S3: R_2, ω_2, Γs and ψ are kept
		require.NoError(t, err)

		rv := maliciousRV(t, ks[1], r3.SessionID(), s2[0][sign.HeaderSize:], secp.NewScalar().SetUint64(7), ks[1].Share(), tc.skew)
		copy(s3[sign.HeaderSize:], rv)
		_, err = r3.Next(s3)
		engineErr(t, err, tc.code, 1, true)
		requireLocked(t, ks[0], true, tc.code, 1)
	}
}
