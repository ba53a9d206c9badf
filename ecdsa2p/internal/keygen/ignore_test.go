package keygen_test

import (
	"bytes"
	"encoding/hex"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/engineerr"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/testrng"
)

// A tampered σ in K1 makes the parties derive different sid_kg: each then ignores the other's
// K2 (wrong binding, class (a)), and the driver's timeout ends the session with no culprit.
func TestKeygenTamperedSigmaIsIgnored(t *testing.T) {
	ps := start(t)
	ps.p[1][0] = flip(k1Sigma)(ps.p[1][0])
	ps.round1(t)
	_, _, err := ps.r2[0].Next(ps.p[2][1])
	requireIgnored(t, err)
	_, _, err = ps.r2[1].Next(ps.p[2][0])
	requireIgnored(t, err)
}

// N24 (for keygen): a second, different payload for a round already accepted is
// Equivocation (blame the peer, no lock); an identical duplicate is ignored.
func TestN24_KeygenEquivocation(t *testing.T) {
	ps := start(t)
	ps.round1(t)
	_, _, err := ps.r2[0].Next(ps.p[1][1])
	requireIgnored(t, err)
	other := flip(k1C)(bytes.Clone(ps.p[1][1]))
	_, _, err = ps.r2[0].Next(other)
	requireAbort(t, err, 2, engineerr.Equivocation, 1)

	_, _, err = ps.r2[1].Next(ps.p[1][0])
	requireIgnored(t, err)
	ps.r3[1], ps.p[3][1], err = ps.r2[1].Next(ps.p[2][0])
	require.NoError(t, err)
	_, _, err = ps.r3[1].Next(ps.p[2][0])
	requireIgnored(t, err)
	_, _, err = ps.r3[1].Next(flip(k2Msg1 + 100)(bytes.Clone(ps.p[2][0])))
	requireAbort(t, err, 3, engineerr.Equivocation, 0)
}

// N25: junk, a wrong version, a wrong type, a wrong binding, a payload for a later round and
// a duplicate of a finished round are dropped without touching the state; the session then
// completes with exactly the known-answer outputs.
func TestN25_IgnoredInputs(t *testing.T) {
	ps := start(t)
	junk := func(r int, from int) [][]byte {
		real := ps.p[r][from]
		var out [][]byte
		out = append(out, nil, []byte{0x01}, bytes.Repeat([]byte{0xab}, 200), real[:33])
		v := bytes.Clone(real)
		v[0] = 0x02
		out = append(out, v)
		for _, typ := range []byte{0x00, 0x10, 0x15, 0x21, 0x31, 0x7f, 0x51} {
			w := bytes.Clone(real)
			w[1] = typ
			out = append(out, w)
		}
		if r > 1 {
			b := bytes.Clone(real)
			b[offBinding+31] ^= 0x40
			out = append(out, b)
			for pr := 1; pr < r; pr++ {
				out = append(out, ps.p[pr][from]) // duplicate of an accepted round
			}
		}
		if r < 4 && ps.p[r+1][from] != nil {
			out = append(out, ps.p[r+1][from])
		}
		return out
	}
	for i := range 2 {
		for _, p := range junk(1, 1-i) {
			_, _, err := ps.r1[i].Next(p)
			requireIgnored(t, err)
		}
	}
	ps.round1(t)
	for i := range 2 {
		for _, p := range junk(2, 1-i) {
			_, _, err := ps.r2[i].Next(p)
			requireIgnored(t, err)
		}
	}
	ps.round2(t)
	for i := range 2 {
		for _, p := range junk(3, 1-i) {
			_, _, err := ps.r3[i].Next(p)
			requireIgnored(t, err)
		}
	}
	ps.round3(t)
	for i := range 2 {
		for _, p := range junk(4, 1-i) {
			_, err := ps.r4[i].Next(p)
			requireIgnored(t, err)
		}
	}
	for i := range 2 {
		ks, err := ps.r4[i].Next(ps.p[4][1-i])
		require.NoError(t, err)
		want := map[int]string{0: katKeygen[10].Hex, 1: katKeygen[11].Hex}[i]
		x := ks.Share().Bytes()
		require.Equal(t, want, hex.EncodeToString(x[:]))
		for r := 1; r <= 4; r++ {
			require.Equal(t, katKeygen[2*r+i].Hex, sha(ps.p[r][i]))
		}
	}
}

// N32: the peer's K4 never arrives: the party stores the keyshare PENDING (and reports
// Incomplete); the late K4 makes it ACTIVE; a wrong late K4 is ConfirmationMismatch.
func TestN32_MissingK4Pending(t *testing.T) {
	ps := start(t)
	ps.round1(t)
	ps.round2(t)
	ps.round3(t)
	ks, late, err := ps.r4[0].Pending()
	require.NoError(t, err)
	require.True(t, ks.Pending())
	_, err = ps.r4[0].Next(ps.p[4][1])
	require.ErrorIs(t, err, engineerr.ErrStateConsumed, "Pending consumes the state")

	// The PENDING keyshare survives storage.
	stored := ks.Marshal()
	require.Equal(t, byte(0x04), stored[7], "status PENDING")

	requireIgnored(t, late.Check(ps.p[4][0][:10]))
	wrongBinding := flip(offBinding)(bytes.Clone(ps.p[4][1]))
	requireIgnored(t, late.Check(wrongBinding))
	err = late.Check(flip(k4Conf)(bytes.Clone(ps.p[4][1])))
	requireAbort(t, err, 4, engineerr.ConfirmationMismatch, 1)
	err = late.Check(append(bytes.Clone(ps.p[4][1]), 0))
	requireAbort(t, err, 4, engineerr.MalformedPayload, 1)
	require.NoError(t, late.Check(ps.p[4][1]))
	ks.Activate()
	require.False(t, ks.Pending())

	// The peer, which did get K4, holds the same key ACTIVE.
	ks1, err := ps.r4[1].Next(ps.p[4][0])
	require.NoError(t, err)
	require.False(t, ks1.Pending())
	require.Equal(t, ks.PublicKey(), ks1.PublicKey())
	require.Equal(t, ks.ShareID(), ks1.ShareID())
}

// §12.1 item 15: arbitrary bytes at any round never panic (see also the fuzz targets).
func TestKeygenRandomPayloadsNeverPanic(t *testing.T) {
	r := testrng.New("keygen/random-payloads")
	ps := start(t)
	for range 50 {
		n := int(r.Bytes(2)[0]) * 2
		p := r.Bytes(n + 1)[:n]
		_, _, err := ps.r1[0].Next(p)
		require.Error(t, err)
	}
}
