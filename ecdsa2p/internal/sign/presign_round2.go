package sign

import (
	"bytes"
	"errors"

	"github.com/tandem-mpc/tandem/ecdsa2p/internal/engineerr"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/ote"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/rvole"
	"github.com/tandem-mpc/tandem/internal/secp"
)

// Round2 is the presign state after S2 was sent: it waits for the peer's S2. Single-use.
type Round2 struct {
	s    *session
	used bool
}

// SessionID returns sign_sid.
func (r *Round2) SessionID() [32]byte { return r.s.sid }

// Next processes the peer's S2 and runs S3 (PROTOCOL.md §8.4):
//
//  1. binding = sign_sid (else ignored) and exact length 9,266 (else MalformedPayload);
//  2. take the keyshare's lock mutex; if the keyshare is LOCKED, abort KeyshareLocked;
//  3. run the OT-extension sender (§5.2) with DeltaSeeds for correlation (R = j, S = i); a
//     failed consistency check LOCKS the keyshare (under the mutex, before the error is
//     returned) and aborts OTExtensionCheckFailed, blaming the peer;
//  4. run the RVOLE sender (§6.2) with a_0 = r_i, a_1 = sk′_i, which gives RV, c_u and c_v;
//  5. Γu_i = c_u·G, Γv_i = c_v·G, ψ_i = φ_i − χ_i; re-check LOCKED; release the mutex.
//
// It returns the next state and S3 = 01 23 ‖ sign_sid ‖ RV ‖ pt(R_i) ‖ ω_i ‖ pt(Γu_i) ‖
// pt(Γv_i) ‖ sc(ψ_i) (49,413 bytes).
func (r *Round2) Next(peerS2 []byte) (*Round3, []byte, error) {
	const round = 2
	if r == nil || r.used {
		return nil, nil, engineerr.Consumed(op, round)
	}
	s := r.s
	if err := s.admit(round, peerS2); err != nil {
		if errors.Is(err, engineerr.ErrIgnore) {
			return nil, nil, err
		}
		r.fail()
		return nil, nil, err
	}
	r.used = true
	s.peer[1] = bytes.Clone(peerS2)
	s3, err := s.buildS3(peerS2[HeaderSize:])
	if err != nil {
		s.wipe()
		return nil, nil, err
	}
	return &Round3{s: s}, s3, nil
}

// buildS3 runs §8.4 steps 1–5 under the keyshare's mutex.
func (s *session) buildS3(ote2 []byte) ([]byte, error) {
	const round = 2
	s.mu.Lock()
	defer s.mu.Unlock()
	if lockedLocked(s.ks) {
		return nil, errLocked(round)
	}
	sess, err := ote.NewSession(s.sid, s.j, s.i)
	if err != nil {
		return nil, engineerr.Local(op, round, engineerr.Internal, err)
	}
	sender, err := ote.NewSender(sess.WithRunner(s.runner), s.ks.DeltaSeeds())
	if err != nil {
		return nil, engineerr.Local(op, round, engineerr.Internal, err)
	}
	out, err := sender.Extend(ote2)
	if err != nil {
		var oe *ote.Error
		if !errors.As(err, &oe) {
			return nil, engineerr.Local(op, round, engineerr.Internal, err)
		}
		e := engineerr.Peer(op, round, engineerr.Code(oe.Code()), int(oe.Culprit), err)
		if oe.Lock() {
			return nil, lockAndFail(s.ks, e)
		}
		return nil, e
	}
	a0, a1 := secp.NewScalar().Set(&s.r), secp.NewScalar().Set(&s.skp)
	if s.tweakA0|s.tweakA1 != 0 { // test-only (export_test.go)
		a0.Add(a0, secp.NewScalar().SetUint64(s.tweakA0))
		a1.Add(a1, secp.NewScalar().SetUint64(s.tweakA1))
	}
	rv, cu, cv, err := rvole.Send(out, a0, a1, s.rnd)
	*a0, *a1 = secp.Scalar{}, secp.Scalar{}
	if err != nil {
		out.Wipe()
		return nil, engineerr.Local(op, round, engineerr.Internal, err)
	}
	s.cu.Set(cu)
	s.cv.Set(cv)
	*cu, *cv = secp.Scalar{}, secp.Scalar{}

	ptGU, err1 := new(secp.Point).ScalarBaseMult(&s.cu).Bytes()
	ptGV, err2 := new(secp.Point).ScalarBaseMult(&s.cv).Bytes()
	if err1 != nil || err2 != nil {
		return nil, engineerr.Local(op, round, engineerr.Internal, errors.New("Γu_i or Γv_i is the identity"))
	}
	psi := secp.NewScalar().Sub(&s.phi, &s.chi).Bytes()

	if lockedLocked(s.ks) { // §10.3(2): re-check right before S3 leaves
		return nil, errLocked(round)
	}
	s3 := header(TypeS3, &s.sid, SizeS3-HeaderSize)
	s3 = append(s3, rv...)
	s3 = append(s3, s.ptRi[:]...)
	s3 = append(s3, s.omega[:]...)
	s3 = append(s3, ptGU[:]...)
	s3 = append(s3, ptGV[:]...)
	s3 = append(s3, psi[:]...)
	s.omega = [32]byte{} // opened
	s.own[2] = s3
	return bytes.Clone(s3), nil
}

func (r *Round2) fail() {
	r.used = true
	r.s.wipe()
}
