package sign_test

import (
	"bytes"
	"encoding/hex"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/engineerr"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/sign"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/testrng"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/testvec"
)

func requireIgnored(t *testing.T, err error, what string) {
	t.Helper()
	require.True(t, errors.Is(err, engineerr.ErrIgnore), "%s: want ignored, got %v", what, err)
}

// junk returns class-(a) variants of the payload p offered in round r: another binding (N9),
// another version, a type from another operation, a short payload, and a payload of a round
// more than one ahead.
func junk(p []byte) map[string][]byte {
	m := map[string][]byte{}
	b := bytes.Clone(p)
	b[2] ^= 1
	m["wrong binding"] = b
	b = bytes.Clone(p)
	b[0] = 0x02
	m["version"] = b
	b = bytes.Clone(p)
	b[1] = 0x12 // a keygen type
	m["keygen type"] = b
	b = bytes.Clone(p)
	b[1] = 0x7f
	m["reserved type"] = b
	m["short"] = p[:33]
	m["empty"] = nil
	return m
}

// TestN9_N25_IgnoredInput drives both parties by hand and offers P1 class-(a) input before
// every real payload: every one is ignored without touching the state, and the session still
// ends in the known-answer signature of 12.4(d).
func TestN9_N25_IgnoredInput(t *testing.T) {
	t.Parallel()
	ks := katKeyshares(t)
	in := testvec.DefaultSign1(ks)
	var r1 [2]*sign.Round1
	for i := range 2 {
		var err error
		r1[i], err = sign.NewPresign(ks[i], in.Instance, in.Path, testrng.New(in.Seeds[i]))
		require.NoError(t, err)
	}
	s1 := [2][]byte{r1[0].Payload(), r1[1].Payload()}
	for what, p := range junk(s1[1]) {
		if what == "wrong binding" {
			continue // round 1: another setup digest is SetupMismatch (N1), not ignored
		}
		_, _, err := r1[0].Next(p)
		requireIgnored(t, err, "S1 "+what)
	}
	ahead := bytes.Clone(s1[1])
	ahead[1] = sign.TypeS3
	_, _, err := r1[0].Next(ahead)
	requireIgnored(t, err, "S3 while in round 1")

	var r2 [2]*sign.Round2
	var s2 [2][]byte
	for i := range 2 {
		r2[i], s2[i], err = r1[i].Next(s1[1-i])
		require.NoError(t, err)
	}
	for what, p := range junk(s2[1]) {
		_, _, err := r2[0].Next(p)
		requireIgnored(t, err, "S2 "+what)
	}
	_, _, err = r2[0].Next(s1[1]) // a byte-identical duplicate of S1
	requireIgnored(t, err, "duplicate S1")
	_, _, err = r1[0].Next(s1[1]) // the used state
	engineErr(t, err, engineerr.Internal, engineerr.NoCulprit, false)

	var r3 [2]*sign.Round3
	var s3 [2][]byte
	for i := range 2 {
		r3[i], s3[i], err = r2[i].Next(s2[1-i])
		require.NoError(t, err)
	}
	for what, p := range junk(s3[1]) {
		_, err := r3[0].Next(p)
		requireIgnored(t, err, "S3 "+what)
	}
	_, err = r3[0].Next(s2[1])
	requireIgnored(t, err, "duplicate S2")

	var pre [2]*sign.Presignature
	for i := range 2 {
		pre[i], err = r3[i].Next(s3[1-i])
		require.NoError(t, err)
	}
	var r4 [2]*sign.Round4
	var s4 [2][]byte
	for i := range 2 {
		r4[i], s4[i], err = sign.Finish(ks[i], pre[i], in.Digest[i])
		require.NoError(t, err)
	}
	for what, p := range junk(s4[1]) {
		_, err := r4[0].Next(p)
		requireIgnored(t, err, "S4 "+what)
	}
	_, err = r4[0].Next(s3[1]) // a presign payload offered to finish
	requireIgnored(t, err, "S3 offered to finish")
	sig, err := r4[0].Next(s4[1])
	require.NoError(t, err)
	require.Equal(t, "3968a7ec519b7dfb491e6080430cf377a788c90d42cdef2032bd7c3c30c52468", hex.EncodeToString(sig.S[:]))
	_, err = r4[0].Next(s4[1]) // a payload for a finished round
	engineErr(t, err, engineerr.Internal, engineerr.NoCulprit, false)
	requireLocked(t, ks[0], false, 0, 0)
}

// TestN24_Equivocation: a second, different authenticated payload for a round already
// accepted aborts with Equivocation, blames the peer and does not lock; a byte-identical
// duplicate is ignored (above).
func TestN24_Equivocation(t *testing.T) {
	t.Parallel()
	for _, round := range []int{1, 2} {
		ks := katKeyshares(t)
		in := testvec.DefaultSign1(ks)
		var r1 [2]*sign.Round1
		for i := range 2 {
			var err error
			r1[i], err = sign.NewPresign(ks[i], in.Instance, in.Path, testrng.New(in.Seeds[i]))
			require.NoError(t, err)
		}
		s1 := [2][]byte{r1[0].Payload(), r1[1].Payload()}
		var r2 [2]*sign.Round2
		var s2 [2][]byte
		var err error
		for i := range 2 {
			r2[i], s2[i], err = r1[i].Next(s1[1-i])
			require.NoError(t, err)
		}
		if round == 1 {
			p := bytes.Clone(s1[1])
			p[len(p)-1] ^= 1
			_, _, err = r2[0].Next(p)
		} else {
			r3, _, err2 := r2[0].Next(s2[1])
			require.NoError(t, err2)
			p := bytes.Clone(s2[1])
			p[len(p)-1] ^= 1
			_, err = r3.Next(p)
		}
		e := engineErr(t, err, engineerr.Equivocation, 1, false)
		require.Equal(t, round+1, e.Round)
		requireLocked(t, ks[0], false, 0, 0)
	}
}

// TestN1_SetupMismatch: another path, share generation or identity makes the setup digests
// differ: SetupMismatch, no culprit, no lock.
func TestN1_SetupMismatch(t *testing.T) {
	t.Parallel()
	ks := katKeyshares(t)
	a, err := sign.NewPresign(ks[0], testvec.Sign1Instance, testvec.Sign1Path, testrng.New("a"))
	require.NoError(t, err)
	for _, tc := range []struct {
		name string
		inst [32]byte
		path []uint32
	}{
		{"path", testvec.Sign1Instance, []uint32{0, 2}},
		{"instance", testvec.Sign2Instance, testvec.Sign1Path},
		{"root path", testvec.Sign1Instance, nil},
	} {
		b, err := sign.NewPresign(ks[1], tc.inst, tc.path, testrng.New("b"))
		require.NoError(t, err)
		a2, err := sign.NewPresign(ks[0], testvec.Sign1Instance, testvec.Sign1Path, testrng.New("a"))
		require.NoError(t, err)
		_, _, err = a2.Next(b.Payload())
		engineErr(t, err, engineerr.SetupMismatch, engineerr.NoCulprit, false)
	}
	_ = a
	requireLocked(t, ks[0], false, 0, 0)
}
