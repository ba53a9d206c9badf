package refresh

import (
	"bytes"
	"errors"

	"github.com/tandem-mpc/tandem/ecdsa2p/internal/engineerr"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/ot"
)

// Round2 is the state after RF2 was sent: it waits for the peer's RF2. Single-use.
type Round2 struct {
	s    *session
	used bool
}

// SessionID returns sid_rf, the binding of RF2–RF4 and the new generation's gen_sid.
func (r *Round2) SessionID() [32]byte { return r.s.sid }

// Next processes the peer's RF2 and runs RF3 (PROTOCOL.md §9.1, as K2 processing steps 7–8
// and K3 of §7.2–§7.3 with parent_sid = sid_rf): binding sid_rf (else ignored) and exact
// length 16,930 (else MalformedPayload); the base-OT sender for correlation (R = i, S = j) on
// the peer's OTmsg1 (MalformedPayload, BaseOTInvalid); the PPRF build, which yields the new
// ChooserSeeds. It returns RF3 = 01 33 ‖ sid_rf ‖ OTmsg2 ‖ corrections ‖ t̃_0..t̃_63 ‖ s̃
// (31,298 bytes). Every abort blames the peer; none locks.
func (r *Round2) Next(peerRF2 []byte) (*Round3, []byte, error) {
	const round = 2
	if r == nil || r.used {
		return nil, nil, engineerr.Consumed(op, round)
	}
	s := r.s
	if err := s.admit(round, peerRF2); err != nil {
		if errors.Is(err, engineerr.ErrIgnore) {
			return nil, nil, err
		}
		r.fail()
		return nil, nil, err
	}
	r.used = true
	rf3, err := s.processRF2(peerRF2)
	if err != nil {
		s.wipe()
		return nil, nil, err
	}
	return &Round3{s: s}, rf3, nil
}

func (s *session) processRF2(p []byte) ([]byte, error) {
	const round = 2
	s.peer[1] = bytes.Clone(p)
	c, err := ot.NewCorrelation(s.sid, s.i, s.j)
	if err != nil {
		return nil, fromOT(round, err)
	}
	so, msg2, err := ot.NewBaseOTSender(c, s.peer[1][HeaderSize:], s.rnd, s.batch)
	if err != nil {
		return nil, fromOT(round, err)
	}
	chooser, pprf, err := so.BuildPPRF(s.batch)
	so.Wipe()
	if err != nil {
		return nil, fromOT(round, err)
	}
	s.chooser = chooser
	rf3 := header(TypeRF3, &s.sid, SizeRF3-HeaderSize)
	rf3 = append(rf3, msg2...)
	s.own[2] = append(rf3, pprf...)
	return bytes.Clone(s.own[2]), nil
}

func (r *Round2) fail() {
	r.used = true
	r.s.wipe()
}
