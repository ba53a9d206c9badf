package keygen

import (
	"crypto/subtle"
	"errors"

	"github.com/tandem-mpc/tandem/ecdsa2p/internal/engineerr"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/keyshare"
)

// Round4 is the state after K4 was sent: it holds the finished keyshare (status PENDING) and
// waits for the peer's K4. Single-use: either [Round4.Next] or [Round4.Pending] consumes it;
// [Round4.PendingKeyshare] reads the keyshare without consuming it.
type Round4 struct {
	s    *session // secrets already wiped; keeps the ids and the peer's payloads
	ks   *keyshare.Keyshare
	want [32]byte // the peer's expected conf_j
	used bool
}

// Next processes the peer's K4 (PROTOCOL.md §7.4): binding sid_kg, exact length 66, and
// conf_j = H("tandem/v1/keygen/confirm", sid_kg, u8(j), T_kg, pt(Q), cc). On success it returns
// the keyshare with status ACTIVE. A wrong confirmation aborts with ConfirmationMismatch,
// blames the peer, and discards the keyshare: between honest parties both checks succeed or
// fail together.
func (r *Round4) Next(peerK4 []byte) (*keyshare.Keyshare, error) {
	const round = 4
	if r == nil || r.used {
		return nil, engineerr.Consumed(op, round)
	}
	if err := r.s.admit(round, peerK4); err != nil {
		if errors.Is(err, engineerr.ErrIgnore) {
			return nil, err
		}
		r.fail()
		return nil, err
	}
	r.used = true
	if subtle.ConstantTimeCompare(peerK4[HeaderSize:], r.want[:]) != 1 {
		r.ks.Wipe()
		r.ks = nil
		return nil, engineerr.Peer(op, round, engineerr.ConfirmationMismatch, int(r.s.j), nil)
	}
	ks := r.ks
	r.ks = nil
	ks.Activate()
	return ks, nil
}

// PendingKeyshare returns the finished keyshare (status PENDING) without consuming r, so that
// the caller can persist it before this party's K4 leaves (§7.4: an incomplete keygen must
// never lose the share the peer may already hold as ACTIVE). Call it right after
// [Round3.Next] and store the result before sending K4.
//
// The keyshare is borrowed, not handed over: r keeps owning it. The caller serializes it and
// must not retain or modify it; [Round4.Next] activates it in place or wipes it on an abort,
// and [Round4.Pending] hands it over. After either, PendingKeyshare fails with
// engineerr.ErrStateConsumed.
func (r *Round4) PendingKeyshare() (*keyshare.Keyshare, error) {
	if r == nil || r.used || r.ks == nil {
		return nil, engineerr.Consumed(op, 4)
	}
	return r.ks, nil
}

// Pending ends the run without the peer's K4 (the session timed out or was cancelled after
// this party sent its K4): it returns the keyshare with status PENDING, which the caller
// stores and reports as incomplete (engineerr.ErrIncomplete), and a [LateConfirmation] that
// promotes it if the peer's K4 arrives later (§7.4, N32).
func (r *Round4) Pending() (*keyshare.Keyshare, *LateConfirmation, error) {
	if r == nil || r.used {
		return nil, nil, engineerr.Consumed(op, 4)
	}
	r.used = true
	ks := r.ks
	r.ks = nil
	return ks, &LateConfirmation{sid: r.s.sid, j: r.s.j, want: r.want}, nil
}

func (r *Round4) fail() {
	r.used = true
	r.ks.Wipe()
	r.ks = nil
}

// LateConfirmation checks a peer's K4 that arrives after the session ended. It holds only
// public values (sid_kg and the expected conf_j).
type LateConfirmation struct {
	sid  [32]byte
	j    uint8
	want [32]byte
}

// Check verifies a late K4. nil means the peer confirmed: the caller activates the PENDING
// keyshare (Keyshare.Activate) and persists it. A payload with a wrong header or binding is
// ignored (engineerr.ErrIgnore); a wrong length is MalformedPayload; a wrong value is
// ConfirmationMismatch. Check may be called more than once.
func (l *LateConfirmation) Check(peerK4 []byte) error {
	const round = 4
	if len(peerK4) < HeaderSize || peerK4[0] != Version || peerK4[1] != TypeK4 ||
		subtle.ConstantTimeCompare(peerK4[2:HeaderSize], l.sid[:]) != 1 {
		return engineerr.Ignored(op, round, "not this run's K4")
	}
	if len(peerK4) != SizeK4 {
		return engineerr.Peer(op, round, engineerr.MalformedPayload, int(l.j), nil)
	}
	if subtle.ConstantTimeCompare(peerK4[HeaderSize:], l.want[:]) != 1 {
		return engineerr.Peer(op, round, engineerr.ConfirmationMismatch, int(l.j), nil)
	}
	return nil
}
