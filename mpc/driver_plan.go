package mpc

import (
	"bytes"
	"fmt"

	"github.com/tandem-mpc/tandem/relay"
	"github.com/tandem-mpc/tandem/signer"
)

// slotRef locates a slot in a plan; round 0 is the inserted KEX slot (WIRE.md §12.3).
type slotRef struct {
	round int
	index int // position in the round's Send or Expect list; -1 for an inserted round-0 slot
	slot  Slot
}

// sendSlot is one of our messages, with its id.
type sendSlot struct {
	slotRef
	id      relay.MsgID
	carrier bool // carries our EXT_KEX
}

// expectSlot is one of the peer's messages we wait for.
type expectSlot struct {
	slotRef
	id      relay.MsgID
	carrier bool        // carries the peer's EXT_KEX
	exp     expectation // what a frame under id must match (exp.kex == carrier)
}

// compiledPlan is a validated plan with its ids (WIRE.md §12.2–§12.4).
type compiledPlan struct {
	rounds      int
	rEnc        int          // first round with an Encrypted slot; 0 = no KEX at all
	send        [][]sendSlot // index r = round r (0 = inserted round 0)
	expect      [][]expectSlot
	abortID     relay.MsgID // the peer's ABORT id
	abortExp    expectation
	myCarrier   *sendSlot
	peerCarrier *expectSlot
}

var insertedKEXSlot = Slot{Seq: 0, Kind: Signed}

// validateLabel checks L: 1–64 bytes of 0x21–0x7E (WIRE.md §10.2).
func validateLabel(l string) error {
	if err := Label(l).Validate(); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidConfig, err)
	}
	return nil
}

func validateConfig(cfg *Config) error {
	if err := validateLabel(cfg.Protocol); err != nil {
		return err
	}
	if cfg.Instance == ([32]byte{}) {
		return fmt.Errorf("%w: zero instance id", ErrInvalidConfig)
	}
	if cfg.Self == nil {
		return fmt.Errorf("%w: no signer", ErrInvalidConfig)
	}
	if cfg.Transport == nil {
		return fmt.Errorf("%w: no transport", ErrInvalidConfig)
	}
	self := cfg.Self.VerifyingKey()
	for _, k := range []signer.VerifyingKey{self, cfg.Peer} {
		if k.IsZero() || (k.Type() != signer.Ed25519 && k.Type() != signer.ECDSAP256) {
			return fmt.Errorf("%w: unsupported or missing verifying key", ErrInvalidConfig)
		}
	}
	if bytes.Equal(self.Encoding(), cfg.Peer.Encoding()) {
		return fmt.Errorf("%w: self and peer have the same verifying key", ErrInvalidConfig)
	}
	return nil
}

func validateSlots(r int, what string, slots []Slot) error {
	seen := make(map[uint32]bool, len(slots))
	for _, s := range slots {
		if s.Kind != Signed && s.Kind != Encrypted {
			return fmt.Errorf("%w: round %d %s seq %d: unknown kind %d", ErrInvalidPlan, r, what, s.Seq, s.Kind)
		}
		if s.Broadcast && s.Kind != Signed {
			return fmt.Errorf("%w: round %d %s seq %d: broadcast is allowed only on signed slots", ErrInvalidPlan, r, what, s.Seq)
		}
		if seen[s.Seq] {
			return fmt.Errorf("%w: round %d %s: duplicate seq %d", ErrInvalidPlan, r, what, s.Seq)
		}
		seen[s.Seq] = true
	}
	return nil
}

// compilePlan validates p and computes the KEX carriers and every id (WIRE.md §12.2–§12.4).
func compilePlan(p Plan, label string, inst InstanceID, self, peer signer.VerifyingKey) (*compiledPlan, error) {
	n := len(p.Rounds)
	if n < 1 || n > maxRounds {
		return nil, fmt.Errorf("%w: %d rounds, want 1–%d", ErrInvalidPlan, n, maxRounds)
	}
	cp := &compiledPlan{rounds: n, send: make([][]sendSlot, n+1), expect: make([][]expectSlot, n+1)}
	for i, rd := range p.Rounds {
		r := i + 1
		if err := validateSlots(r, "send", rd.Send); err != nil {
			return nil, err
		}
		if err := validateSlots(r, "expect", rd.Expect); err != nil {
			return nil, err
		}
		if cp.rEnc == 0 {
			for _, s := range append(append([]Slot(nil), rd.Send...), rd.Expect...) {
				if s.Kind == Encrypted {
					cp.rEnc = r
					break
				}
			}
		}
	}
	selfEnc, peerEnc := self.Encoding(), peer.Encoding()
	idOf := func(r int, s Slot, sender, receiver []byte) relay.MsgID {
		if s.Broadcast {
			receiver = nil
		}
		return messageID(label, &inst, Tag(uint32(r), s.Seq), sender, receiver)
	}
	for i, rd := range p.Rounds {
		r := i + 1
		for j, s := range rd.Send {
			cp.send[r] = append(cp.send[r], sendSlot{slotRef: slotRef{r, j, s}, id: idOf(r, s, selfEnc, peerEnc)})
		}
		for j, s := range rd.Expect {
			cp.expect[r] = append(cp.expect[r], expectSlot{slotRef: slotRef{r, j, s}, id: idOf(r, s, peerEnc, selfEnc)})
		}
	}
	if cp.rEnc > 0 {
		for r := 1; r < cp.rEnc && cp.myCarrier == nil; r++ {
			for j := range cp.send[r] {
				if cp.send[r][j].slot.Kind == Signed {
					cp.myCarrier = &cp.send[r][j]
					break
				}
			}
		}
		if cp.myCarrier == nil {
			cp.send[0] = []sendSlot{{slotRef: slotRef{0, -1, insertedKEXSlot}, id: idOf(0, insertedKEXSlot, selfEnc, peerEnc)}}
			cp.myCarrier = &cp.send[0][0]
		}
		cp.myCarrier.carrier = true
		for r := 1; r < cp.rEnc && cp.peerCarrier == nil; r++ {
			for j := range cp.expect[r] {
				if cp.expect[r][j].slot.Kind == Signed {
					cp.peerCarrier = &cp.expect[r][j]
					break
				}
			}
		}
		if cp.peerCarrier == nil {
			cp.expect[0] = []expectSlot{{slotRef: slotRef{0, -1, insertedKEXSlot}, id: idOf(0, insertedKEXSlot, peerEnc, selfEnc)}}
			cp.peerCarrier = &cp.expect[0][0]
		}
		cp.peerCarrier.carrier = true
	}
	for r := range cp.expect {
		for i := range cp.expect[r] {
			e := &cp.expect[r][i]
			var selfKey *signer.VerifyingKey
			if !e.slot.Broadcast {
				selfKey = &self
			}
			e.exp = newExpectation(label, &inst, uint32(r), e.slot.Seq, e.slot.Kind, peer, selfKey, e.carrier)
			if e.exp.id != e.id {
				panic("mpc: internal error: expectation id mismatch")
			}
		}
	}
	cp.abortExp = abortExpectation(label, &inst, peer)
	cp.abortID = cp.abortExp.id
	ownAbortID := messageID(label, &inst, AbortTag, selfEnc, nil)
	seen := map[relay.MsgID]bool{cp.abortID: true, ownAbortID: true}
	if cp.abortID == ownAbortID {
		return nil, fmt.Errorf("%w: id collision", ErrInvalidPlan)
	}
	for r := 0; r <= n; r++ {
		for _, s := range cp.send[r] {
			if seen[s.id] {
				return nil, fmt.Errorf("%w: id collision", ErrInvalidPlan)
			}
			seen[s.id] = true
		}
		for _, s := range cp.expect[r] {
			if seen[s.id] {
				return nil, fmt.Errorf("%w: id collision", ErrInvalidPlan)
			}
			seen[s.id] = true
		}
	}
	return cp, nil
}
