package storetest

import (
	"testing"
	"time"

	"github.com/tandem-mpc/tandem/relay"
	"github.com/tandem-mpc/tandem/relay/store"
)

// Harness describes the backend under test. Only NewBackend is required; every other field
// has a default that suits a synchronous, single-instance store.
type Harness struct {
	// NewBackend returns a fresh, isolated backend (its own memory store, or its own key
	// prefix on a shared Redis). The suite calls it once or more per case.
	NewBackend func(t *testing.T, cfg BackendConfig) Backend

	// Bubble runs f, the body of a time-dependent case. A memory store passes
	// synctest.Test so that Sleep is virtual; nil runs f(t) directly. Bubble is called from
	// inside a subtest and must not call t.Run itself.
	Bubble func(t *testing.T, f func(t *testing.T))
	// Sleep lets d pass for the backend: time.Sleep (virtual inside a synctest bubble) followed
	// by synctest.Wait for a memory store, a real sleep for Redis, SetTime+FastForward for
	// miniredis. nil means time.Sleep.
	Sleep func(t *testing.T, d time.Duration)
	// Settle returns once every notification caused by operations that already returned has
	// reached the Sink (or a backend-specific bound has passed). Cases call it before they
	// assert that something was NOT delivered. nil means no wait (a store that notifies
	// synchronously, like memstore).
	Settle func(t *testing.T)

	// ExpiryGrace is how late after its deadline an item may still be stored: 2 × sweep
	// interval for memstore (§13.1 S07). 0 means 250 ms.
	ExpiryGrace time.Duration
	// WaitTimeout bounds every wait for an asynchronous event (delivery, Resync, Reset).
	// 0 means 5 s.
	WaitTimeout time.Duration
	// Iterations is the number of rounds of S14. 0 means 10 000 (WIRE.md §13.1).
	Iterations int

	// Caps lists what the backend can do; cases that need an absent capability skip.
	Caps Capabilities
}

// Capabilities are the backend properties some cases depend on.
type Capabilities struct {
	// MultiInstance: Backend.NewStore may be called several times and the stores share their
	// candidates (Redis). Needed by the cross-instance parts of S12, S14, S15 and by S16, S21.
	MultiInstance bool
	// InterestTracking: Ask with ttl > 0 registers the instance's interest until now+ttl, and
	// the store notifies only interested instances (Redis). Without it the store notifies
	// every publish (memstore) and the waiter cases (S08, parts of S09, S10) are the hub's.
	InterestTracking bool
	// ByteCap: the backend enforces BackendConfig.MaxStoredBytes exactly (memstore, S13).
	ByteCap bool
}

// BackendConfig is what the suite asks of a new backend.
type BackendConfig struct {
	Limits store.Limits
	// MaxStoredBytes is the global byte cap; 0 means the backend's default. Backends without
	// Caps.ByteCap ignore it.
	MaxStoredBytes int64
}

// Backend is one isolated storage backend.
type Backend interface {
	// NewStore returns a store instance on this backend that notifies sink. The suite
	// closes every store it gets. Without Caps.MultiInstance the suite calls it once.
	NewStore(t *testing.T, sink store.Sink) store.Store
}

// Optional fault hooks a Backend may implement (all are Redis cases, marked R in §13.1). A
// case whose hook is missing skips.
type (
	// MemoryFiller fills the backend's memory so that the next Publish must fail with
	// store.ErrStoreFull (S13, Redis maxmemory); release undoes it.
	MemoryFiller interface {
		FillMemory(t *testing.T) (release func())
	}
	// PubSubKiller kills every store's notification connection (`CLIENT KILL TYPE pubsub`),
	// which the stores must re-establish on their own (S17).
	PubSubKiller interface {
		KillPubSub(t *testing.T)
	}
	// InboxPauser makes the notification subscription of the stores silently deliver nothing
	// (a blackholed subscription) until resume is called or the store re-subscribes (S18).
	InboxPauser interface {
		PauseInbox(t *testing.T) (resume func())
	}
	// Restarter restarts the backend losing its data (`SHUTDOWN NOSAVE`, start again on the
	// same address) and returns once it answers again (S19).
	Restarter interface {
		RestartBackend(t *testing.T)
	}
	// Pauser freezes the backend for d (`DEBUG SLEEP`, SIGSTOP) and returns at once (S20).
	Pauser interface {
		PauseBackend(t *testing.T, d time.Duration)
	}
	// InterestInspector reports how many instances are registered as interested in id,
	// stale ones included (S21).
	InterestInspector interface {
		Interested(t *testing.T, id relay.MsgID) int
	}
)

func (h *Harness) bubble(t *testing.T, f func(t *testing.T)) {
	if h.Bubble == nil {
		f(t)
		return
	}
	h.Bubble(t, f)
}

func (h *Harness) sleep(t *testing.T, d time.Duration) {
	t.Helper()
	if h.Sleep == nil {
		time.Sleep(d)
		return
	}
	h.Sleep(t, d)
}

func (h *Harness) settle(t *testing.T) {
	t.Helper()
	if h.Settle != nil {
		h.Settle(t)
	}
}

func (h *Harness) grace() time.Duration {
	if h.ExpiryGrace > 0 {
		return h.ExpiryGrace
	}
	return 250 * time.Millisecond
}

func (h *Harness) waitTimeout() time.Duration {
	if h.WaitTimeout > 0 {
		return h.WaitTimeout
	}
	return 5 * time.Second
}

func (h *Harness) iterations() int {
	if h.Iterations > 0 {
		return h.Iterations
	}
	return 10000
}
