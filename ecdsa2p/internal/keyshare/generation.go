package keyshare

import (
	"errors"
	"fmt"

	"github.com/tandem-mpc/tandem/ecdsa2p/internal/ot"
	"github.com/tandem-mpc/tandem/internal/secp"
)

// ErrUnknownGeneration is returned by [Generations.Select] and [Generations.Promote] for a
// share_id the party does not hold (PROTOCOL.md §9.1: a party proposes or accepts a PENDING
// share_id only if it holds it; an old share_id is rejected after promotion).
var ErrUnknownGeneration = errors.New("keyshare: unknown generation (share_id not held)")

// NextGeneration returns the keyshare of the generation a refresh made from k (PROTOCOL.md
// §9.1, "Output"): the same index, key_id, Q, chain code and identities; gen_sid = sidRF and
// share_id = H("tandem/v1/key/share-id", key_id, sid_rf); the new share x′_i (share), the new
// public shares X′_0, X′_1 and the new seeds; status PENDING with the lock bits cleared (the
// only way out of a lock, §10.3). The EXPORTED bit is carried over: an export revealed sk,
// which a refresh does not change.
//
// It checks X′_0 + X′_1 = Q (so key_id is unchanged) and x′_i·G = X′_i; any failure is
// ErrInvalid. k is not modified; every input is copied.
func (k *Keyshare) NextGeneration(sidRF [32]byte, X0, X1 *secp.Point, share *secp.Scalar, chooser *ot.ChooserSeeds, delta *ot.DeltaSeeds) (*Keyshare, error) {
	n, err := New(Fields{
		Index: k.index, GenSID: sidRF, ChainCode: k.cc, X0: X0, X1: X1, Share: share,
		ID0: k.id[0], ID1: k.id[1], Chooser: chooser, Delta: delta, Pending: true,
	})
	if err != nil {
		return nil, err
	}
	if n.q != k.q || n.keyID != k.keyID {
		n.Wipe()
		return nil, fmt.Errorf("%w: X′_0 + X′_1 ≠ Q", ErrInvalid)
	}
	if n.shareID == k.shareID {
		n.Wipe()
		return nil, fmt.Errorf("%w: the new generation reuses gen_sid", ErrInvalid)
	}
	n.flags |= k.flags & FlagExported
	return n, nil
}

// Generations is what a party holds for one key across keygen and refresh (PROTOCOL.md §7.4,
// §9.1 "Generation handover"): the ACTIVE generation and at most one PENDING generation.
// Active is nil only after a keygen whose K4 never arrived (that keyshare is Pending).
//
// The caller persists both records (each with [Keyshare.Marshal]) whenever a method changes
// them; the refresh rounds call the caller's save function with a Generations at each point
// where §9.1 needs durable state. A Generations is not safe for concurrent use.
type Generations struct {
	Active  *Keyshare
	Pending *Keyshare
}

// Check reports whether g is consistent: at least one generation; Active not PENDING;
// Pending PENDING; both of the same key, party and identities, with different share_ids.
func (g *Generations) Check() error {
	if g == nil || (g.Active == nil && g.Pending == nil) {
		return fmt.Errorf("%w: no generation", ErrInvalid)
	}
	if g.Active != nil && g.Active.Pending() {
		return fmt.Errorf("%w: the active generation is PENDING", ErrInvalid)
	}
	if g.Pending != nil && !g.Pending.Pending() {
		return fmt.Errorf("%w: the pending generation is not PENDING", ErrInvalid)
	}
	if g.Active != nil && g.Pending != nil {
		a, p := g.Active, g.Pending
		if a.keyID != p.keyID || a.index != p.index || string(a.id[0]) != string(p.id[0]) || string(a.id[1]) != string(p.id[1]) {
			return fmt.Errorf("%w: the generations belong to different keys or parties", ErrInvalid)
		}
		if a.shareID == p.shareID {
			return fmt.Errorf("%w: both generations have the same share_id", ErrInvalid)
		}
	}
	return nil
}

// Select returns the generation named shareID, ACTIVE or PENDING (for a sign request that
// names it, §9.1), or ErrUnknownGeneration.
func (g *Generations) Select(shareID [32]byte) (*Keyshare, error) {
	switch {
	case g == nil:
	case g.Active != nil && g.Active.shareID == shareID:
		return g.Active, nil
	case g.Pending != nil && g.Pending.shareID == shareID:
		return g.Pending, nil
	}
	return nil, ErrUnknownGeneration
}

// Promote makes the PENDING generation named shareID ACTIVE and deletes (wipes) the old
// ACTIVE one: the peer's valid RF4 (or K4) arrived, possibly late, or the first Finish on the
// pending generation succeeded (§7.4, §9.1). Promoting the generation that is already ACTIVE
// is a no-op. Any other share_id is ErrUnknownGeneration and changes nothing. The caller
// persists g afterwards: the new record first, then the deletion of the old one.
//
// Each status change and the wipe run under the generation's [Keyshare.LockMutex] (one at a
// time, never nested), so Promote must not be called while holding either mutex.
func (g *Generations) Promote(shareID [32]byte) error {
	if g != nil && g.Active != nil && g.Pending == nil && g.Active.shareID == shareID {
		return nil
	}
	if g == nil || g.Pending == nil || g.Pending.shareID != shareID {
		return ErrUnknownGeneration
	}
	old := g.Active
	g.Active, g.Pending = g.Pending, nil
	m := g.Active.LockMutex() // signing may read the status of this generation concurrently
	m.Lock()
	g.Active.Activate()
	m.Unlock()
	if old != nil {
		m := old.LockMutex()
		m.Lock()
		old.Wipe()
		m.Unlock()
	}
	return nil
}

// Discard deletes (wipes) the PENDING generation named shareID and keeps the ACTIVE one with
// its lock state unchanged: the refresh aborted after the pending generation was stored, or
// the peer's RF4 failed its check (ConfirmationMismatch, §9.1). Any other share_id is
// ErrUnknownGeneration and changes nothing.
func (g *Generations) Discard(shareID [32]byte) error {
	if g == nil || g.Pending == nil || g.Pending.shareID != shareID {
		return ErrUnknownGeneration
	}
	g.Pending.Wipe()
	g.Pending = nil
	return nil
}
