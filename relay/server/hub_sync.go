package server

import (
	"context"
	"time"

	"github.com/tandem-mpc/tandem/relay"
	"github.com/tandem-mpc/tandem/relay/store"
)

// Resync implements store.Sink: re-Ask ids with a live local waiter, on the worker. The
// reason is the trigger of tandem_relay_reconcile_runs_total (resubscribe, probe, periodic,
// unsynced, epoch). A periodic resync (§8.6) only re-asks waiters older than
// periodicResyncAge that have received nothing yet; every other reason re-asks every id.
func (h *hub) Resync(reason string) {
	if reason != "periodic" {
		h.s.log.Info("store resync", "reason", reason)
	}
	mode := resyncAll
	if reason == "periodic" {
		mode = resyncStale
	}
	h.submit(func() { h.resync(mode, reason) })
}

// Resync modes.
const (
	resyncAll      = iota // every id with a live waiter
	resyncUnsynced        // ids whose Store.Ask failed
	resyncStale           // ids with a waiter older than periodicResyncAge that got nothing
)

// periodicResyncAge is the age from which a waiter that received nothing is re-asked by the
// periodic resync (§8.6).
const periodicResyncAge = 5 * time.Second

// resync re-asks the ids that mode selects.
func (h *hub) resync(mode int, trigger string) {
	h.s.m.reconcileRuns.WithLabelValues(trigger).Inc()
	now := time.Now()
	type item struct {
		id  relay.MsgID
		ttl time.Duration
	}
	var items []item
	h.mu.Lock()
	for id, list := range h.ids {
		var ttl time.Duration
		want := mode == resyncAll
		for _, w := range list {
			switch {
			case w.unsynced:
				want = true
			case mode == resyncStale && !w.gotFirst && now.Sub(w.askedAt) >= periodicResyncAge:
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
	ba, batched := h.store.(BatchAsker)
	for start := 0; start < len(items); start += resyncBatch {
		select {
		case <-h.stop:
			return
		default:
		}
		chunk := items[start:min(start+resyncBatch, len(items))]
		ids := make([]relay.MsgID, len(chunk))
		ttls := make([]time.Duration, len(chunk))
		for i, it := range chunk {
			ids[i], ttls[i] = it.id, it.ttl
		}
		var results [][]store.Candidate
		var errs []error
		if batched {
			ctx, cancel := h.opCtx(context.Background())
			results, errs = ba.AskBatch(ctx, ids, ttls)
			cancel()
		} else {
			results, errs = make([][]store.Candidate, len(ids)), make([]error, len(ids))
			for i := range ids {
				ctx, cancel := h.opCtx(context.Background())
				results[i], errs[i] = h.store.Ask(ctx, ids[i], ttls[i])
				cancel()
			}
		}
		for i, id := range ids {
			if i < len(errs) && errs[i] == nil && i < len(results) {
				h.applyResync(id, results[i])
			}
		}
	}
}

// resyncBatch is how many ids one resync step re-asks together (§6 "Resync": Redis pipelines
// them in batches of 128).
const resyncBatch = 128

// BatchAsker is implemented by stores that can run many Asks in one round trip (redisstore
// pipelines them). Resync uses it when the store has it; errs[i] and results[i] belong to
// ids[i].
type BatchAsker interface {
	AskBatch(ctx context.Context, ids []relay.MsgID, ttls []time.Duration) (results [][]store.Candidate, errs []error)
}

// applyResync delivers the candidates a resync Ask returned for id and clears the unsynced
// marks of its waiters.
func (h *hub) applyResync(id relay.MsgID, cands []store.Candidate) {
	h.s.m.reconcileIDs.Inc()
	h.mu.Lock()
	defer h.mu.Unlock()
	now := time.Now()
	for _, w := range h.ids[id] {
		if w.unsynced {
			w.unsynced = false
			h.unsynced--
		}
	}
	for _, cand := range cands {
		if cand.OneReceiver {
			if w := h.earliestLocked(id, now); w != nil {
				h.deliverLocked(w, cand, "reconcile", time.Time{}, "local")
			}
			continue
		}
		for _, w := range h.ids[id] {
			if w.live(now) {
				h.deliverLocked(w, cand, "reconcile", time.Time{}, "local")
			}
		}
	}
}

// Reset implements store.Sink: stored data was lost (§8.7).
func (h *hub) Reset(reason string) {
	h.s.m.storeResets.Inc()
	h.s.log.Warn("store reset", "reason", reason, "mode", h.s.cfg.OnStoreReset)
	if h.s.cfg.OnStoreReset == OnResetKeep {
		h.s.log.Info("store resync", "reason", "epoch")
		h.submit(func() { h.resync(resyncAll, "epoch") })
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
		h.submit(func() { h.resync(resyncUnsynced, "unsynced") })
	}
}
