package refresh

import (
	"crypto/subtle"
	"errors"
	"fmt"

	"github.com/tandem-mpc/tandem/ecdsa2p/internal/engineerr"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/keyshare"
)

// Round4 is the state after RF4 was sent. The party holds both generations, durably: the old
// one ACTIVE and the new one PENDING. It waits for the peer's RF4. Single-use: either
// [Round4.Next] or [Round4.Pending] consumes it.
type Round4 struct {
	s    *session // secrets already wiped; keeps the ids and the peer's payloads
	gens *keyshare.Generations
	next *keyshare.Keyshare
	want [32]byte // the peer's expected conf_j
	used bool
}

// ShareID returns the new generation's share_id = H("tandem/v1/key/share-id", key_id, sid_rf).
func (r *Round4) ShareID() [32]byte { return r.next.ShareID() }

// Next processes the peer's RF4 (PROTOCOL.md §9.1): binding sid_rf, exact length 66, and
// conf_j = H("tandem/v1/refresh/confirm", sid_rf, u8(j), T_rf, pt(Q), cc, pt(X′_0), pt(X′_1)).
//
// On success it promotes the new generation to ACTIVE, deletes the old one (wiped in memory),
// calls save({Active: new}) and returns the new keyshare: unlocked, same key_id, new
// share_id. If save fails, the error is Internal and the stored pair is still {old ACTIVE, new
// PENDING}, which the first successful Finish on the new share_id promotes.
//
// A wrong confirmation aborts with ConfirmationMismatch and blames the peer; a wrong length
// (MalformedPayload) or a different earlier payload (Equivocation) aborts too. Each such abort
// discards the new generation and calls save({Active: old}): the old keyshare stays, with its
// lock state unchanged. Nothing locks.
func (r *Round4) Next(peerRF4 []byte) (*keyshare.Keyshare, error) {
	const round = 4
	if r == nil || r.used {
		return nil, engineerr.Consumed(op, round)
	}
	if err := r.s.admit(round, peerRF4); err != nil {
		if errors.Is(err, engineerr.ErrIgnore) {
			return nil, err
		}
		r.used = true
		return nil, r.discard(err)
	}
	r.used = true
	if subtle.ConstantTimeCompare(peerRF4[HeaderSize:], r.want[:]) != 1 {
		return nil, r.discard(engineerr.Peer(op, round, engineerr.ConfirmationMismatch, int(r.s.j), nil))
	}
	if err := r.gens.Promote(r.next.ShareID()); err != nil {
		return nil, engineerr.Local(op, round, engineerr.Internal, err)
	}
	if err := r.s.save(r.gens); err != nil {
		return nil, engineerr.Local(op, round, engineerr.Internal, fmt.Errorf("storing the promoted generation: %w", err))
	}
	return r.gens.Active, nil
}

// discard drops the pending generation after a round-4 abort and stores {Active: old}. A
// failing save is joined to the abort.
func (r *Round4) discard(abort error) error {
	if err := r.gens.Discard(r.next.ShareID()); err != nil {
		return errors.Join(abort, err)
	}
	if err := r.s.save(r.gens); err != nil {
		return errors.Join(abort, engineerr.Local(op, 4, engineerr.Internal, fmt.Errorf("discarding the pending generation: %w", err)))
	}
	return abort
}

// Pending ends the run without the peer's RF4 (the session timed out or was cancelled after
// this party sent its RF4). The stored pair stays as save last saw it: the old generation
// ACTIVE and the new one PENDING (§9.1: "keeps both"); the caller reports the refresh as
// incomplete (engineerr.ErrIncomplete). The returned [LateConfirmation] promotes the new
// generation if the peer's RF4 arrives later; the first successful Finish on the new share_id
// promotes it too (keyshare.Generations.Promote).
func (r *Round4) Pending() (*LateConfirmation, error) {
	if r == nil || r.used {
		return nil, engineerr.Consumed(op, 4)
	}
	r.used = true
	return &LateConfirmation{sid: r.s.sid, j: r.s.j, want: r.want, shareID: r.next.ShareID()}, nil
}

// LateConfirmation checks a peer's RF4 that arrives after the session ended. It holds only
// public values (sid_rf, the new share_id and the expected conf_j).
type LateConfirmation struct {
	sid     [32]byte
	j       uint8
	want    [32]byte
	shareID [32]byte
}

// ShareID returns the share_id of the generation the late RF4 would confirm.
func (l *LateConfirmation) ShareID() [32]byte { return l.shareID }

// Check verifies a late RF4. nil means the peer confirmed. A payload with a wrong header or
// binding is ignored (engineerr.ErrIgnore); a wrong length is MalformedPayload; a wrong value
// is ConfirmationMismatch. Check may be called more than once.
func (l *LateConfirmation) Check(peerRF4 []byte) error {
	const round = 4
	if len(peerRF4) < HeaderSize || peerRF4[0] != Version || peerRF4[1] != TypeRF4 ||
		subtle.ConstantTimeCompare(peerRF4[2:HeaderSize], l.sid[:]) != 1 {
		return engineerr.Ignored(op, round, "not this run's RF4")
	}
	if len(peerRF4) != SizeRF4 {
		return engineerr.Peer(op, round, engineerr.MalformedPayload, int(l.j), nil)
	}
	if subtle.ConstantTimeCompare(peerRF4[HeaderSize:], l.want[:]) != 1 {
		return engineerr.Peer(op, round, engineerr.ConfirmationMismatch, int(l.j), nil)
	}
	return nil
}

// Promote checks a late RF4 with [LateConfirmation.Check] and, if the peer confirmed,
// promotes the new generation in g (deleting the old one) and stores g with save. If g no
// longer holds the pending generation (a Finish already promoted it, or it was discarded) the
// RF4 is checked and nothing else happens for an already ACTIVE generation;
// keyshare.ErrUnknownGeneration is returned for a discarded one.
func (l *LateConfirmation) Promote(peerRF4 []byte, g *keyshare.Generations, save SaveFunc) error {
	if err := l.Check(peerRF4); err != nil {
		return err
	}
	if save == nil {
		return engineerr.Local(op, 4, engineerr.Internal, errors.New("a save function is required"))
	}
	if g != nil && g.Active != nil && g.Active.ShareID() == l.shareID {
		return nil
	}
	if err := g.Promote(l.shareID); err != nil {
		return engineerr.Local(op, 4, engineerr.Internal, err)
	}
	if err := save(g); err != nil {
		return engineerr.Local(op, 4, engineerr.Internal, fmt.Errorf("storing the promoted generation: %w", err))
	}
	return nil
}
