package sign

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/tandem-mpc/tandem/ecdsa2p/internal/engineerr"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/rvole"
	"github.com/tandem-mpc/tandem/internal/secp"
	"github.com/tandem-mpc/tandem/internal/transcript"
)

// Round3 is the presign state after S3 was sent: it waits for the peer's S3. Single-use.
type Round3 struct {
	s    *session
	used bool
}

// SessionID returns sign_sid.
func (r *Round3) SessionID() [32]byte { return r.s.sid }

// s3Fields are the decoded fields of the peer's S3 (§8.5 step 1).
type s3Fields struct {
	Rj, GU, GV *secp.Point
	ptRj       []byte
	omega      [32]byte
	psi        *secp.Scalar
	rv         *rvole.Message
}

// Next processes the peer's S3 (PROTOCOL.md §8.5) and outputs this party's pre-signature. The
// steps run in the mandatory order:
//
//  1. parse the whole payload: R_j, Γu_j, Γv_j valid points, ψ_j and every ã and η canonical
//     (MalformedPayload, no lock);
//  2. H("tandem/v1/sign/commit", setup_sg, u8(j), σ_j, pt(R_j), ω_j) = C_j (NonceCommitmentMismatch);
//  3. the RVOLE check of §6.3, which gives d_u, d_v (RVOLECheckFailed);
//  4. χ_i·R_j = d_u·G + Γu_j, in constant time (NonceConsistencyFailed);
//  5. χ_i·pk′_j = d_v·G + Γv_j, in constant time (KeyConsistencyFailed);
//  6. pk′_0 + pk′_1 = Q′ (Internal: a corrupted keyshare);
//  7. R = R_i + R_j ≠ O (DegenerateNonce);
//  8. u_i = r_i·(φ_i + ψ_j) + c_u + d_u and v_i = sk′_i·(φ_i + ψ_j) + c_v + d_v;
//  9. the pre-signature {key_id, share_id, sign_sid, path_enc, Q′, R, φ_i, u_i, v_i}.
//
// Every failure of steps 2–7 blames the peer and LOCKS the keyshare before it is returned
// (§10.3, defensive). A keyshare that is already LOCKED gives KeyshareLocked. The session's
// secrets are wiped whatever the outcome.
func (r *Round3) Next(peerS3 []byte) (*Presignature, error) {
	const round = 3
	if r == nil || r.used {
		return nil, engineerr.Consumed(op, round)
	}
	s := r.s
	if err := s.admit(round, peerS3); err != nil {
		if errors.Is(err, engineerr.ErrIgnore) {
			return nil, err
		}
		r.fail()
		return nil, err
	}
	r.used = true
	defer s.wipe()
	if isLocked(s.ks) {
		return nil, errLocked(round)
	}
	s.peer[2] = bytes.Clone(peerS3)
	f, err := s.parseS3(s.peer[2])
	if err != nil {
		return nil, err
	}
	p, err := s.checkS3(f)
	if err != nil {
		var e *engineerr.Error
		if errors.As(err, &e) && e.Culprit != engineerr.NoCulprit {
			return nil, lockAndFailTaking(s.ks, e)
		}
		return nil, err
	}
	return p, nil
}

// parseS3 is §8.5 step 1.
func (s *session) parseS3(p []byte) (*s3Fields, error) {
	const round = 3
	j := int(s.j)
	malformed := func(what string, err error) error {
		return engineerr.Peer(op, round, engineerr.MalformedPayload, j, fmt.Errorf("%s: %w", what, err))
	}
	f := &s3Fields{ptRj: p[s3R:s3Omega], omega: [32]byte(p[s3Omega:s3GU])}
	var err error
	if f.Rj, err = new(secp.Point).SetBytes(f.ptRj); err != nil {
		return nil, malformed("R_j", err)
	}
	if f.GU, err = new(secp.Point).SetBytes(p[s3GU:s3GV]); err != nil {
		return nil, malformed("Γu_j", err)
	}
	if f.GV, err = new(secp.Point).SetBytes(p[s3GV:s3Psi]); err != nil {
		return nil, malformed("Γv_j", err)
	}
	if f.psi, err = secp.NewScalar().SetCanonicalBytes(p[s3Psi:]); err != nil {
		return nil, malformed("ψ_j", err)
	}
	if f.rv, err = s.recv.ParseMessage(p[s3RV:s3R]); err != nil {
		var re *rvole.Error
		if errors.As(err, &re) {
			return nil, engineerr.Peer(op, round, engineerr.MalformedPayload, int(re.Culprit), err)
		}
		return nil, engineerr.Local(op, round, engineerr.Internal, err)
	}
	return f, nil
}

// checkS3 is §8.5 steps 2–9. An error with a culprit must lock the keyshare.
func (s *session) checkS3(f *s3Fields) (*Presignature, error) {
	const round = 3
	j := int(s.j)
	if !transcript.VerifyOpening(s.peerC, transcript.LabelSignCommit, f.omega, s.setup[:], []byte{s.j}, s.sigma[j][:], f.ptRj) {
		return nil, engineerr.Peer(op, round, engineerr.NonceCommitmentMismatch, j, nil)
	}
	recv := s.recv
	s.recv = nil
	du, dv, err := recv.Finish(f.rv)
	recv.Wipe()
	if err != nil {
		var re *rvole.Error
		if errors.As(err, &re) {
			return nil, engineerr.Peer(op, round, engineerr.Code(re.Code()), int(re.Culprit), err)
		}
		return nil, engineerr.Local(op, round, engineerr.Internal, err)
	}
	defer func() { *du, *dv = secp.Scalar{}, secp.Scalar{} }()

	// Γ checks: χ_i·P == d·G + Γ with constant-time multiplications and comparison.
	gamma := func(P *secp.Point, d *secp.Scalar, G *secp.Point) bool {
		lhs := new(secp.Point).ScalarMult(&s.chi, P)
		rhs := new(secp.Point).ScalarBaseMult(d)
		rhs.Add(rhs, G)
		return lhs.Equal(rhs) == 1
	}
	if !gamma(f.Rj, du, f.GU) {
		return nil, engineerr.Peer(op, round, engineerr.NonceConsistencyFailed, j, nil)
	}
	if !gamma(s.pk[j], dv, f.GV) {
		return nil, engineerr.Peer(op, round, engineerr.KeyConsistencyFailed, j, nil)
	}
	if new(secp.Point).Add(s.pk[0], s.pk[1]).Equal(s.Qp) != 1 {
		return nil, engineerr.Local(op, round, engineerr.Internal, errors.New("pk′_0 + pk′_1 ≠ Q′"))
	}
	R := new(secp.Point).Add(s.Ri, f.Rj)
	ptR, err := R.Bytes()
	if err != nil {
		return nil, engineerr.Peer(op, round, engineerr.DegenerateNonce, j, errors.New("R = O"))
	}

	m := secp.NewScalar().Add(&s.phi, f.psi) // φ_i + ψ_j
	u := secp.NewScalar().Mul(&s.r, m)
	u.Add(u, &s.cu)
	u.Add(u, du)
	v := secp.NewScalar().Mul(&s.skp, m)
	v.Add(v, &s.cv)
	v.Add(v, dv)
	*m = secp.Scalar{}

	p := &Presignature{
		index:   s.i,
		keyID:   s.ks.KeyID(),
		shareID: s.ks.ShareID(),
		signSID: s.sid,
		path:    append(s.path[:0:0], s.path...),
		ptQp:    s.ptQp,
		ptR:     ptR,
	}
	p.phi.Set(&s.phi)
	p.u.Set(u)
	p.v.Set(v)
	*u, *v = secp.Scalar{}, secp.Scalar{}
	return p, nil
}

func (r *Round3) fail() {
	r.used = true
	r.s.wipe()
}
