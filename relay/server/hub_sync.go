package server

import (
	"context"
	"time"

	"github.com/tandem-mpc/tandem/relay"
)

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
