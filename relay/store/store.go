// Package store defines the storage interface behind the relay hub (WIRE.md §6): the store owns
// candidates (stored PUB frames) and, for multi-instance backends, cross-instance interest; the
// hub in relay/server owns connections and local waiters.
package store

import (
	"context"
	"errors"
	"net/netip"
	"time"

	"github.com/tandem-mpc/tandem/relay"
)

// Contributor identifies who published a candidate, for the contributor limits of WIRE.md §3.3.
type Contributor struct {
	Conn string       // "<instance-id>/<conn-id>"
	IP   netip.Prefix // masked client address (§4.2)
}

// Candidate is one stored (or, with TTL 0, forwarded) PUB frame for an id.
type Candidate struct {
	Frame       []byte   // exact published frame; immutable, shared: never modify
	Digest      [32]byte // SHA256(Frame[36:])
	Slot        uint8    // 1..N; 0 = delivered without being stored (TTL 0)
	OneReceiver bool
	Claimed     bool // the store already removed it for this caller (ONE_RECEIVER)
}

// PublishRequest is one PUB handed to the store by the hub.
type PublishRequest struct {
	ID     relay.MsgID
	Frame  []byte
	Digest [32]byte      // computed once by the publishing hub
	TTL    time.Duration // already clamped; 0 = deliver to current waiters only
	From   Contributor
}

// PublishStatus is the outcome of a Publish that did not fail.
type PublishStatus uint8

// Publish outcomes (WIRE.md §3.2).
const (
	Stored            PublishStatus = iota + 1 // a new candidate was stored (and delivered to waiters)
	Duplicate                                  // a live candidate has the same digest: ignored
	CandidatesFull                             // the id already has N live candidates: ignored
	ContributorLimit                           // this connection or IP prefix is at its limit: ignored
	DeliveredUnstored                          // TTL 0: delivered to current waiters, not stored
)

func (s PublishStatus) String() string {
	switch s {
	case Stored:
		return "stored"
	case Duplicate:
		return "duplicate"
	case CandidatesFull:
		return "candidates_full"
	case ContributorLimit:
		return "contributor_limit"
	case DeliveredUnstored:
		return "delivered_unstored"
	default:
		return "unknown"
	}
}

// Sink is implemented by the hub. Calls may come from any goroutine and must not block. A store
// never calls the Sink while holding one of its own locks, so the Sink may call back into it.
type Sink interface {
	Deliver(id relay.MsgID, c Candidate) // a candidate appeared for an id this instance may wait on
	Resync(reason string)                // notifications may have been lost: re-Ask every local pending id
	Reset(reason string)                 // stored data was lost (§8.7)
}

// Stats are counts for metrics; fields a backend cannot know are -1.
type Stats struct {
	StoredBytes      int64
	StoredCandidates int64
	StoredIDs        int64
}

// Store is a relay storage backend. Every method is safe for concurrent use.
type Store interface {
	// Publish applies the PUB rows of §3.2 atomically (duplicate test, limits, store, notify).
	Publish(ctx context.Context, req *PublishRequest) (PublishStatus, error)
	// Ask registers this instance's interest in id until now+ttl (ttl > 0) and returns the
	// live candidates, atomically with respect to Publish. ONE_RECEIVER candidates it returns
	// are removed from the store (Claimed = true).
	Ask(ctx context.Context, id relay.MsgID, ttl time.Duration) ([]Candidate, error)
	// Claim atomically removes a ONE_RECEIVER candidate if it still exists with this digest.
	Claim(ctx context.Context, id relay.MsgID, slot uint8, digest [32]byte) (bool, error)
	// Check reports the readiness of the store (§9.2); nil means ready.
	Check(ctx context.Context) error
	// Stats returns counts for metrics.
	Stats() Stats
	// Close releases the store's resources and stops its goroutines.
	Close() error
}

// Errors a Store returns.
var (
	ErrStoreFull   = errors.New("store: full")        // → close 4004
	ErrUnavailable = errors.New("store: unavailable") // → close 1013 for PUB; retried for ASK
)

// StoredBytesOverhead is the bookkeeping allowance counted per candidate on top of its frame
// length (WIRE.md §4.1).
const StoredBytesOverhead = 128

// Limits are the per-id limits every store enforces (WIRE.md §3.3, §4.1).
type Limits struct {
	MaxCandidates      int // N distinct bodies per id, 1–16 (default 4)
	MaxCandidatesPerIP int // per id × IP prefix; 0 = off (default 1)
	MaxTTL             time.Duration
}

// DefaultLimits returns the defaults of WIRE.md §4.1.
func DefaultLimits() Limits {
	return Limits{MaxCandidates: 4, MaxCandidatesPerIP: 1, MaxTTL: time.Hour}
}
