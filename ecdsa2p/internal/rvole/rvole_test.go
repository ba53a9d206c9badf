package rvole

import (
	"encoding/hex"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tandem-mpc/tandem/ecdsa2p/internal/ote"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/testrng"
	"github.com/tandem-mpc/tandem/internal/secp"
	"github.com/tandem-mpc/tandem/internal/transcript"
)

func scalarFromHex(t testing.TB, h string) *secp.Scalar {
	t.Helper()
	b, err := hex.DecodeString(h)
	require.NoError(t, err)
	s, err := secp.NewScalar().SetCanonicalBytes(b)
	require.NoError(t, err)
	return s
}

// run performs one RVOLE over a fresh extension and returns χ, c and d.
func run(t testing.TB, seed string, a0, a1 *secp.Scalar) (chi, c0, c1, d0, d1 *secp.Scalar) {
	t.Helper()
	recvOut, sendOut := extension(t, seed)
	r, chi, err := NewReceiver(recvOut)
	require.NoError(t, err)
	msg, c0, c1, err := Send(sendOut, a0, a1, testrng.New("rvole/eta/"+seed))
	require.NoError(t, err)
	require.Len(t, msg, MsgSize)
	m, err := r.ParseMessage(msg)
	require.NoError(t, err)
	d0, d1, err = r.Finish(m)
	require.NoError(t, err)
	return chi, c0, c1, d0, d1
}

// TestCorrectness is PROTOCOL.md §12.1 item 8: c_k + d_k = a_k·χ for random inputs and for the
// edge inputs 0, 1 and n−1, over many seeds.
func TestCorrectness(t *testing.T) {
	nMinus1 := scalarFromHex(t, "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140")
	one := secp.NewScalar().SetUint64(1)
	zero := secp.NewScalar()
	rnd := testrng.New("rvole/inputs")
	cases := [][2]*secp.Scalar{{zero, zero}, {one, nMinus1}, {nMinus1, one}, {zero, one}}
	n := 6
	if testing.Short() || raceEnabled {
		n = 1
	}
	for range n {
		cases = append(cases, [2]*secp.Scalar{rnd.RandomScalar(), rnd.RandomScalar()})
	}
	for i, a := range cases {
		chi, c0, c1, d0, d1 := run(t, fmt.Sprintf("correct-%d", i), a[0], a[1])
		for k, cd := range [][2]*secp.Scalar{{c0, d0}, {c1, d1}} {
			sum := secp.NewScalar().Add(cd[0], cd[1])
			want := secp.NewScalar().Mul(a[k], chi)
			require.Equal(t, 1, sum.Equal(want), "case %d, k=%d: c+d ≠ a·χ", i, k)
		}
	}
}

// TestChi checks χ = Σ β_j·g_j against a direct computation with transcript.H2S.
func TestChi(t *testing.T) {
	recvOut, _ := extension(t, "chi")
	sid := recvOut.Session().ID()
	want := secp.NewScalar()
	for j := range ote.OTs {
		jb := transcript.U16(uint16(j))
		g := transcript.H2S(transcript.LabelRVOLEGadget, sid[:], jb[:])
		if recvOut.Choice(j) == 1 {
			want.Add(want, g)
		}
	}
	_, chi, err := NewReceiver(recvOut)
	require.NoError(t, err)
	require.Equal(t, 1, chi.Equal(want))
}

// TestMessageLayout checks RV = Ã ‖ sc(η) ‖ μ against the equations of §6.2 recomputed here
// from the pads.
func TestMessageLayout(t *testing.T) {
	recvOut, sendOut := extension(t, "layout")
	sid := sendOut.Session().ID()
	alpha0, alpha1 := *sendOut.Pads0(), *sendOut.Pads1()
	a0, a1 := secp.NewScalar().SetUint64(7), secp.NewScalar().SetUint64(11)
	msg, _, _, err := Send(sendOut, a0, a1, testrng.New("rvole/layout"))
	require.NoError(t, err)
	etaHat := testrng.New("rvole/layout").RandomScalar()
	in := []*secp.Scalar{a0, a1, etaHat}
	var atilde []byte
	for j := range ote.OTs {
		for k := range ote.Width {
			v := secp.NewScalar().Sub(alpha0[j][k].Secp(), alpha1[j][k].Secp())
			v.Add(v, in[k])
			b := v.Bytes()
			atilde = append(atilde, b[:]...)
		}
	}
	require.Equal(t, atilde, msg[:ATildeSize])
	d := transcript.H(transcript.LabelRVOLEATilde, sid[:], atilde)
	th := [2]*secp.Scalar{}
	for k := range th {
		kb := transcript.U8(uint8(k))
		th[k] = transcript.H2S(transcript.LabelRVOLETheta, sid[:], d[:], kb[:])
	}
	eta := secp.NewScalar().Mul(th[0], a0)
	eta.Add(eta, secp.NewScalar().Mul(th[1], a1))
	eta.Add(eta, etaHat)
	etaB := eta.Bytes()
	require.Equal(t, etaB[:], msg[ATildeSize:ATildeSize+32])
	var nBytes []byte
	for j := range ote.OTs {
		v := secp.NewScalar().Mul(th[0], alpha0[j][0].Secp())
		v.Add(v, secp.NewScalar().Mul(th[1], alpha0[j][1].Secp()))
		v.Add(v, alpha0[j][2].Secp())
		b := v.Bytes()
		nBytes = append(nBytes, b[:]...)
	}
	mu := transcript.H(transcript.LabelRVOLEMu, sid[:], nBytes)
	require.Equal(t, mu[:], msg[ATildeSize+32:])
	_ = recvOut
}

func requireCheckFailed(t *testing.T, err error, culprit uint8) {
	t.Helper()
	require.ErrorIs(t, err, ErrCheckFailed)
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.True(t, e.Lock())
	assert.Equal(t, culprit, e.Culprit)
	assert.Equal(t, uint8(CodeRVOLECheckFailed), e.Code())
}

func requireMalformed(t *testing.T, err error, culprit uint8) {
	t.Helper()
	require.ErrorIs(t, err, ErrMalformed)
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.False(t, e.Lock())
	assert.Equal(t, culprit, e.Culprit)
	assert.Equal(t, uint8(CodeMalformedPayload), e.Code())
}

// honest returns a receiver state and the honest sender message for it.
func honest(t testing.TB, seed string) (*ote.ReceiverOutput, []byte) {
	t.Helper()
	recvOut, sendOut := extension(t, seed)
	msg, _, _, err := Send(sendOut, secp.NewScalar().SetUint64(3), secp.NewScalar().SetUint64(5), testrng.New("rvole/eta"))
	require.NoError(t, err)
	return recvOut, msg
}

// finishWith runs part 2 on msg with a fresh copy of the (unclaimed) receiver output base.
func finishWith(t *testing.T, base *ote.ReceiverOutput, msg []byte) error {
	t.Helper()
	recvOut := new(ote.ReceiverOutput)
	*recvOut = *base
	r, _, err := NewReceiver(recvOut)
	require.NoError(t, err)
	m, err := r.ParseMessage(msg)
	if err != nil {
		return err
	}
	_, _, err = r.Finish(m)
	return err
}

// TestTamper: a change to any ã, to η or to μ fails the μ check with a locking error that
// blames S (PROTOCOL.md §6.3 step 5, §10.2).
func TestTamper(t *testing.T) {
	base, msg := honest(t, "tamper")
	require.NoError(t, finishWith(t, base, msg))
	culprit := uint8(0) // S of the correlation (R=1, S=0) used by extension

	// Adding 1 to a scalar keeps it canonical except for n−1, which is astronomically rare.
	bump := func(off int) []byte {
		m := append([]byte(nil), msg...)
		s, err := secp.NewScalar().SetCanonicalBytes(m[off : off+32])
		require.NoError(t, err)
		s.Add(s, secp.NewScalar().SetUint64(1))
		b := s.Bytes()
		copy(m[off:], b[:])
		return m
	}
	step := 1
	if testing.Short() || raceEnabled {
		step = 97 // coprime to 3: samples every column k
	}
	for i := 0; i < ote.OTs*ote.Width; i += step {
		requireCheckFailed(t, finishWith(t, base, bump(32*i)), culprit)
	}
	requireCheckFailed(t, finishWith(t, base, bump(ATildeSize)), culprit)
	mu := append([]byte(nil), msg...)
	mu[len(mu)-1] ^= 0x80
	requireCheckFailed(t, finishWith(t, base, mu), culprit)
}

// TestInconsistentSender is N13: a malicious sender uses a_0 in rows < 256 and a_0 + 1 in rows
// ≥ 256, and computes θ, η and μ from its own Ã.
func TestInconsistentSender(t *testing.T) {
	const seed = "n13"
	recvOut, sendOut := extension(t, seed)
	sid := sendOut.Session().ID()
	alpha0, alpha1 := sendOut.Pads0(), sendOut.Pads1()
	a0, a1 := secp.NewScalar().SetUint64(3), secp.NewScalar().SetUint64(5)
	a0b := secp.NewScalar().SetUint64(4)
	etaHat := secp.NewScalar().SetUint64(99)
	msg := make([]byte, 0, MsgSize)
	for j := range ote.OTs {
		in := []*secp.Scalar{a0, a1, etaHat}
		if j >= 256 {
			in[0] = a0b
		}
		for k := range ote.Width {
			v := secp.NewScalar().Sub(alpha0[j][k].Secp(), alpha1[j][k].Secp())
			v.Add(v, in[k])
			b := v.Bytes()
			msg = append(msg, b[:]...)
		}
	}
	th0m, th1m := theta(&sid, msg)
	th0, th1 := th0m.Secp(), th1m.Secp()
	eta := secp.NewScalar().Mul(th0, a0)
	eta.Add(eta, secp.NewScalar().Mul(th1, a1))
	eta.Add(eta, etaHat)
	etaB := eta.Bytes()
	msg = append(msg, etaB[:]...)
	var nb []byte
	for j := range ote.OTs {
		v := secp.NewScalar().Mul(th0, alpha0[j][0].Secp())
		v.Add(v, secp.NewScalar().Mul(th1, alpha0[j][1].Secp()))
		v.Add(v, alpha0[j][2].Secp())
		b := v.Bytes()
		nb = append(nb, b[:]...)
	}
	mu := transcript.H(transcript.LabelRVOLEMu, sid[:], nb)
	msg = append(msg, mu[:]...)

	r, _, err := NewReceiver(recvOut)
	require.NoError(t, err)
	m, err := r.ParseMessage(msg)
	require.NoError(t, err)
	_, _, err = r.Finish(m)
	requireCheckFailed(t, err, 0)
}

// TestMalformed: wrong lengths and non-canonical ã or η give MalformedPayload (no lock), and
// parsing does not consume the state.
func TestMalformed(t *testing.T) {
	const seed = "malformed"
	recvOut, msg := honest(t, seed)
	r, _, err := NewReceiver(recvOut)
	require.NoError(t, err)
	for _, n := range []int{0, 1, MsgSize - 1, MsgSize + 1} {
		m := make([]byte, n)
		copy(m, msg)
		_, err := r.ParseMessage(m)
		requireMalformed(t, err, 0)
	}
	nonCanonical := []string{
		"fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141", // n
		"fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364142", // n+1
		"ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", // 2^256−1
	}
	// Every ã and η, each with one of the non-canonical values.
	m := append([]byte(nil), msg...)
	for off := 0; off <= ATildeSize; off += 32 {
		v, err := hex.DecodeString(nonCanonical[(off/32)%len(nonCanonical)])
		require.NoError(t, err)
		saved := append([]byte(nil), m[off:off+32]...)
		copy(m[off:], v)
		_, err = r.ParseMessage(m)
		requireMalformed(t, err, 0)
		copy(m[off:], saved)
	}
	parsed, err := r.ParseMessage(msg)
	require.NoError(t, err, "parse failures leave the state usable")
	_, _, err = r.Finish(parsed)
	require.NoError(t, err)
}

func TestSingleUse(t *testing.T) {
	recvOut, sendOut := extension(t, "reuse")
	a := secp.NewScalar().SetUint64(1)
	msg, _, _, err := Send(sendOut, a, a, testrng.New("x"))
	require.NoError(t, err)
	_, _, _, err = Send(sendOut, a, a, testrng.New("x"))
	require.ErrorIs(t, err, ote.ErrReused, "an extension serves one RVOLE")

	r, _, err := NewReceiver(recvOut)
	require.NoError(t, err)
	_, _, err = NewReceiver(recvOut)
	require.ErrorIs(t, err, ote.ErrReused)
	m, err := r.ParseMessage(msg)
	require.NoError(t, err)
	_, _, err = r.Finish(m)
	require.NoError(t, err)
	_, _, err = r.Finish(m)
	require.ErrorIs(t, err, ErrReused)

	// A message parsed under another session is refused.
	recv2, _ := extension(t, "other")
	r2, _, err := NewReceiver(recv2)
	require.NoError(t, err)
	_, _, err = r2.Finish(m)
	require.ErrorIs(t, err, ErrInvalidInput)

	// Wipe ends an abandoned state.
	recv3, _ := extension(t, "wiped")
	r3, _, err := NewReceiver(recv3)
	require.NoError(t, err)
	m3, err := r3.ParseMessage(msg)
	require.NoError(t, err)
	r3.Wipe()
	r3.Wipe()
	_, _, err = r3.Finish(m3)
	require.ErrorIs(t, err, ErrReused)
	require.Equal(t, [ote.ChoiceBytes]byte{}, *recv3.Choices(), "β′ wiped")

	_, _, _, err = Send(nil, a, a, testrng.New("x"))
	require.Error(t, err)
	_, _, err = NewReceiver(nil)
	require.Error(t, err)
}

// TestReplayAcrossSessions: an RV made for one session fails the μ check in another (θ, μ and
// the pads are all bound to sid_ote).
func TestReplayAcrossSessions(t *testing.T) {
	_, msg := honest(t, "replay-a")
	other, _ := extension(t, "replay-b")
	r, _, err := NewReceiver(other)
	require.NoError(t, err)
	m, err := r.ParseMessage(msg)
	require.NoError(t, err)
	_, _, err = r.Finish(m)
	requireCheckFailed(t, err, 0)
}
