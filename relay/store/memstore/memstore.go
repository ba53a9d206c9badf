package memstore

import (
	"context"
	"encoding/binary"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tandem-mpc/tandem/relay"
	"github.com/tandem-mpc/tandem/relay/store"
)

// Errors of the memory store, besides store.ErrStoreFull.
var (
	// ErrClosed is returned by every operation after Close. It wraps store.ErrUnavailable,
	// so a hub treats it like a backend that went away.
	ErrClosed = fmt.Errorf("memstore: closed: %w", store.ErrUnavailable)
	// ErrInvalidRequest reports a PublishRequest the hub should never have built: a nil
	// request, a frame that is not a PUB (at most 36 bytes), a frame whose header id differs
	// from the request's id, or a negative TTL. It wraps relay.ErrInvalidFrame.
	ErrInvalidRequest = fmt.Errorf("memstore: invalid publish request: %w", relay.ErrInvalidFrame)
)

// Store is the single-instance memory backend of WIRE.md §7. Create it with New; every method
// is safe for concurrent use.
type Store struct {
	limits        store.Limits
	maxBytes      int64 // < 0: no cap
	readyFraction float64
	clock         Clock
	base          time.Time // deadlines are nanoseconds since base
	sink          store.Sink
	onExpire      func(kind string, lag time.Duration)

	storedBytes atomic.Int64
	candidates  atomic.Int64
	ids         atomic.Int64

	closed    atomic.Bool
	closeOnce sync.Once
	stop      chan struct{}
	done      chan struct{}

	shards [numShards]shard
}

var _ store.Store = (*Store)(nil)

// New returns a running Store that notifies sink (nil: nobody) of every stored or TTL-0
// publish. It starts the sweeper goroutine; Close stops it.
func New(cfg Config, sink store.Sink) *Store {
	cfg = cfg.normalized()
	if sink == nil {
		sink = nopSink{}
	}
	s := &Store{
		limits:        cfg.Limits,
		maxBytes:      cfg.MaxStoredBytes,
		readyFraction: cfg.ReadyFraction,
		clock:         cfg.Clock,
		sink:          sink,
		onExpire:      cfg.OnExpire,
		stop:          make(chan struct{}),
		done:          make(chan struct{}),
	}
	s.base = s.clock.Now()
	for i := range s.shards {
		s.shards[i].entries = make(map[relay.MsgID]*entry)
	}
	go s.sweepLoop(s.clock.NewTicker(cfg.SweepInterval))
	return s
}

// now returns the current time in nanoseconds since s.base.
func (s *Store) now() int64 { return int64(s.clock.Now().Sub(s.base)) }

// usable returns the error an operation must fail with, if any.
func (s *Store) usable(ctx context.Context) error {
	if s.closed.Load() {
		return ErrClosed
	}
	return ctx.Err()
}

// Publish applies the PUB rows of WIRE.md §3.2 for req, in this order (the order of the Redis
// publish script, §8.3, so both backends answer alike): expired candidates of the id are
// dropped; a live candidate with the same digest → Duplicate (its deadline is not extended);
// the publishing connection already owns a live candidate of the id, or MaxCandidatesPerIP > 0
// live candidates come from its IP prefix → ContributorLimit; TTL 0 → the candidate is handed
// to the Sink with Slot 0 and not stored (DeliveredUnstored); N live candidates →
// CandidatesFull; the byte reservation would pass the cap → store.ErrStoreFull with no state
// changed; otherwise the candidate is stored in the lowest free slot (Stored).
//
// On Stored and DeliveredUnstored, Publish calls Sink.Deliver once, after releasing its lock
// and before returning; ONE_RECEIVER candidates are delivered the same way and the hub claims
// them (§6). Publish keeps req.Frame (it does not copy it): the caller must not modify it
// afterwards. req.Digest is trusted to be SHA256(req.Frame[36:]).
func (s *Store) Publish(ctx context.Context, req *store.PublishRequest) (store.PublishStatus, error) {
	if err := s.usable(ctx); err != nil {
		return 0, err
	}
	if req == nil || len(req.Frame) <= relay.HeaderSize || relay.MsgID(req.Frame[:32]) != req.ID || req.TTL < 0 {
		return 0, ErrInvalidRequest
	}
	ttl := min(req.TTL, relay.MaxTTL)
	if s.limits.MaxTTL > 0 {
		ttl = min(ttl, s.limits.MaxTTL)
	}
	oneReceiver := binary.LittleEndian.Uint16(req.Frame[34:36])&relay.FlagOneReceiver != 0

	sh := &s.shards[req.ID[0]]
	var lags lagBuf
	sh.mu.Lock()
	now := s.now()
	e := sh.entries[req.ID]
	if e != nil && s.purgeLocked(sh, e, now, &lags) {
		e = nil
	}
	status := s.admitLocked(e, req)
	switch {
	case status != 0:
	case ttl == 0:
		status = store.DeliveredUnstored
	case e != nil && len(e.cands) >= s.limits.MaxCandidates:
		status = store.CandidatesFull
	default:
		if !s.reserve(CandidateBytes(len(req.Frame))) {
			sh.mu.Unlock()
			s.report(&lags)
			return 0, store.ErrStoreFull
		}
		isNew := e == nil
		var c *candidate
		if isNew {
			e = &entry{id: req.ID}
			e.cands = e.inline[:0]
			c = &e.first
		} else {
			c = new(candidate)
		}
		*c = candidate{
			frame:       req.Frame,
			digest:      req.Digest,
			conn:        req.From.Conn,
			ip:          req.From.IP,
			deadline:    now + int64(ttl),
			slot:        e.freeSlot(),
			oneReceiver: oneReceiver,
		}
		sh.insert(e, c, isNew)
		s.candidates.Add(1)
		if isNew {
			s.ids.Add(1)
		}
		delivered := c.public(false) // c is the shard's once the lock is released
		sh.mu.Unlock()
		s.report(&lags)
		s.sink.Deliver(req.ID, delivered)
		return store.Stored, nil
	}
	sh.mu.Unlock()
	s.report(&lags)
	if status == store.DeliveredUnstored {
		s.sink.Deliver(req.ID, store.Candidate{Frame: req.Frame, Digest: req.Digest, OneReceiver: oneReceiver})
	}
	return status, nil
}

// admitLocked applies the duplicate test and then the contributor limits of §3.3 to the live
// candidates of e (which may be nil). It returns 0 when the publish may proceed.
func (s *Store) admitLocked(e *entry, req *store.PublishRequest) store.PublishStatus {
	if e == nil {
		return 0
	}
	for _, c := range e.cands {
		if c.digest == req.Digest {
			return store.Duplicate
		}
	}
	fromIP := 0
	for _, c := range e.cands {
		if c.conn == req.From.Conn {
			return store.ContributorLimit
		}
		if c.ip == req.From.IP {
			fromIP++
		}
	}
	if lim := s.limits.MaxCandidatesPerIP; lim > 0 && fromIP >= lim {
		return store.ContributorLimit
	}
	return 0
}

// Ask returns the live candidates of id in arrival order, atomically with respect to Publish.
// ONE_RECEIVER candidates it returns are removed (Claimed = true). The memory store is a single
// instance, so Ask registers nothing and ignores ttl: the hub owns the waiters and Publish
// notifies the Sink of every publish. Ask returns nil when the id has no live candidate.
func (s *Store) Ask(ctx context.Context, id relay.MsgID, ttl time.Duration) ([]store.Candidate, error) {
	if err := s.usable(ctx); err != nil {
		return nil, err
	}
	sh := &s.shards[id[0]]
	var lags lagBuf
	var out []store.Candidate
	sh.mu.Lock()
	e := sh.entries[id]
	if e != nil && !s.purgeLocked(sh, e, s.now(), &lags) {
		out = make([]store.Candidate, 0, len(e.cands))
		for i := 0; i < len(e.cands); {
			c := e.cands[i]
			if !c.oneReceiver {
				out = append(out, c.public(false))
				i++
				continue
			}
			out = append(out, c.public(true))
			s.dropLocked(sh, c) // shifts e.cands down by one
		}
	}
	sh.mu.Unlock()
	s.report(&lags)
	return out, nil
}

// Claim removes the live ONE_RECEIVER candidate of id in slot whose digest is digest, and
// reports whether it did. It returns false if the candidate was already claimed (by an Ask or
// another Claim), expired, or is not a ONE_RECEIVER candidate.
func (s *Store) Claim(ctx context.Context, id relay.MsgID, slot uint8, digest [32]byte) (bool, error) {
	if err := s.usable(ctx); err != nil {
		return false, err
	}
	sh := &s.shards[id[0]]
	var lags lagBuf
	claimed := false
	sh.mu.Lock()
	e := sh.entries[id]
	if e != nil && !s.purgeLocked(sh, e, s.now(), &lags) {
		for _, c := range e.cands {
			if c.slot == slot && c.digest == digest && c.oneReceiver {
				s.dropLocked(sh, c)
				claimed = true
				break
			}
		}
	}
	sh.mu.Unlock()
	s.report(&lags)
	return claimed, nil
}

// Check reports readiness (§9.2): an error after Close, or one wrapping store.ErrStoreFull
// while the stored bytes exceed ReadyFraction of the cap.
func (s *Store) Check(ctx context.Context) error {
	if err := s.usable(ctx); err != nil {
		return err
	}
	if s.maxBytes < 0 {
		return nil
	}
	stored := s.storedBytes.Load()
	if limit := s.readyFraction * float64(s.maxBytes); float64(stored) > limit {
		return fmt.Errorf("memstore: %d stored bytes above the ready limit of %.0f: %w", stored, limit, store.ErrStoreFull)
	}
	return nil
}

// Stats returns the stored bytes (len(frame)+store.StoredBytesOverhead per candidate), the
// number of candidates and the number of ids with at least one candidate. Expired candidates
// count until the sweeper (or a lookup of their id) removes them.
func (s *Store) Stats() store.Stats {
	return store.Stats{
		StoredBytes:      s.storedBytes.Load(),
		StoredCandidates: s.candidates.Load(),
		StoredIDs:        s.ids.Load(),
	}
}

// Close stops the sweeper and waits for it to exit. Later operations fail with ErrClosed.
// Close is idempotent and always returns nil.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		s.closed.Store(true)
		close(s.stop)
		<-s.done
	})
	return nil
}

// reserve adds n to the stored bytes unless that would pass the cap.
func (s *Store) reserve(n int64) bool {
	if s.maxBytes < 0 {
		s.storedBytes.Add(n)
		return true
	}
	for {
		cur := s.storedBytes.Load()
		if cur+n > s.maxBytes {
			return false
		}
		if s.storedBytes.CompareAndSwap(cur, cur+n) {
			return true
		}
	}
}

// dropLocked removes c from the store and releases its accounting. sh.mu must be held.
func (s *Store) dropLocked(sh *shard, c *candidate) (entryGone bool) {
	entryGone = sh.unlink(c)
	s.storedBytes.Add(-CandidateBytes(len(c.frame)))
	s.candidates.Add(-1)
	if entryGone {
		s.ids.Add(-1)
	}
	c.frame = nil // e.first may outlive the candidate it held: let the frame go
	return entryGone
}

// purgeLocked drops the expired candidates of e, recording their lags, and reports whether e
// is gone. sh.mu must be held.
func (s *Store) purgeLocked(sh *shard, e *entry, now int64, lags *lagBuf) (entryGone bool) {
	for i := 0; i < len(e.cands); {
		c := e.cands[i]
		if c.deadline > now {
			i++
			continue
		}
		lags.add(now - c.deadline)
		if s.dropLocked(sh, c) {
			return true
		}
	}
	return false
}

// report hands the recorded lags to the OnExpire hook. No lock may be held.
func (s *Store) report(lags *lagBuf) {
	if s.onExpire == nil {
		return
	}
	for _, l := range lags.buf[:lags.n] {
		s.onExpire(ExpiryKindCandidate, l)
	}
}

// lagBuf collects the expiry lags of one entry (at most maxCandidatesCap) without allocating.
type lagBuf struct {
	buf [maxCandidatesCap]time.Duration
	n   int
}

func (b *lagBuf) add(ns int64) {
	if b.n == len(b.buf) {
		panic("memstore: internal error: more expired candidates than slots")
	}
	b.buf[b.n] = time.Duration(ns)
	b.n++
}

func (c *candidate) public(claimed bool) store.Candidate {
	return store.Candidate{Frame: c.frame, Digest: c.digest, Slot: c.slot, OneReceiver: c.oneReceiver, Claimed: claimed}
}

type nopSink struct{}

func (nopSink) Deliver(relay.MsgID, store.Candidate) {}
func (nopSink) Resync(string)                        {}
func (nopSink) Reset(string)                         {}
