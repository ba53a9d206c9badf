package server

import (
	"context"
	"errors"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tandem-mpc/tandem/relay"
	"github.com/tandem-mpc/tandem/relay/store"
)

// hub owns the local waiters of every connection, fans candidates out to them with per-waiter
// de-duplication, and keeps the per-IP stored-bytes quota (WIRE.md §6). It implements
// store.Sink. One mutex guards all of its state; it is never held across a store call
// (Appendix Y.8), and nothing it calls while holding it blocks (enqueueing is non-blocking).
type hub struct {
	s     *Server
	store store.Store // set once, before the first connection

	mu        sync.Mutex
	ids       map[relay.MsgID][]*waiter // live and not-yet-swept waiters per id, in registration order
	wheap     waiterHeap
	seq       uint64
	quota     map[netip.Prefix]int64
	qheap     quotaHeap
	pubTimes  map[[32]byte]time.Time // frame read times of PUBs in flight, for deliver_enqueue_seconds
	unsynced  int                    // waiters whose Store.Ask failed with ErrUnavailable
	lastSync  time.Time
	lastReady time.Time

	jobsMu  sync.Mutex
	jobs    []func()
	jobSig  chan struct{}
	stop    chan struct{}
	stopped sync.WaitGroup
	timers  []*time.Timer // 1012 closes scheduled by Reset

	heartbeat atomic.Int64 // unix nanos of the sweeper's last tick (§9.2 watchdog)
}

// waiter is one (connection, id) interest (WIRE.md §3.1).
type waiter struct {
	c         *conn
	id        relay.MsgID
	seq       uint64
	deadline  time.Time
	askedAt   time.Time
	delivered [][32]byte
	hidx      int
	gotFirst  bool
	unsynced  bool
}

func (w *waiter) live(now time.Time) bool { return w.deadline.After(now) }

func newHub(s *Server) *hub {
	h := &hub{
		s:        s,
		ids:      make(map[relay.MsgID][]*waiter),
		quota:    make(map[netip.Prefix]int64),
		pubTimes: make(map[[32]byte]time.Time),
		jobSig:   make(chan struct{}, 1),
		stop:     make(chan struct{}),
	}
	h.heartbeat.Store(time.Now().UnixNano())
	return h
}

// start launches the sweeper and the worker goroutine.
func (h *hub) start() {
	h.stopped.Add(2)
	go h.sweepLoop()
	go h.workLoop()
}

// close stops the hub's goroutines and pending timers.
func (h *hub) close() {
	select {
	case <-h.stop:
		return
	default:
	}
	close(h.stop)
	h.stopped.Wait()
	h.mu.Lock()
	for _, t := range h.timers {
		t.Stop()
	}
	h.timers = nil
	h.mu.Unlock()
}

// submit queues f for the worker goroutine. It never blocks.
func (h *hub) submit(f func()) {
	h.jobsMu.Lock()
	h.jobs = append(h.jobs, f)
	h.jobsMu.Unlock()
	select {
	case h.jobSig <- struct{}{}:
	default:
	}
}

func (h *hub) workLoop() {
	defer h.stopped.Done()
	for {
		select {
		case <-h.stop:
			return
		case <-h.jobSig:
		}
		for {
			h.jobsMu.Lock()
			jobs := h.jobs
			h.jobs = nil
			h.jobsMu.Unlock()
			if len(jobs) == 0 {
				break
			}
			for _, f := range jobs {
				h.runJob(f)
			}
		}
	}
}

func (h *hub) runJob(f func()) {
	defer func() {
		if r := recover(); r != nil {
			h.s.m.panics.Inc()
			h.s.log.Error("hub worker panic recovered", "panic", r)
		}
	}()
	f()
}

// opCtx returns a context for one store call, bounded by the store op timeout.
func (h *hub) opCtx(parent context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(parent, h.s.cfg.StoreOpTimeout)
}

// clamp applies --max-ttl and counts the clamp.
func (h *hub) clamp(ttl time.Duration, kind string) time.Duration {
	if ttl > h.s.cfg.MaxTTL {
		h.s.m.ttlClamped.WithLabelValues(kind).Inc()
		return h.s.cfg.MaxTTL
	}
	return ttl
}

// ask handles an ASK frame of connection c (WIRE.md §6 "ASK").
func (h *hub) ask(ctx context.Context, c *conn, hdr relay.Header, tRead time.Time) {
	m := h.s.m
	ttl := h.clamp(hdr.TTL(), "ask")
	if ttl == 0 {
		cands, err := h.storeAsk(ctx, hdr.ID, 0)
		if err != nil {
			h.s.log.Warn("ask failed", "conn", c.idHex, "err", err)
			return
		}
		for _, cand := range cands {
			if c.enqueue(cand.Frame) {
				m.deliveries.WithLabelValues("ask_hit").Inc()
			}
		}
		m.ask.WithLabelValues("zero_ttl").Inc()
		return
	}
	now := time.Now()
	dl := now.Add(ttl)
	h.mu.Lock()
	w := c.waiters[hdr.ID]
	if w == nil {
		if len(c.waiters) >= h.s.cfg.MaxPendingAsks {
			h.mu.Unlock()
			m.ask.WithLabelValues("refused").Inc()
			c.closeWith(relay.CloseTooManyAsks, reasonAskLimit)
			return
		}
		h.seq++
		w = &waiter{c: c, id: hdr.ID, seq: h.seq, deadline: dl, askedAt: tRead}
		c.waiters[hdr.ID] = w
		h.ids[hdr.ID] = append(h.ids[hdr.ID], w)
		h.wheap.push(w)
		m.pendingAsks.Inc()
	} else if dl.After(w.deadline) {
		w.deadline = dl
		h.wheap.fix(w)
	}
	w.delivered = w.delivered[:0] // an explicit re-ASK re-sends everything (§3.2)
	h.mu.Unlock()

	cands, err := h.storeAsk(ctx, hdr.ID, ttl)
	if err != nil {
		h.mu.Lock()
		if c.waiters[hdr.ID] == w && !w.unsynced {
			w.unsynced = true
			h.unsynced++
		}
		h.mu.Unlock()
		h.s.log.Warn("ask failed; waiter kept unsynced", "conn", c.idHex, "err", err)
		m.ask.WithLabelValues("wait").Inc()
		return
	}
	hit := false
	h.mu.Lock()
	registered := c.waiters[hdr.ID] == w
	for _, cand := range cands {
		switch {
		case cand.Claimed: // a ONE_RECEIVER candidate the store removed for us
			if registered {
				hit = h.deliverLocked(w, cand, "ask_hit", tRead, "local") || hit
			} else if c.enqueue(cand.Frame) {
				hit = true
				m.deliveries.WithLabelValues("ask_hit").Inc()
			}
		case registered:
			hit = h.deliverLocked(w, cand, "ask_hit", tRead, "local") || hit
		}
	}
	h.mu.Unlock()
	if hit {
		m.ask.WithLabelValues("hit").Inc()
	} else {
		m.ask.WithLabelValues("wait").Inc()
	}
}

// storeAsk calls Store.Ask, retrying ErrUnavailable with backoff until the op timeout.
func (h *hub) storeAsk(ctx context.Context, id relay.MsgID, ttl time.Duration) ([]store.Candidate, error) {
	var cands []store.Candidate
	err := h.retry(ctx, func(ctx context.Context) error {
		var err error
		cands, err = h.store.Ask(ctx, id, ttl)
		return err
	})
	return cands, err
}

// retry runs op until it succeeds, fails with an error other than store.ErrUnavailable, or the
// op timeout passes. Backoff: 50, 100, 200, … ms (§6 "PUB").
func (h *hub) retry(ctx context.Context, op func(context.Context) error) error {
	deadline := time.Now().Add(h.s.cfg.StoreOpTimeout)
	backoff := 50 * time.Millisecond
	for {
		octx, cancel := context.WithDeadline(ctx, deadline)
		err := op(octx)
		cancel()
		if err == nil || !errors.Is(err, store.ErrUnavailable) {
			return err
		}
		wait := min(backoff, time.Until(deadline))
		if wait <= 0 {
			return err
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return err
		case <-t.C:
		}
		backoff *= 2
	}
}

// unask removes c's waiter for id.
func (h *hub) unask(c *conn, id relay.MsgID) {
	h.mu.Lock()
	if w := c.waiters[id]; w != nil {
		h.removeWaiterLocked(w)
	}
	h.mu.Unlock()
	h.s.m.ask.WithLabelValues("unask").Inc()
}

// removeWaiterLocked unlinks w from every index. h.mu is held.
func (h *hub) removeWaiterLocked(w *waiter) {
	delete(w.c.waiters, w.id)
	list := h.ids[w.id]
	for i, x := range list {
		if x == w {
			list = append(list[:i:i], list[i+1:]...)
			break
		}
	}
	if len(list) == 0 {
		delete(h.ids, w.id)
	} else {
		h.ids[w.id] = list
	}
	if w.hidx >= 0 {
		h.wheap.remove(w)
	}
	if w.unsynced {
		h.unsynced--
	}
	h.s.m.pendingAsks.Dec()
}

// removeConn drops every waiter of c (connection closed).
func (h *hub) removeConn(c *conn) {
	h.mu.Lock()
	for _, w := range c.waiters {
		h.removeWaiterLocked(w)
	}
	h.mu.Unlock()
}
