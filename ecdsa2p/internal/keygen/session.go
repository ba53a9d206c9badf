package keygen

import (
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/ot"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/rng"
	"github.com/tandem-mpc/tandem/internal/secp"
)

// session is the state one keygen run carries from round to round. Each round value points to
// it and is consumed once; the session itself is never handed to the caller.
type session struct {
	i, j    uint8
	id      [2][]byte
	rnd     rng.Source
	batch   ot.Batch
	setup   [32]byte // setup_kg
	sid     [32]byte // sid_kg (after the peer's K1)
	sigma   [2][32]byte
	peerC   [32]byte // C_j
	own     [rounds][]byte
	peer    [rounds][]byte
	x       secp.Scalar // x_i: secret
	X       [2]*secp.Point
	ptX     [33]byte    // pt(X_i)
	cc      [2][32]byte // cc_i (secret until K2) and cc_j
	omega   [32]byte    // ω_i: secret until K2 is sent
	ptQ     [33]byte
	chain   [32]byte           // joint chain code cc (confidential)
	recv    *ot.BaseOTReceiver // this party as base-OT receiver of (j, i)
	chooser *ot.ChooserSeeds   // ChooserSeeds of (i, j)
	delta   *ot.DeltaSeeds     // DeltaSeeds of (j, i)
}

// wipe overwrites the session's secrets (best effort, PROTOCOL.md §2.12).
func (s *session) wipe() {
	s.x = secp.Scalar{}
	s.omega = [32]byte{}
	s.cc = [2][32]byte{}
	s.chain = [32]byte{}
	s.recv = nil
	s.chooser.Wipe()
	s.delta.Wipe()
	s.chooser, s.delta = nil, nil
}

// transcriptOrder returns the payloads of round r indexed by sender (index 0 first).
func (s *session) byIndex(r int) (p0, p1 []byte) {
	if s.i == 0 {
		return s.own[r-1], s.peer[r-1]
	}
	return s.peer[r-1], s.own[r-1]
}
