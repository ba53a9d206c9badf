package refresh

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/tandem-mpc/tandem/ecdsa2p/internal/engineerr"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/keyshare"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/ot"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/rng"
	"github.com/tandem-mpc/tandem/internal/secp"
	"github.com/tandem-mpc/tandem/internal/transcript"
)

// Round1 is the state after RF1 was built: it holds this party's RF1 payload
// ([Round1.Payload]) and waits for the peer's RF1. Single-use.
type Round1 struct {
	s    *session
	used bool
}

// SetupDigest returns setup_rf = H("tandem/v1/refresh/setup", PARAMS, instance_id, id_0,
// id_1, key_id, share_id) for the generation ks.
func SetupDigest(instanceID [32]byte, ks *keyshare.Keyshare) [32]byte {
	kid, sid := ks.KeyID(), ks.ShareID()
	return transcript.H(transcript.LabelRefreshSetup, []byte(keyshare.Params), instanceID[:],
		ks.ID(0), ks.ID(1), kid[:], sid[:])
}

// New starts the refresh of generation old (PROTOCOL.md §9.1) in the run instanceID. old may
// be LOCKED, PENDING or EXPORTED: refresh is the way out of a lock. old is never modified by
// the refresh; on success the new generation replaces it through save (see [SaveFunc]),
// which must not be nil. New runs RF1:
//
//	setup_rf = H("tandem/v1/refresh/setup", PARAMS, instance_id, id_0, id_1, key_id, share_id)
//	draws:     σ_i = RandomBytes(32), ζ_i = RandomScalar()
//	Z_i = ζ_i·G;  RF1 = 01 31 ‖ setup_rf ‖ σ_i ‖ pt(Z_i)                          (99 bytes)
//
// rnd supplies every random draw of the run, in the order §9.1 lists; the public layer
// passes rng.System. Invalid arguments give an Internal error.
func New(instanceID [32]byte, old *keyshare.Keyshare, rnd rng.Source, save SaveFunc) (*Round1, error) {
	if old == nil || rnd == nil || save == nil {
		return nil, engineerr.Local(op, 0, engineerr.Internal, errors.New("a keyshare, a randomness source and a save function are required"))
	}
	if old.Share().IsZero() == 1 {
		return nil, engineerr.Local(op, 0, engineerr.Internal, errors.New("the keyshare was wiped"))
	}
	i := old.Index()
	s := &session{i: i, j: 1 - i, old: old, rnd: rnd, save: save}
	s.setup = SetupDigest(instanceID, old)

	rnd.RandomBytes(s.sigma[i][:])
	z := rnd.RandomScalar()
	s.zeta.Set(z)
	*z = secp.Scalar{}
	var err error
	if s.ptZ[i], err = new(secp.Point).ScalarBaseMult(&s.zeta).Bytes(); err != nil {
		return nil, engineerr.Local(op, 0, engineerr.Internal, errors.New("Z_i is the identity"))
	}
	rf1 := header(TypeRF1, &s.setup, 32+pointSize)
	rf1 = append(rf1, s.sigma[i][:]...)
	s.own[0] = append(rf1, s.ptZ[i][:]...)
	return &Round1{s: s}, nil
}

// WithBatch makes the run spread its base OTs and PPRF work with b (for example
// ot.Parallel(2)); nil runs them sequentially. Outputs and draw order do not depend on b.
func (r *Round1) WithBatch(b ot.Batch) *Round1 {
	r.s.batch = b
	return r
}

// Payload returns this party's RF1 payload (99 bytes).
func (r *Round1) Payload() []byte { return bytes.Clone(r.s.own[0]) }

// SetupDigest returns setup_rf.
func (r *Round1) SetupDigest() [32]byte { return r.s.setup }

// Next processes the peer's RF1 and runs RF2 (PROTOCOL.md §9.1):
//
//  1. binding = setup_rf (else SetupMismatch, no culprit) and exact length 99 (else
//     MalformedPayload);
//  2. decode Z_j, a valid point (else MalformedPayload);
//  3. sid_rf = H("tandem/v1/refresh/sid", setup_rf, σ_0, σ_1);
//  4. K_rf = ζ_i·Z_j (constant time) and τ = H2S("tandem/v1/refresh/tau", sid_rf, pt(Z_0),
//     pt(Z_1), pt(K_rf)); ζ_i and K_rf are erased;
//  5. x′_0 = x_0 + τ (P1) or x′_1 = x_1 − τ (P2), Internal if zero; X′_0 = X_0 + τ·G and
//     X′_1 = X_1 − τ·G; τ is erased;
//  6. base-OT receiver message 1 for correlation (R = j, S = i) with parent_sid = sid_rf.
//
// It returns the next state and RF2 = 01 32 ‖ sid_rf ‖ OTmsg1 (16,930 bytes). None of the
// failures locks, and the old keyshare is kept as it is.
func (r *Round1) Next(peerRF1 []byte) (*Round2, []byte, error) {
	const round = 1
	if r == nil || r.used {
		return nil, nil, engineerr.Consumed(op, round)
	}
	s := r.s
	if err := s.admit(round, peerRF1); err != nil {
		if errors.Is(err, engineerr.ErrIgnore) {
			return nil, nil, err
		}
		r.fail()
		return nil, nil, err
	}
	r.used = true
	rf2, err := s.processRF1(peerRF1)
	if err != nil {
		s.wipe()
		return nil, nil, err
	}
	return &Round2{s: s}, rf2, nil
}

func (s *session) processRF1(p []byte) ([]byte, error) {
	const round = 1
	j := int(s.j)
	s.peer[0] = bytes.Clone(p)
	p = s.peer[0]
	Zj, err := new(secp.Point).SetBytes(p[HeaderSize+32:])
	if err != nil {
		return nil, engineerr.Peer(op, round, engineerr.MalformedPayload, j, fmt.Errorf("Z_%d: %w", j, err))
	}
	copy(s.sigma[s.j][:], p[HeaderSize:])
	copy(s.ptZ[s.j][:], p[HeaderSize+32:])
	s.sid = transcript.H(transcript.LabelRefreshSID, s.setup[:], s.sigma[0][:], s.sigma[1][:])

	if err := s.newShares(Zj); err != nil {
		return nil, err
	}
	c, err := ot.NewCorrelation(s.sid, s.j, s.i)
	if err != nil {
		return nil, fromOT(round, err)
	}
	recv, msg1, err := ot.NewBaseOTReceiver(c, s.rnd, s.batch)
	if err != nil {
		return nil, fromOT(round, err)
	}
	s.recv = recv
	rf2 := header(TypeRF2, &s.sid, SizeRF2-HeaderSize)
	s.own[1] = append(rf2, msg1...)
	return bytes.Clone(s.own[1]), nil
}

// newShares derives τ from the DH value K_rf = ζ_i·Z_j and sets x′_i, X′_0 and X′_1 (steps 4
// and 5 of [Round1.Next]). τ, ζ_i and K_rf are erased before it returns.
func (s *session) newShares(Zj *secp.Point) error {
	const round = 1
	K := new(secp.Point).ScalarMult(&s.zeta, Zj)
	s.zeta = secp.Scalar{}
	ptK, err := K.Bytes()
	*K = secp.Point{}
	defer clear(ptK[:])
	if err != nil {
		return engineerr.Local(op, round, engineerr.Internal, errors.New("K_rf is the identity"))
	}
	tau := transcript.H2S(transcript.LabelRefreshTau, s.sid[:], s.ptZ[0][:], s.ptZ[1][:], ptK[:])
	defer func() { *tau = secp.Scalar{} }()

	x := s.old.Share()
	defer func() { *x = secp.Scalar{} }()
	if s.i == 0 {
		s.x.Add(x, tau)
	} else {
		s.x.Sub(x, tau)
	}
	if s.x.IsZero() == 1 {
		return engineerr.Local(op, round, engineerr.Internal, errors.New("the new share is zero"))
	}
	T := new(secp.Point).ScalarBaseMult(tau)
	defer func() { *T = secp.Point{} }()
	for k := range uint8(2) {
		enc := s.old.PublicShare(k)
		Xk, err := new(secp.Point).SetBytes(enc[:])
		if err != nil {
			return engineerr.Local(op, round, engineerr.Internal, fmt.Errorf("stored X_%d: %w", k, err))
		}
		if k == 0 {
			s.X[k] = Xk.Add(Xk, T)
		} else {
			s.X[k] = Xk.Subtract(Xk, T)
		}
		if s.X[k].IsIdentity() == 1 {
			return engineerr.Local(op, round, engineerr.Internal, fmt.Errorf("X′_%d is the identity", k))
		}
	}
	return nil
}

func (r *Round1) fail() {
	r.used = true
	r.s.wipe()
}
