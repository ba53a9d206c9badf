package storetest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tandem-mpc/tandem/relay"
	"github.com/tandem-mpc/tandem/relay/store"
)

// modelHub models the parts of the hub (WIRE.md §6) that the store's guarantees are stated
// against: local waiters that are registered before Store.Ask, delivery deduplicated by
// digest per waiter, and the ONE_RECEIVER rule (Claim, then deliver to the earliest waiter).
// It ignores notifications for ids without waiters, as the hub does. Waiters never expire here.
type modelHub struct {
	st store.Store // set once the store exists, before any call

	mu      sync.Mutex
	waiters map[relay.MsgID][]*waiter // in registration order
	claims  sync.WaitGroup
}

// waiter is one local waiter of the model hub. Its fields are guarded by the hub's mutex.
type waiter struct {
	id        relay.MsgID
	received  int               // frames handed to it, before deduplication
	delivered map[[32]byte]bool // digests enqueued (after deduplication)
	order     [][32]byte
}

func newModelHub(_ *RecordingSink) *modelHub {
	return &modelHub{waiters: make(map[relay.MsgID][]*waiter)}
}

// register adds a waiter for id (step 2 of the hub's ASK: register first).
func (h *modelHub) register(id relay.MsgID) *waiter {
	w := &waiter{id: id, delivered: make(map[[32]byte]bool)}
	h.mu.Lock()
	h.waiters[id] = append(h.waiters[id], w)
	h.mu.Unlock()
	return w
}

// ask performs steps 3–4 of the hub's ASK for w: Store.Ask, then deliver the results to w.
// It must be called from the test's goroutine; others use tryAsk.
func (h *modelHub) ask(t *testing.T, w *waiter, ttl time.Duration) {
	t.Helper()
	require.NoError(t, h.tryAsk(w, ttl), "Ask")
}

// tryAsk is ask for any goroutine: it returns the Store.Ask error.
func (h *modelHub) tryAsk(w *waiter, ttl time.Duration) error {
	cs, err := h.st.Ask(context.Background(), w.id, ttl)
	if err != nil {
		return err
	}
	h.mu.Lock()
	for _, c := range cs {
		h.deliverLocked(w, c)
	}
	h.mu.Unlock()
	return nil
}

func (h *modelHub) deliverLocked(w *waiter, c store.Candidate) {
	w.received++
	if !w.delivered[c.Digest] {
		w.delivered[c.Digest] = true
		w.order = append(w.order, c.Digest)
	}
}

// snapshot returns (received, distinct digests) of w.
func (h *modelHub) snapshot(w *waiter) (int, [][32]byte) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return w.received, append([][32]byte(nil), w.order...)
}

// Deliver implements the hub's Sink.Deliver.
func (h *modelHub) Deliver(id relay.MsgID, c store.Candidate) {
	h.mu.Lock()
	defer h.mu.Unlock()
	ws := h.waiters[id]
	switch {
	case len(ws) == 0:
		// Nobody waits here: dropped, as the hub does.
	case c.OneReceiver && c.Slot != 0:
		// Claim off the notifying goroutine; deliver to the earliest waiter if we won.
		first := ws[0]
		h.claims.Add(1)
		go func() {
			defer h.claims.Done()
			won, err := h.st.Claim(context.Background(), id, c.Slot, c.Digest)
			if err != nil || !won {
				return
			}
			h.mu.Lock()
			h.deliverLocked(first, c)
			h.mu.Unlock()
		}()
	case c.OneReceiver:
		h.deliverLocked(ws[0], c)
	default:
		for _, w := range ws {
			h.deliverLocked(w, c)
		}
	}
}

// Resync implements Sink.Resync; the cases that need it act on the RecordingSink instead.
func (h *modelHub) Resync(string) {}

// Reset implements Sink.Reset.
func (h *modelHub) Reset(string) {}

// wait waits for the claims the hub started.
func (h *modelHub) wait() { h.claims.Wait() }
