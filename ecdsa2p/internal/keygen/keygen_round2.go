package keygen

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/tandem-mpc/tandem/ecdsa2p/internal/engineerr"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/ot"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/schnorr"
	"github.com/tandem-mpc/tandem/internal/secp"
	"github.com/tandem-mpc/tandem/internal/transcript"
)

// Round2 is the state after K2 was sent: it waits for the peer's K2. Single-use.
type Round2 struct {
	s    *session
	used bool
}

// SessionID returns sid_kg.
func (r *Round2) SessionID() [32]byte { return r.s.sid }

// Next processes the peer's K2 (PROTOCOL.md §7.2, "On the peer's K2", in order) and runs K3
// (§7.3):
//
//  1. binding = sid_kg (else ignored) and exact length 17,092 (else MalformedPayload);
//  2. decode X_j and the proof's T and s (else MalformedPayload);
//  3. H("tandem/v1/keygen/commit", setup_kg, u8(j), σ_j, pt(X_j), cc_j, ω_j) = C_j
//     (else CommitmentMismatch);
//  4. Verify("keygen", sid_kg, j, G, X_j, π_j) (else SchnorrProofInvalid);
//  5. Q = X_0 + X_1 ≠ O (else PublicKeyInvalid);
//  6. cc = H("tandem/v1/keygen/chaincode", sid_kg, cc_0, cc_1);
//  7. base-OT sender for correlation (R = i, S = j) on the peer's OTmsg1 (MalformedPayload,
//     BaseOTInvalid);
//  8. PPRF build, which yields ChooserSeeds.
//
// Every abort blames the peer; none locks. It returns K3 =
// 01 13 ‖ sid_kg ‖ OTmsg2 ‖ corrections ‖ t̃_0..t̃_63 ‖ s̃ (31,298 bytes).
//
// Deviation: step 2 also checks the encoding of the Schnorr proof (T a valid point, s < n)
// before the commitment, so that every malformed field of K2 itself is reported as
// MalformedPayload before any check (§10.1 rule 8). OTmsg1 is decoded in step 7, as §7.2
// orders it; steps 3–6 involve no secret.
func (r *Round2) Next(peerK2 []byte) (*Round3, []byte, error) {
	const round = 2
	if r == nil || r.used {
		return nil, nil, engineerr.Consumed(op, round)
	}
	s := r.s
	if err := s.admit(round, peerK2); err != nil {
		if errors.Is(err, engineerr.ErrIgnore) {
			return nil, nil, err
		}
		r.fail()
		return nil, nil, err
	}
	r.used = true
	k3, err := s.processK2(peerK2)
	if err != nil {
		s.wipe()
		return nil, nil, err
	}
	return &Round3{s: s}, k3, nil
}

func (s *session) processK2(p []byte) ([]byte, error) {
	const round = 2
	j := int(s.j)
	s.peer[1] = bytes.Clone(p)
	p = s.peer[1]
	ptXj, ccj, omegaj := p[k2X:k2CC], p[k2CC:k2Omega], p[k2Omega:k2Proof]
	proof, msg1 := p[k2Proof:k2Msg1], p[k2Msg1:]

	Xj, err := new(secp.Point).SetBytes(ptXj)
	if err != nil {
		return nil, engineerr.Peer(op, round, engineerr.MalformedPayload, j, fmt.Errorf("X_%d: %w", j, err))
	}
	if _, err := new(secp.Point).SetBytes(proof[:33]); err != nil {
		return nil, engineerr.Peer(op, round, engineerr.MalformedPayload, j, fmt.Errorf("proof commitment T: %w", err))
	}
	if _, err := secp.NewScalar().SetCanonicalBytes(proof[33:]); err != nil {
		return nil, engineerr.Peer(op, round, engineerr.MalformedPayload, j, fmt.Errorf("proof response s: %w", err))
	}
	if !transcript.VerifyOpening(s.peerC, transcript.LabelKeygenCommit, [32]byte(omegaj), s.setup[:], []byte{s.j}, s.sigma[j][:], ptXj, ccj) {
		return nil, engineerr.Peer(op, round, engineerr.CommitmentMismatch, j, nil)
	}
	if err := schnorr.Verify("keygen", s.sid, s.j, secp.NewGeneratorPoint(), Xj, proof); err != nil {
		code := engineerr.SchnorrProofInvalid
		if errors.Is(err, schnorr.ErrMalformed) {
			code = engineerr.MalformedPayload
		}
		return nil, engineerr.Peer(op, round, code, j, err)
	}
	s.X[s.j] = Xj
	copy(s.cc[s.j][:], ccj)
	Q := new(secp.Point).Add(s.X[0], s.X[1])
	if s.ptQ, err = Q.Bytes(); err != nil {
		return nil, engineerr.Peer(op, round, engineerr.PublicKeyInvalid, j, errors.New("Q = X_0 + X_1 is the identity"))
	}
	s.chain = transcript.H(transcript.LabelKeygenChainCode, s.sid[:], s.cc[0][:], s.cc[1][:])

	c, err := ot.NewCorrelation(s.sid, s.i, s.j)
	if err != nil {
		return nil, fromOT(round, err)
	}
	so, msg2, err := ot.NewBaseOTSender(c, msg1, s.rnd, s.batch)
	if err != nil {
		return nil, fromOT(round, err)
	}
	chooser, pprf, err := so.BuildPPRF(s.batch)
	so.Wipe()
	if err != nil {
		return nil, fromOT(round, err)
	}
	s.chooser = chooser

	k3 := header(TypeK3, &s.sid, SizeK3-HeaderSize)
	k3 = append(k3, msg2...)
	k3 = append(k3, pprf...)
	s.own[2] = k3
	return bytes.Clone(k3), nil
}

func (r *Round2) fail() {
	r.used = true
	r.s.wipe()
}
