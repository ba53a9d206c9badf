package server

import (
	"context"
	"crypto/sha256"
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
				hit = h.deliverLocked(w, cand, "ask_hit", tRead) || hit
			} else if c.enqueue(cand.Frame) {
				hit = true
				m.deliveries.WithLabelValues("ask_hit").Inc()
			}
		case registered:
			hit = h.deliverLocked(w, cand, "ask_hit", tRead) || hit
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

// publish handles a PUB frame of connection c (WIRE.md §6 "PUB"). It returns false when the
// connection was closed because of it.
func (h *hub) publish(ctx context.Context, c *conn, frame []byte, hdr relay.Header, tRead time.Time) bool {
	m := h.s.m
	m.publishBytes.Observe(float64(len(frame)))
	ttl := h.clamp(hdr.TTL(), "publish")
	digest := sha256.Sum256(frame[relay.HeaderSize:])
	cost := int64(len(frame)) + store.StoredBytesOverhead
	prefix := c.info.prefix
	limit := h.s.cfg.MaxStoredBytesPerIP
	charged := false
	h.mu.Lock()
	if ttl > 0 && limit > 0 {
		if h.quota[prefix]+cost > limit {
			h.mu.Unlock()
			m.publish.WithLabelValues("ip_quota").Inc()
			c.closeWith(relay.CloseIPQuota, reasonIPQuota)
			return false
		}
		h.quota[prefix] += cost // reserved now, refunded unless Stored
		charged = true
	}
	h.pubTimes[digest] = tRead
	h.mu.Unlock()

	req := &store.PublishRequest{ID: hdr.ID, Frame: frame, Digest: digest, TTL: ttl,
		From: store.Contributor{Conn: c.contributor, IP: prefix}}
	var status store.PublishStatus
	err := h.retry(ctx, func(ctx context.Context) error {
		var err error
		status, err = h.store.Publish(ctx, req)
		return err
	})

	h.mu.Lock()
	delete(h.pubTimes, digest)
	if charged {
		if err == nil && status == store.Stored {
			h.qheap.push(quotaItem{prefix: prefix, cost: cost, due: time.Now().Add(ttl)})
		} else {
			h.releaseQuotaLocked(prefix, cost)
		}
	}
	h.mu.Unlock()

	switch {
	case err == nil:
		m.publish.WithLabelValues(status.String()).Inc()
		return true
	case errors.Is(err, store.ErrStoreFull):
		m.publish.WithLabelValues("store_full").Inc()
		c.closeWith(relay.CloseStoreFull, reasonStoreFull)
	default:
		m.publish.WithLabelValues("backend_error").Inc()
		h.s.log.Warn("publish failed", "conn", c.idHex, "err", err)
		c.closeWith(relay.CloseTryAgainLater, reasonBackendUnavailable)
	}
	return false
}

func (h *hub) releaseQuotaLocked(p netip.Prefix, cost int64) {
	if v := h.quota[p] - cost; v > 0 {
		h.quota[p] = v
	} else {
		delete(h.quota, p)
	}
}

// deliverLocked delivers cand to w unless w already has its digest (§3.2 "deliver c to w").
// h.mu is held. It reports whether the frame was enqueued.
func (h *hub) deliverLocked(w *waiter, cand store.Candidate, path string, tRead time.Time) bool {
	for _, d := range w.delivered {
		if d == cand.Digest {
			return false
		}
	}
	w.delivered = append(w.delivered, cand.Digest)
	if !w.c.enqueue(cand.Frame) {
		return false
	}
	now := time.Now()
	m := h.s.m
	m.deliveries.WithLabelValues(path).Inc()
	if !tRead.IsZero() {
		m.deliverEnqueue.WithLabelValues("local").Observe(now.Sub(tRead).Seconds())
	}
	if !w.gotFirst {
		w.gotFirst = true
		m.askWait.Observe(now.Sub(w.askedAt).Seconds())
	}
	return true
}

// earliestLocked returns the earliest-registered live waiter of id, or nil.
func (h *hub) earliestLocked(id relay.MsgID, now time.Time) *waiter {
	for _, w := range h.ids[id] {
		if w.live(now) {
			return w
		}
	}
	return nil
}

// Deliver implements store.Sink: a candidate appeared for id.
func (h *hub) Deliver(id relay.MsgID, cand store.Candidate) {
	h.mu.Lock()
	defer h.mu.Unlock()
	list := h.ids[id]
	if len(list) == 0 {
		return
	}
	now := time.Now()
	tRead := h.pubTimes[cand.Digest]
	if cand.OneReceiver {
		if cand.Slot != 0 && !cand.Claimed {
			if h.earliestLocked(id, now) == nil {
				return
			}
			h.submit(func() { h.claim(id, cand, tRead) })
			return
		}
		if w := h.earliestLocked(id, now); w != nil {
			h.deliverLocked(w, cand, "notify", tRead)
		}
		return
	}
	for _, w := range list {
		if w.live(now) {
			h.deliverLocked(w, cand, "notify", tRead)
		}
	}
}

// claim runs on the worker: it claims a stored ONE_RECEIVER candidate for the earliest local
// waiter (§6 "Sink.Deliver").
func (h *hub) claim(id relay.MsgID, cand store.Candidate, tRead time.Time) {
	ctx, cancel := h.opCtx(context.Background())
	won, err := h.store.Claim(ctx, id, cand.Slot, cand.Digest)
	cancel()
	if err != nil || !won {
		h.s.m.claims.WithLabelValues("lost").Inc()
		return
	}
	h.s.m.claims.WithLabelValues("won").Inc()
	h.mu.Lock()
	if w := h.earliestLocked(id, time.Now()); w != nil {
		h.deliverLocked(w, cand, "notify", tRead)
	}
	h.mu.Unlock()
}

// Resync implements store.Sink: re-Ask every id with a live local waiter, on the worker.
func (h *hub) Resync(reason string) {
	h.s.log.Info("store resync", "reason", reason)
	h.submit(func() { h.resync(false) })
}

// resync re-asks every id with a live waiter (onlyUnsynced: only those whose ask failed).
func (h *hub) resync(onlyUnsynced bool) {
	now := time.Now()
	type item struct {
		id  relay.MsgID
		ttl time.Duration
	}
	var items []item
	h.mu.Lock()
	for id, list := range h.ids {
		var ttl time.Duration
		want := !onlyUnsynced
		for _, w := range list {
			if w.unsynced {
				want = true
			}
			if r := w.deadline.Sub(now); r > ttl {
				ttl = r
			}
		}
		if want && ttl > 0 {
			items = append(items, item{id, ttl})
		}
	}
	h.lastSync = now
	h.mu.Unlock()
	for _, it := range items {
		select {
		case <-h.stop:
			return
		default:
		}
		ctx, cancel := h.opCtx(context.Background())
		cands, err := h.store.Ask(ctx, it.id, it.ttl)
		cancel()
		if err != nil {
			continue
		}
		h.s.m.reconcileIDs.Inc()
		h.mu.Lock()
		now := time.Now()
		for _, w := range h.ids[it.id] {
			if w.unsynced {
				w.unsynced = false
				h.unsynced--
			}
		}
		for _, cand := range cands {
			if cand.OneReceiver {
				if w := h.earliestLocked(it.id, now); w != nil {
					h.deliverLocked(w, cand, "reconcile", time.Time{})
				}
				continue
			}
			for _, w := range h.ids[it.id] {
				if w.live(now) {
					h.deliverLocked(w, cand, "reconcile", time.Time{})
				}
			}
		}
		h.mu.Unlock()
	}
}

// Reset implements store.Sink: stored data was lost (§8.7).
func (h *hub) Reset(reason string) {
	h.s.m.storeResets.Inc()
	h.s.log.Warn("store reset", "reason", reason, "mode", h.s.cfg.OnStoreReset)
	if h.s.cfg.OnStoreReset == OnResetKeep {
		h.Resync("store reset")
		return
	}
	conns := h.s.connSnapshot()
	spread := h.s.cfg.StoreResetSpread
	h.mu.Lock()
	defer h.mu.Unlock()
	for i, c := range conns {
		if i == 0 {
			c.closeWith(relay.CloseServiceRestart, reasonStoreReset)
			continue
		}
		c := c
		d := time.Duration(int64(spread) * int64(i) / int64(len(conns)))
		h.timers = append(h.timers, time.AfterFunc(d, func() {
			c.closeWith(relay.CloseServiceRestart, reasonStoreReset)
		}))
	}
}

// sweepLoop removes due waiters and quota charges every sweep interval and keeps the watchdog
// heartbeat (§3.5, §9.2).
func (h *hub) sweepLoop() {
	defer h.stopped.Done()
	t := time.NewTicker(h.s.cfg.SweepInterval)
	defer t.Stop()
	for {
		select {
		case <-h.stop:
			return
		case now := <-t.C:
			h.sweep(time.Now())
			_ = now
		}
	}
}

func (h *hub) sweep(now time.Time) {
	h.heartbeat.Store(now.UnixNano())
	m := h.s.m
	h.mu.Lock()
	for {
		w := h.wheap.peek()
		if w == nil || w.deadline.After(now) {
			break
		}
		h.removeWaiterLocked(w)
		m.expired.WithLabelValues("waiter").Inc()
	}
	for {
		q, ok := h.qheap.peek()
		if !ok || q.due.After(now) {
			break
		}
		h.qheap.pop()
		h.releaseQuotaLocked(q.prefix, q.cost)
	}
	retry := h.unsynced > 0 && now.Sub(h.lastSync) >= time.Second
	readyDue := now.Sub(h.lastReady) >= time.Second
	if readyDue {
		h.lastReady = now
	}
	h.mu.Unlock()
	if readyDue {
		h.s.readiness(context.Background()) // keeps tandem_relay_ready current without scrapes of /readyz
	}
	if retry {
		h.submit(func() { h.resync(true) })
	}
}
