package keygen

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/tandem-mpc/tandem/ecdsa2p/internal/engineerr"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/keyshare"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/ot"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/rng"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/schnorr"
	"github.com/tandem-mpc/tandem/internal/secp"
	"github.com/tandem-mpc/tandem/internal/transcript"
)

// Round1 is the state after K1 was built: it holds this party's K1 payload ([Round1.Payload])
// and waits for the peer's K1. Single-use.
type Round1 struct {
	s    *session
	used bool
}

// SetupDigest returns H("tandem/v1/keygen/setup", PARAMS, instance_id, id_0, id_1).
func SetupDigest(instanceID [32]byte, id0, id1 []byte) [32]byte {
	return transcript.H(transcript.LabelKeygenSetup, []byte(keyshare.Params), instanceID[:], id0, id1)
}

// New starts keygen for party i (0 = P1, 1 = P2) of the run instanceID between the parties
// whose identities (typed verifying-key encodings, 1..255 bytes) are id0 and id1. It runs K1
// (PROTOCOL.md §7.1):
//
//	setup_kg = H("tandem/v1/keygen/setup", PARAMS, instance_id, id_0, id_1)
//	draws:     σ_i = RandomBytes(32), x_i = RandomScalar(), cc_i = RandomBytes(32), ω_i = RandomBytes(32)
//	X_i = x_i·G;  C_i = H("tandem/v1/keygen/commit", setup_kg, u8(i), σ_i, pt(X_i), cc_i, ω_i)
//	K1 = 01 11 ‖ setup_kg ‖ σ_i ‖ C_i
//
// rnd supplies every random draw of the run, in the order §7 lists; the public layer passes
// rng.System. Invalid arguments give an Internal error.
func New(instanceID [32]byte, i uint8, id0, id1 []byte, rnd rng.Source) (*Round1, error) {
	if i > 1 || rnd == nil {
		return nil, engineerr.Local(op, 0, engineerr.Internal, errors.New("party index must be 0 or 1 and a randomness source is required"))
	}
	for k, id := range [][]byte{id0, id1} {
		if len(id) < 1 || len(id) > 255 {
			return nil, engineerr.Local(op, 0, engineerr.Internal, fmt.Errorf("id_%d has %d bytes, want 1..255", k, len(id)))
		}
	}
	s := &session{i: i, j: 1 - i, rnd: rnd, id: [2][]byte{bytes.Clone(id0), bytes.Clone(id1)}}
	s.setup = SetupDigest(instanceID, id0, id1)

	rnd.RandomBytes(s.sigma[i][:])
	x := rnd.RandomScalar()
	s.x.Set(x)
	*x = secp.Scalar{}
	rnd.RandomBytes(s.cc[i][:])
	rnd.RandomBytes(s.omega[:])

	s.X[i] = new(secp.Point).ScalarBaseMult(&s.x)
	var err error
	if s.ptX, err = s.X[i].Bytes(); err != nil {
		return nil, engineerr.Local(op, 0, engineerr.Internal, errors.New("X_i is the identity"))
	}
	C := transcript.Commit(transcript.LabelKeygenCommit, s.omega, s.setup[:], []byte{i}, s.sigma[i][:], s.ptX[:], s.cc[i][:])

	k1 := header(TypeK1, &s.setup, 64)
	k1 = append(k1, s.sigma[i][:]...)
	s.own[0] = append(k1, C[:]...)
	return &Round1{s: s}, nil
}

// WithBatch makes the run spread its base OTs and PPRF work with b (for example
// ot.Parallel(2)); nil runs them sequentially. Outputs and draw order do not depend on b.
func (r *Round1) WithBatch(b ot.Batch) *Round1 {
	r.s.batch = b
	return r
}

// Payload returns this party's K1 payload (98 bytes).
func (r *Round1) Payload() []byte { return bytes.Clone(r.s.own[0]) }

// SetupDigest returns setup_kg.
func (r *Round1) SetupDigest() [32]byte { return r.s.setup }

// Next processes the peer's K1 (§7.1) and runs K2 (§7.2): it stores σ_j and C_j, derives
// sid_kg = H("tandem/v1/keygen/sid", setup_kg, σ_0, σ_1), proves knowledge of x_i with
// Prove("keygen", sid_kg, i, G, X_i, x_i) and runs the base-OT receiver for correlation
// (R = j, S = i). It returns the next state and K2 =
// 01 12 ‖ sid_kg ‖ pt(X_i) ‖ cc_i ‖ ω_i ‖ π_i ‖ OTmsg1 (17,092 bytes).
//
// A payload with a wrong version or type is ignored (an error wrapping engineerr.ErrIgnore;
// r stays usable). A different setup digest aborts with SetupMismatch and no culprit.
func (r *Round1) Next(peerK1 []byte) (*Round2, []byte, error) {
	const round = 1
	if r == nil || r.used {
		return nil, nil, engineerr.Consumed(op, round)
	}
	s := r.s
	if err := s.admit(round, peerK1); err != nil {
		if errors.Is(err, engineerr.ErrIgnore) {
			return nil, nil, err
		}
		r.fail()
		return nil, nil, err
	}
	r.used = true
	s.peer[0] = bytes.Clone(peerK1)
	copy(s.sigma[s.j][:], peerK1[HeaderSize:])
	copy(s.peerC[:], peerK1[HeaderSize+32:])
	s.sid = transcript.H(transcript.LabelKeygenSID, s.setup[:], s.sigma[0][:], s.sigma[1][:])

	pi, err := schnorr.Prove("keygen", s.sid, s.i, secp.NewGeneratorPoint(), s.X[s.i], &s.x, s.rnd)
	if err != nil {
		s.wipe()
		return nil, nil, engineerr.Local(op, round, engineerr.Internal, err)
	}
	c, err := ot.NewCorrelation(s.sid, s.j, s.i)
	if err != nil {
		s.wipe()
		return nil, nil, fromOT(round, err)
	}
	recv, msg1, err := ot.NewBaseOTReceiver(c, s.rnd, s.batch)
	if err != nil {
		s.wipe()
		return nil, nil, fromOT(round, err)
	}
	s.recv = recv

	k2 := header(TypeK2, &s.sid, SizeK2-HeaderSize)
	k2 = append(k2, s.ptX[:]...)
	k2 = append(k2, s.cc[s.i][:]...)
	k2 = append(k2, s.omega[:]...)
	k2 = append(k2, pi[:]...)
	k2 = append(k2, msg1...)
	s.omega = [32]byte{} // opened: no longer needed
	s.own[1] = k2
	return &Round2{s: s}, bytes.Clone(k2), nil
}

func (r *Round1) fail() {
	r.used = true
	r.s.wipe()
}
