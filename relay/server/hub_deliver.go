package server

import (
	"context"
	"crypto/sha256"
	"errors"
	"net/netip"
	"time"

	"github.com/tandem-mpc/tandem/relay"
	"github.com/tandem-mpc/tandem/relay/store"
)

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
	case errors.Is(err, store.ErrUnavailable), errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		m.publish.WithLabelValues("backend_error").Inc()
		h.s.log.Warn("publish failed: backend unavailable", "conn", c.idHex, "err", err)
		c.closeWith(relay.CloseTryAgainLater, reasonBackendUnavailable)
	default: // a backend that answers but refuses (§8.9 "script error"): the operator's problem
		m.publish.WithLabelValues("backend_error").Inc()
		h.s.log.Error("publish failed: backend error", "conn", c.idHex, "err", err)
		c.closeWith(relay.CloseInternalError, reasonBackendUnavailable)
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
// h.mu is held. It reports whether the frame was enqueued. path is the deliveries_total label;
// origin (local or remote) the deliver_enqueue_seconds label for a non-zero tRead.
func (h *hub) deliverLocked(w *waiter, cand store.Candidate, path string, tRead time.Time, origin string) bool {
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
		m.deliverEnqueue.WithLabelValues(origin).Observe(now.Sub(tRead).Seconds())
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
	// A frame read on this instance is timed from its read; one notified by a shared store
	// (another instance's publish, through the inbox) from its receipt here (§9.3).
	tRead, local := h.pubTimes[cand.Digest]
	origin := "local"
	if !local {
		tRead, origin = now, "remote"
	}
	if cand.OneReceiver {
		if cand.Slot != 0 && !cand.Claimed {
			if h.earliestLocked(id, now) == nil {
				return
			}
			h.submit(func() { h.claim(id, cand, tRead, origin) })
			return
		}
		if w := h.earliestLocked(id, now); w != nil {
			h.deliverLocked(w, cand, "notify", tRead, origin)
		}
		return
	}
	for _, w := range list {
		if w.live(now) {
			h.deliverLocked(w, cand, "notify", tRead, origin)
		}
	}
}

// claim runs on the worker: it claims a stored ONE_RECEIVER candidate for the earliest local
// waiter (§6 "Sink.Deliver").
func (h *hub) claim(id relay.MsgID, cand store.Candidate, tRead time.Time, origin string) {
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
		h.deliverLocked(w, cand, "notify", tRead, origin)
	}
	h.mu.Unlock()
}
