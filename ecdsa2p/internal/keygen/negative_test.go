package keygen_test

import (
	"bytes"
	"encoding/hex"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/engineerr"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/keygen"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/ot"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/schnorr"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/testrng"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/testvec"
	"github.com/tandem-mpc/tandem/internal/secp"
	"github.com/tandem-mpc/tandem/internal/transcript"
)

// Offsets of the fields of K1–K4 (PROTOCOL.md §7), header included.
const (
	offBinding = 2
	k1Sigma    = keygen.HeaderSize
	k1C        = k1Sigma + 32
	k2X        = keygen.HeaderSize
	k2CC       = k2X + 33
	k2Omega    = k2CC + 32
	k2T        = k2Omega + 32
	k2S        = k2T + 33
	k2Msg1     = k2S + 32
	k3Msg2     = keygen.HeaderSize
	k3Corr     = k3Msg2 + ot.BaseOTMsg2Size
	k3TTilde   = k3Corr + ot.CorrectionsSize
	k3STilde   = k3TTilde + ot.TTildeSize
	k4Conf     = keygen.HeaderSize
)

func katSID(t testing.TB) [32]byte {
	b, err := hex.DecodeString(katKeygen[1].Hex)
	require.NoError(t, err)
	return [32]byte(b)
}

// offCurve returns a 33-byte compressed encoding whose x is not on the curve.
func offCurve(t testing.TB) []byte {
	for x := byte(1); ; x++ {
		enc := make([]byte, 33)
		enc[0], enc[32] = 0x02, x
		if _, err := new(secp.Point).SetBytes(enc); err != nil {
			return enc
		}
	}
}

func otherPoint(t testing.TB, seed string) []byte {
	P := new(secp.Point).ScalarBaseMult(testrng.New(seed).RandomScalar())
	enc, err := P.Bytes()
	require.NoError(t, err)
	return enc[:]
}

func flip(off int) func([]byte) []byte {
	return func(p []byte) []byte { p[off] ^= 0x01; return p }
}

func put(off int, v []byte) func([]byte) []byte {
	return func(p []byte) []byte { copy(p[off:], v); return p }
}

// proofFor returns a valid proof for X_from under the given sid and prover index.
func proofFor(t testing.TB, from int, sid [32]byte, idx uint8) []byte {
	r, x := rngAfter(t, from, "k1")
	X := new(secp.Point).ScalarBaseMult(x)
	pi, err := schnorr.Prove("keygen", sid, idx, secp.NewGeneratorPoint(), X, x, r)
	require.NoError(t, err)
	return pi[:]
}

// N1: the parties disagree on the setup (instance id, identities, roles): SetupMismatch at
// round 1, no culprit, no lock, abort class 2.
func TestN01_SetupMismatch(t *testing.T) {
	in := testvec.DefaultKeygen()
	other := in.Instance
	other[0] ^= 1
	cases := map[string]struct {
		inst     [32]byte
		id0, id1 []byte
	}{
		"instance id":   {other, in.ID0, in.ID1},
		"id_0":          {in.Instance, append([]byte{0x02}, in.ID0[1:]...), in.ID1},
		"id_1 length":   {in.Instance, in.ID0, in.ID1[:32]},
		"both claim P1": {in.Instance, in.ID1, in.ID0},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			p1, err := keygen.New(in.Instance, 0, in.ID0, in.ID1, testrng.New(in.Seeds[0]))
			require.NoError(t, err)
			p2, err := keygen.New(c.inst, 1, c.id0, c.id1, testrng.New(in.Seeds[1]))
			require.NoError(t, err)
			_, _, err = p1.Next(p2.Payload())
			requireAbort(t, err, 1, engineerr.SetupMismatch, engineerr.NoCulprit)
			var e *engineerr.Error
			require.True(t, errors.As(err, &e))
			class, detail := e.AbortClass()
			require.Equal(t, engineerr.ClassMismatch, class)
			require.Equal(t, uint8(0x01), detail)
			require.False(t, e.PeerFault())
			_, _, err = p2.Next(p1.Payload())
			requireAbort(t, err, 1, engineerr.SetupMismatch, engineerr.NoCulprit)
		})
	}
}

type tamperCase struct {
	name    string
	round   int // the round whose payload is tampered
	tamper  func(p []byte) []byte
	atRound int // the round at which the peer aborts
	code    engineerr.Code
}

// runCases tampers each case's payload from each side and checks that the run ends in the
// typed error naming the sender as culprit.
func runCases(t *testing.T, cases []tamperCase) {
	for k, c := range cases {
		for _, from := range sides(k) {
			t.Run(c.name+"/from P"+string('1'+rune(from)), func(t *testing.T) {
				_, err := runTampered(c.round, from, c.tamper)
				requireAbort(t, err, c.atRound, c.code, int(from))
				var e *engineerr.Error
				require.True(t, errors.As(err, &e))
				class, detail := e.AbortClass()
				require.Equal(t, engineerr.ClassPeer, class)
				require.Equal(t, uint8(c.code), detail)
				require.True(t, e.PeerFault())
			})
		}
	}
}

// N2: a different valid X_j, or a changed cc_j or ω_j, or a changed C_j in K1:
// CommitmentMismatch.
func TestN02_CommitmentMismatch(t *testing.T) {
	t.Parallel()
	runCases(t, []tamperCase{
		{"other valid X_j", 2, put(k2X, otherPoint(t, "n02")), 2, engineerr.CommitmentMismatch},
		{"cc_j", 2, flip(k2CC + 5), 2, engineerr.CommitmentMismatch},
		{"omega_j", 2, flip(k2Omega + 31), 2, engineerr.CommitmentMismatch},
		{"C_j in K1", 1, flip(k1C), 2, engineerr.CommitmentMismatch},
	})
}

// N3: s+1 in the PoK; a PoK replayed from another sid_kg or made with the other prover index;
// another valid point as T: SchnorrProofInvalid.
func TestN03_SchnorrProofInvalid(t *testing.T) {
	t.Parallel()
	sid := katSID(t)
	otherSID := sid
	otherSID[7] ^= 0x80
	sPlusOne := func(p []byte) []byte {
		s, err := secp.NewScalar().SetCanonicalBytes(p[k2S : k2S+32])
		require.NoError(t, err)
		s.Add(s, secp.NewScalar().SetUint64(1))
		b := s.Bytes()
		copy(p[k2S:], b[:])
		return p
	}
	cases := []tamperCase{
		{"s+1", 2, sPlusOne, 2, engineerr.SchnorrProofInvalid},
		{"other valid T", 2, put(k2T, otherPoint(t, "n03")), 2, engineerr.SchnorrProofInvalid},
	}
	runCases(t, cases)
	for from := range 2 {
		for name, pi := range map[string][]byte{
			"replayed from another sid_kg": proofFor(t, from, otherSID, uint8(from)),
			"other prover index":           proofFor(t, from, sid, uint8(1-from)),
		} {
			t.Run(name, func(t *testing.T) {
				_, err := runTampered(2, uint8(from), put(k2T, pi))
				requireAbort(t, err, 2, engineerr.SchnorrProofInvalid, from)
			})
		}
	}
}

// N4 (and §10.1 rule 8): malformed fields of K1–K4: MalformedPayload, blame the sender.
func TestN04_MalformedPayload(t *testing.T) {
	t.Parallel()
	nonCanonical := bytes.Repeat([]byte{0xff}, 32)
	runCases(t, []tamperCase{
		{"X_j prefix 04", 2, func(p []byte) []byte { p[k2X] = 0x04; return p }, 2, engineerr.MalformedPayload},
		{"X_j off the curve", 2, put(k2X, offCurve(t)), 2, engineerr.MalformedPayload},
		{"T prefix 00", 2, func(p []byte) []byte { p[k2T] = 0x00; return p }, 2, engineerr.MalformedPayload},
		{"s ≥ n", 2, put(k2S, nonCanonical), 2, engineerr.MalformedPayload},
		{"OTmsg1 point off the curve", 2, put(k2Msg1+33*77, offCurve(t)), 2, engineerr.MalformedPayload},
		{"K1 too long", 1, func(p []byte) []byte { return append(p, 0) }, 1, engineerr.MalformedPayload},
		{"K2 truncated", 2, func(p []byte) []byte { return p[:len(p)-1] }, 2, engineerr.MalformedPayload},
		{"K3 too long", 3, func(p []byte) []byte { return append(p, 0) }, 3, engineerr.MalformedPayload},
		{"K4 truncated", 4, func(p []byte) []byte { return p[:len(p)-1] }, 4, engineerr.MalformedPayload},
	})
}

// N5: r_{t,0} = −H2C(…, r_{t,1}) in OTmsg1, so the sender's M_{t,0} = O: BaseOTInvalid.
func TestN05_BaseOTInvalid(t *testing.T) {
	t.Parallel()
	sid := katSID(t)
	for from := range 2 {
		t.Run("from P"+string(rune('1'+from)), func(t *testing.T) {
			// OTmsg1 of party from is for correlation (R = peer, S = from).
			sidOT, _ := ot.SessionIDs(sid, uint8(1-from), uint8(from))
			const ti = 9
			_, err := runTampered(2, uint8(from), func(p []byte) []byte {
				pair := p[k2Msg1+66*ti:]
				u16 := transcript.U16(ti)
				h := transcript.H2C(transcript.LabelOTH2C, sidOT[:], u16[:], []byte{0}, pair[33:66])
				enc, err := new(secp.Point).Negate(h).Bytes()
				require.NoError(t, err)
				copy(pair[:33], enc[:])
				return p
			})
			requireAbort(t, err, 2, engineerr.BaseOTInvalid, from)
		})
	}
}

// N6: a bit flip in the correction word the receiver uses (side c_h) fails the PPRF proof; a
// flip in the unused side passes K3 processing (and then, since the transcripts differ, the
// confirmation fails).
func TestN06_PPRFCorrectionWord(t *testing.T) {
	t.Parallel()
	for k, bh := range [][2]int{{0, 1}, {37, 2}, {63, 3}} {
		if len(sides(k)) == 1 && k >= 2 {
			break // race/short: two (block, level) pairs, one from each side
		}
		for _, f := range sides(k) {
			from := int(f)
			cb := choiceBits(t, 1-from) // the receiver of from's K3 is the peer
			b, h := bh[0], bh[1]
			c := int(cb[(4*b+h)>>3]>>((4*b+h)&7)) & 1
			off := func(side int) int { return k3Corr + ((b*3+h-1)*2+side)*32 + 3 }
			trim := len(sides(k)) == 1 // race/short: one of the two checks per pair
			t.Run("used side", func(t *testing.T) {
				if trim && k == 1 {
					t.Skip("race/short: the other pair covers it")
				}
				_, err := runTampered(3, uint8(from), flip(off(c)))
				requireAbort(t, err, 3, engineerr.PPRFProofInvalid, from)
			})
			t.Run("unused side", func(t *testing.T) {
				if trim && k == 0 {
					t.Skip("race/short: the other pair covers it")
				}
				ps := start(t)
				ps.round1(t)
				ps.round2(t)
				peer := 1 - from
				k3 := flip(off(1 - c))(bytes.Clone(ps.p[3][from]))
				r4, _, err := ps.r3[peer].Next(k3)
				require.NoError(t, err, "the PPRF proof passes: the receiver never uses side 1−c")
				r4own, k4own, err := ps.r3[from].Next(ps.p[3][peer])
				require.NoError(t, err)
				_, err = r4.Next(k4own)
				requireAbort(t, err, 4, engineerr.ConfirmationMismatch, from)
				_ = r4own
			})
		}
	}
}

// N7: a bit flip in some t̃_b or in s̃: PPRFProofInvalid; a B point off the curve:
// MalformedPayload.
func TestN07_PPRFProofAndBasePoints(t *testing.T) {
	t.Parallel()
	runCases(t, []tamperCase{
		{"t~_0", 3, flip(k3TTilde), 3, engineerr.PPRFProofInvalid},
		{"t~_63", 3, flip(k3TTilde + 63*32 + 31), 3, engineerr.PPRFProofInvalid},
		{"s~", 3, flip(k3STilde + 16), 3, engineerr.PPRFProofInvalid},
		{"B off the curve", 3, put(k3Msg2+66*200+33, offCurve(t)), 3, engineerr.MalformedPayload},
	})
}

// N8: a wrong confirmation, or a local transcript copy changed in one byte:
// ConfirmationMismatch.
func TestN08_ConfirmationMismatch(t *testing.T) {
	t.Parallel()
	runCases(t, []tamperCase{
		{"conf", 4, flip(k4Conf + 9), 4, engineerr.ConfirmationMismatch},
	})
	for r := 1; r <= 3; r++ {
		if (raceEnabled || testing.Short()) && r != 2 {
			continue
		}
		t.Run("local transcript copy", func(t *testing.T) {
			ps := start(t)
			ps.round1(t)
			ps.round2(t)
			keygen.FlipTranscriptByte(ps.r3[0], r)
			ps.round3(t)
			_, err := ps.r4[0].Next(ps.p[4][1])
			requireAbort(t, err, 4, engineerr.ConfirmationMismatch, 1)
			_, err = ps.r4[1].Next(ps.p[4][0])
			requireAbort(t, err, 4, engineerr.ConfirmationMismatch, 0)
		})
	}
}

// A valid but different point in OTmsg1 or OTmsg2 (as a man in the middle would write) gives
// inconsistent OT outputs: the PPRF proof fails at the base-OT receiver, which blames the PPRF
// builder — the only party whose data it can check. Never a panic, never a keyshare.
func TestKeygenValidOTPointSwapped(t *testing.T) {
	t.Parallel()
	_, err := runTampered(2, 0, put(k2Msg1+66*3, otherPoint(t, "swap")))
	requireAbort(t, err, 3, engineerr.PPRFProofInvalid, 1)
	if raceEnabled {
		return
	}
	// B_{3,c_3} of P1's choice bit c_3 (the unused slot would only change the transcript).
	cb := choiceBits(t, 0)
	c3 := int(cb[0]>>3) & 1
	_, err = runTampered(3, 1, put(k3Msg2+66*3+33*c3, otherPoint(t, "swap")))
	requireAbort(t, err, 3, engineerr.PPRFProofInvalid, 1)
	if raceEnabled || testing.Short() {
		return
	}
	_, err = runTampered(3, 1, put(k3Msg2+66*3+33*(1-c3), otherPoint(t, "swap")))
	requireAbort(t, err, 4, engineerr.ConfirmationMismatch, 1)
}
