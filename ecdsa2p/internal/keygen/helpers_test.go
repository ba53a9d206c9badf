package keygen_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/engineerr"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/keygen"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/testrng"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/testvec"
	"github.com/tandem-mpc/tandem/internal/secp"
)

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// parties holds both parties' states, advanced in lock-step by the test.
type parties struct {
	r1 [2]*keygen.Round1
	r2 [2]*keygen.Round2
	r3 [2]*keygen.Round3
	r4 [2]*keygen.Round4
	p  [5][2][]byte // p[r][i]: party i's payload of round r
}

// start returns both parties after K1 with the §12.4(d) inputs.
func start(t testing.TB) *parties {
	t.Helper()
	in := testvec.DefaultKeygen()
	ps := new(parties)
	for i := range 2 {
		var err error
		ps.r1[i], err = keygen.New(in.Instance, uint8(i), in.ID0, in.ID1, testrng.New(in.Seeds[i]))
		require.NoError(t, err)
		ps.p[1][i] = ps.r1[i].Payload()
	}
	return ps
}

func (ps *parties) round1(t testing.TB) {
	t.Helper()
	for i := range 2 {
		var err error
		ps.r2[i], ps.p[2][i], err = ps.r1[i].Next(ps.p[1][1-i])
		require.NoError(t, err)
	}
}

func (ps *parties) round2(t testing.TB) {
	t.Helper()
	for i := range 2 {
		var err error
		ps.r3[i], ps.p[3][i], err = ps.r2[i].Next(ps.p[2][1-i])
		require.NoError(t, err)
	}
}

func (ps *parties) round3(t testing.TB) {
	t.Helper()
	for i := range 2 {
		var err error
		ps.r4[i], ps.p[4][i], err = ps.r3[i].Next(ps.p[3][1-i])
		require.NoError(t, err)
	}
}

// requireAbort asserts err is an *engineerr.Error with the given round, code and culprit.
func requireAbort(t testing.TB, err error, round int, code engineerr.Code, culprit int) {
	t.Helper()
	require.Error(t, err)
	var e *engineerr.Error
	require.True(t, errors.As(err, &e), "not an engine error: %v", err)
	require.Equal(t, code, e.Code, "%v", err)
	require.Equal(t, culprit, e.Culprit, "%v", err)
	require.Equal(t, round, e.Round, "%v", err)
	require.Equal(t, "keygen", e.Op)
	require.False(t, e.Locked, "keygen failures never lock")
	require.ErrorIs(t, err, code)
	require.NotErrorIs(t, err, engineerr.ErrIgnore)
}

func requireIgnored(t testing.TB, err error) {
	t.Helper()
	require.ErrorIs(t, err, engineerr.ErrIgnore)
	var e *engineerr.Error
	require.False(t, errors.As(err, &e), "an ignored input is not an abort: %v", err)
}

// rngAfter returns party i's TestRNG stream of the keygen vector positioned after the given
// draws: "k1" (σ, x, cc, ω) or "nonce" (and the Schnorr nonce). It also returns x_i.
func rngAfter(t testing.TB, i int, upto string) (*testrng.RNG, *secp.Scalar) {
	t.Helper()
	r := testrng.New(testvec.KeygenSeeds[i])
	r.RandomBytes(make([]byte, 32))
	x := r.RandomScalar()
	r.RandomBytes(make([]byte, 64))
	if upto == "nonce" {
		_ = r.RandomScalar()
	}
	return r, x
}

// choiceBits returns party i's base-OT choice bits cb (the first draw after the Schnorr nonce).
func choiceBits(t testing.TB, i int) [32]byte {
	r, _ := rngAfter(t, i, "nonce")
	var cb [32]byte
	r.RandomBytes(cb[:])
	return cb
}

// runTampered runs the §12.4(d) keygen with the payload of round r sent by party from
// replaced by tamper's result. In every round the receiver of the tampered payload (the
// victim) goes first, and the run stops at the first error, so a failing case costs only the
// work up to the failing check.
func runTampered(r int, from uint8, tamper func(p []byte) []byte) (*parties, error) {
	ps := new(parties)
	in := testvec.DefaultKeygen()
	for i := range 2 {
		var err error
		if ps.r1[i], err = keygen.New(in.Instance, uint8(i), in.ID0, in.ID1, testrng.New(in.Seeds[i])); err != nil {
			return ps, err
		}
		ps.p[1][i] = ps.r1[i].Payload()
	}
	victim := 1 - from
	deliver := func(rr int, to uint8) []byte {
		p := ps.p[rr][1-to]
		if rr == r && to == victim {
			p = tamper(bytes.Clone(p))
		}
		return p
	}
	for _, i := range []uint8{victim, from} {
		var err error
		if ps.r2[i], ps.p[2][i], err = ps.r1[i].Next(deliver(1, i)); err != nil {
			return ps, err
		}
	}
	for _, i := range []uint8{victim, from} {
		var err error
		if ps.r3[i], ps.p[3][i], err = ps.r2[i].Next(deliver(2, i)); err != nil {
			return ps, err
		}
	}
	for _, i := range []uint8{victim, from} {
		var err error
		if ps.r4[i], ps.p[4][i], err = ps.r3[i].Next(deliver(3, i)); err != nil {
			return ps, err
		}
	}
	for _, i := range []uint8{victim, from} {
		if _, err := ps.r4[i].Next(deliver(4, i)); err != nil {
			return ps, err
		}
	}
	return ps, nil
}

// sides returns the senders to tamper for the k-th case of a table: both parties, or under the
// race detector (or -short) only one, alternating with k.
func sides(k int) []uint8 {
	if raceEnabled || testing.Short() {
		return []uint8{uint8(k % 2)}
	}
	return []uint8{0, 1}
}
