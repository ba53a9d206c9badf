package sign_test

import (
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/engineerr"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/sign"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/testrng"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/testvec"
	"github.com/tandem-mpc/tandem/internal/secp"
)

// Offsets of the fields the tests tamper with (PROTOCOL.md §8).
const (
	h        = sign.HeaderSize
	s2U      = h            // U: 64 × 80 bytes
	s2XT     = h + 5120     // x̃
	s2TT     = h + 5136     // t̃_0 … t̃_255
	s3RV     = h            // Ã (49,152) ‖ η ‖ μ
	s3Eta    = h + 49152    // η
	s3Mu     = h + 49184    // μ
	s3R      = h + 49216    // pt(R_j)
	s3Omega  = s3R + 33     // ω_j
	s3GU     = s3Omega + 32 // pt(Γu_j)
	s3GV     = s3GU + 33    // pt(Γv_j)
	s3Psi    = s3GV + 33    // sc(ψ_j)
	s4W      = h + 32       // sc(w_j)
	s4U      = s4W + 32     // sc(u′_j)
	peerOfP1 = 1            // the tests tamper with P2's payloads, which P1 processes
)

var ptG = func() [33]byte { b, _ := secp.NewGeneratorPoint().Bytes(); return b }()

// tamperAt returns a Tamper that applies f to P2's round-r payload.
func tamperAt(r int, f func(p []byte) []byte) func(int, uint8, []byte) []byte {
	return func(rr int, from uint8, p []byte) []byte {
		if rr == r && from == peerOfP1 {
			return f(p)
		}
		return p
	}
}

// addOne returns sc(int(b) + 1 mod n) for a canonical 32-byte scalar.
func addOne(b []byte) []byte {
	s, err := secp.NewScalar().SetCanonicalBytes(b)
	if err != nil {
		panic("test: non-canonical scalar")
	}
	out := s.Add(s, secp.NewScalar().SetUint64(1)).Bytes()
	return out[:]
}

// TestNegativeChecks covers the signing rows of §12.2 that a tampered payload of P2 triggers
// at P1: the error, the culprit, and whether P1's keyshare is locked.
func TestNegativeChecks(t *testing.T) {
	t.Parallel()
	type tc struct {
		name   string
		tamper func(int, uint8, []byte) []byte
		hook   func(i int, r1 *sign.Round1)
		digest *[32]byte // P2's e_bytes, if different
		code   engineerr.Code
		lock   bool
		round  int
		blame  bool
	}
	flip := func(off int, bit byte) func(p []byte) []byte {
		return func(p []byte) []byte { p[off] ^= bit; return p }
	}
	set := func(off int, v []byte) func(p []byte) []byte {
		return func(p []byte) []byte { copy(p[off:], v); return p }
	}
	ff := make([]byte, 32)
	for k := range ff {
		ff[k] = 0xff
	}
	other := [32]byte{1}
	tests := []tc{}
	// N10: a bit flip in u_b for four sampled blocks, in x̃, or in some t̃_ι.
	for _, b := range []int{0, 17, 42, 63} {
		tests = append(tests, tc{name: "N10 u_b", tamper: tamperAt(2, flip(s2U+80*b+b%80, 1<<(b%8))), code: engineerr.OTExtensionCheckFailed, lock: true, round: 2, blame: true})
	}
	tests = append(tests,
		tc{name: "N10 x~", tamper: tamperAt(2, flip(s2XT+3, 0x10)), code: engineerr.OTExtensionCheckFailed, lock: true, round: 2, blame: true},
		tc{name: "N10 t~_0", tamper: tamperAt(2, flip(s2TT, 1)), code: engineerr.OTExtensionCheckFailed, lock: true, round: 2, blame: true},
		tc{name: "N10 t~_255", tamper: tamperAt(2, flip(s2TT+16*255+15, 0x80)), code: engineerr.OTExtensionCheckFailed, lock: true, round: 2, blame: true},
		// N11: wrong lengths.
		tc{name: "N11 S2 short", tamper: tamperAt(2, func(p []byte) []byte { return p[:len(p)-1] }), code: engineerr.MalformedPayload, round: 2, blame: true},
		tc{name: "N11 S2 long", tamper: tamperAt(2, func(p []byte) []byte { return append(p, 0) }), code: engineerr.MalformedPayload, round: 2, blame: true},
		tc{name: "N11 S3 short", tamper: tamperAt(3, func(p []byte) []byte { return p[:len(p)-1] }), code: engineerr.MalformedPayload, round: 3, blame: true},
		// N12: R_j not matching C_j.
		tc{name: "N12", tamper: tamperAt(3, set(s3R, ptG[:])), code: engineerr.NonceCommitmentMismatch, lock: true, round: 3, blame: true},
		tc{name: "N12 omega", tamper: tamperAt(3, flip(s3Omega, 1)), code: engineerr.NonceCommitmentMismatch, lock: true, round: 3, blame: true},
		// N13 variants (the harness is in rvole_harness_test.go): a changed row of Ã, η or μ.
		tc{name: "N13 atilde", tamper: tamperAt(3, flip(s3RV+31, 1)), code: engineerr.RVOLECheckFailed, lock: true, round: 3, blame: true},
		tc{name: "N13 eta", tamper: tamperAt(3, func(p []byte) []byte { copy(p[s3Eta:], addOne(p[s3Eta:s3Eta+32])); return p }), code: engineerr.RVOLECheckFailed, lock: true, round: 3, blame: true},
		tc{name: "N13 mu", tamper: tamperAt(3, flip(s3Mu, 1)), code: engineerr.RVOLECheckFailed, lock: true, round: 3, blame: true},
		// N14, N15: a consistent but wrong RVOLE input of P2.
		tc{name: "N14", hook: func(i int, r1 *sign.Round1) {
			if i == 1 {
				sign.SetInputTweak(r1, 1, 0)
			}
		}, code: engineerr.NonceConsistencyFailed, lock: true, round: 3, blame: true},
		tc{name: "N15", hook: func(i int, r1 *sign.Round1) {
			if i == 1 {
				sign.SetInputTweak(r1, 0, 1)
			}
		}, code: engineerr.KeyConsistencyFailed, lock: true, round: 3, blame: true},
		// N16: Γu_j or Γv_j replaced by another valid point.
		tc{name: "N16 gamma_u", tamper: tamperAt(3, set(s3GU, ptG[:])), code: engineerr.NonceConsistencyFailed, lock: true, round: 3, blame: true},
		tc{name: "N16 gamma_v", tamper: tamperAt(3, set(s3GV, ptG[:])), code: engineerr.KeyConsistencyFailed, lock: true, round: 3, blame: true},
		// N17: ψ_j + 1 passes presign and fails the final verification.
		tc{name: "N17", tamper: tamperAt(3, func(p []byte) []byte { copy(p[s3Psi:], addOne(p[s3Psi:])); return p }), code: engineerr.SignatureVerifyFailed, lock: true, round: 4, blame: true},
		// N18: non-canonical ã, η or ψ; invalid points.
		tc{name: "N18 atilde", tamper: tamperAt(3, set(s3RV+32*700, ff)), code: engineerr.MalformedPayload, round: 3, blame: true},
		tc{name: "N18 eta", tamper: tamperAt(3, set(s3Eta, ff)), code: engineerr.MalformedPayload, round: 3, blame: true},
		tc{name: "N18 psi", tamper: tamperAt(3, set(s3Psi, ff)), code: engineerr.MalformedPayload, round: 3, blame: true},
		tc{name: "N18 R_j prefix", tamper: tamperAt(3, set(s3R, []byte{0x04})), code: engineerr.MalformedPayload, round: 3, blame: true},
		tc{name: "N18 gamma_v off curve", tamper: tamperAt(3, set(s3GV+1, ff)), code: engineerr.MalformedPayload, round: 3, blame: true},
		// N19: another digest at the peer.
		tc{name: "N19", digest: &other, code: engineerr.MessageMismatch, round: 4},
		// N20: w_j + 1.
		tc{name: "N20", tamper: tamperAt(4, func(p []byte) []byte { copy(p[s4W:], addOne(p[s4W:s4U])); return p }), code: engineerr.SignatureVerifyFailed, lock: true, round: 4, blame: true},
		tc{name: "N20 u'", tamper: tamperAt(4, func(p []byte) []byte { copy(p[s4U:], addOne(p[s4U:])); return p }), code: engineerr.SignatureVerifyFailed, lock: true, round: 4, blame: true},
		tc{name: "S4 non-canonical w", tamper: tamperAt(4, set(s4W, ff)), code: engineerr.MalformedPayload, round: 4, blame: true},
		tc{name: "S4 short", tamper: tamperAt(4, func(p []byte) []byte { return p[:len(p)-1] }), code: engineerr.MalformedPayload, round: 4, blame: true},
	)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ks := katKeyshares(t)
			in := testvec.DefaultSign1(ks)
			in.Tamper, in.Hook = tt.tamper, tt.hook
			if tt.digest != nil {
				in.Digest[1] = *tt.digest
			}
			run, err := testvec.RunSign(in)
			culprit := engineerr.NoCulprit
			if tt.blame {
				culprit = 1
			}
			e := engineErr(t, err, tt.code, culprit, tt.lock)
			require.Equal(t, tt.round, e.Round)
			requireLocked(t, ks[0], tt.lock, tt.code, 1)
			if tt.round == 4 {
				require.True(t, run.Presignatures[0].Consumed(), "the pre-signature is burned")
			}
			if !tt.lock {
				return
			}
			// A LOCKED keyshare refuses Presign and Finish (KeyshareLocked) until a refresh.
			_, err = sign.NewPresign(ks[0], testvec.Sign2Instance, nil, testrng.New("x"))
			engineErr(t, err, engineerr.KeyshareLocked, engineerr.NoCulprit, false)
		})
	}
}

// TestLockedRefusesFinish: a pre-signature made before the lock cannot be finished (§10.3
// item 4), and the lock is per generation, not per session.
func TestLockedRefusesFinish(t *testing.T) {
	t.Parallel()
	ks := katKeyshares(t)
	pre, err := runPresign(t, testvec.DefaultSign1(ks))
	require.NoError(t, err)
	ks[0].LockMutex().Lock()
	ks[0].Lock(engineerr.OTExtensionCheckFailed, 1)
	ks[0].LockMutex().Unlock()
	_, _, err = sign.Finish(ks[0], pre[0], testvec.Sign1Digest)
	engineErr(t, err, engineerr.KeyshareLocked, engineerr.NoCulprit, false)
	require.False(t, pre[0].Consumed(), "refused before consuming")
	// The peer's keyshare is not locked and finishes; P1 never answers.
	_, s4, err := sign.Finish(ks[1], pre[1], testvec.Sign1Digest)
	require.NoError(t, err)
	require.Len(t, s4, sign.SizeS4)
}

// TestN21_DegenerateSignature: u′_j = −u′_i makes U = 0.
func TestN21_DegenerateSignature(t *testing.T) {
	t.Parallel()
	ks := katKeyshares(t)
	pre, err := runPresign(t, testvec.DefaultSign1(ks))
	require.NoError(t, err)
	r4, s4P1, err := sign.Finish(ks[0], pre[0], testvec.Sign1Digest)
	require.NoError(t, err)
	_, s4P2, err := sign.Finish(ks[1], pre[1], testvec.Sign1Digest)
	require.NoError(t, err)
	u, err := secp.NewScalar().SetCanonicalBytes(s4P1[s4U:])
	require.NoError(t, err)
	neg := secp.NewScalar().Negate(u).Bytes()
	copy(s4P2[s4U:], neg[:])
	_, err = r4.Next(s4P2)
	engineErr(t, err, engineerr.DegenerateSignature, 1, true)
	requireLocked(t, ks[0], true, engineerr.DegenerateSignature, 1)
}

// TestN22_PresignatureConsumed: a second Finish of the same pre-signature is refused, also
// after an encode/decode round trip of the consumed record.
func TestN22_PresignatureConsumed(t *testing.T) {
	t.Parallel()
	ks := katKeyshares(t)
	pre, err := runPresign(t, testvec.DefaultSign1(ks))
	require.NoError(t, err)
	_, _, err = sign.Finish(ks[0], pre[0], testvec.Sign1Digest)
	require.NoError(t, err)
	_, _, err = sign.Finish(ks[0], pre[0], testvec.Sign2Digest)
	engineErr(t, err, engineerr.PresignatureConsumed, engineerr.NoCulprit, false)
	tomb, err := sign.ParsePresignature(pre[0].Marshal())
	require.NoError(t, err)
	require.True(t, tomb.Consumed())
	_, _, err = sign.Finish(ks[0], tomb, testvec.Sign1Digest)
	engineErr(t, err, engineerr.PresignatureConsumed, engineerr.NoCulprit, false)
	requireLocked(t, ks[0], false, 0, 0)
}

// TestFinishRejectsForeignPresignature: a pre-signature of the other party or of another
// keyshare generation is refused without being consumed.
func TestFinishRejectsForeignPresignature(t *testing.T) {
	t.Parallel()
	ks := katKeyshares(t)
	pre, err := runPresign(t, testvec.DefaultSign1(ks))
	require.NoError(t, err)
	_, _, err = sign.Finish(ks[0], pre[1], testvec.Sign1Digest)
	engineErr(t, err, engineerr.Internal, engineerr.NoCulprit, false)
	other := keysharesFor(t, "prop/keygen/1")
	_, _, err = sign.Finish(other[0], pre[0], testvec.Sign1Digest)
	engineErr(t, err, engineerr.Internal, engineerr.NoCulprit, false)
	require.False(t, pre[0].Consumed())
}
