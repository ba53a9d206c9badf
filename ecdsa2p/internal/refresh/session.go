package refresh

import (
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/keyshare"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/ot"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/rng"
	"github.com/tandem-mpc/tandem/internal/secp"
)

// SaveFunc durably stores a party's generations of one key (both records, each with
// keyshare.Keyshare.Marshal, or an equivalent authenticated record) and returns nil only
// once they are stored. The refresh calls it at the points where PROTOCOL.md §9.1's
// two-generals-safe handover needs durable state, before it releases the payload or result
// that depends on it:
//
//   - on the peer's RF3, with {Active: old, Pending: new}, before RF4 is returned: once this
//     party's RF4 is out, the peer may promote the new generation and delete its old share;
//   - on a valid RF4 from the peer, with {Active: new} (old deleted, lock cleared);
//   - on a failed RF4 check (or any other round-4 abort), with {Active: old} (pending discarded).
//
// An error from it aborts the refresh with Internal (no culprit, no lock) and withholds the
// payload or result. The function must not retain g's keyshares beyond storing them.
type SaveFunc func(g *keyshare.Generations) error

// session is the state one refresh run carries from round to round. Each round value points
// to it and is consumed once; the session itself is never handed to the caller.
type session struct {
	i, j    uint8
	old     *keyshare.Keyshare // the current generation: read, never modified
	save    SaveFunc
	rnd     rng.Source
	batch   ot.Batch
	setup   [32]byte // setup_rf
	sid     [32]byte // sid_rf (after the peer's RF1)
	sigma   [2][32]byte
	zeta    secp.Scalar // ζ_i: secret, erased once K_rf is computed
	ptZ     [2][33]byte
	own     [rounds][]byte
	peer    [rounds][]byte
	x       secp.Scalar // x′_i: secret
	X       [2]*secp.Point
	recv    *ot.BaseOTReceiver // this party as base-OT receiver of (j, i)
	chooser *ot.ChooserSeeds   // new ChooserSeeds of (i, j)
	delta   *ot.DeltaSeeds     // new DeltaSeeds of (j, i)
}

// wipe overwrites the session's secrets (best effort, PROTOCOL.md §2.12). The old keyshare
// is not touched.
func (s *session) wipe() {
	s.zeta = secp.Scalar{}
	s.x = secp.Scalar{}
	s.recv = nil
	s.chooser.Wipe()
	s.delta.Wipe()
	s.chooser, s.delta = nil, nil
}

// byIndex returns the payloads of round r indexed by sender (index 0 first).
func (s *session) byIndex(r int) (p0, p1 []byte) {
	if s.i == 0 {
		return s.own[r-1], s.peer[r-1]
	}
	return s.peer[r-1], s.own[r-1]
}
