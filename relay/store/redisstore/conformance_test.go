package redisstore

import (
	"context"
	"encoding/hex"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tandem-mpc/tandem/relay"
	"github.com/tandem-mpc/tandem/relay/store"
	"github.com/tandem-mpc/tandem/relay/store/redisstore/redistest"
	"github.com/tandem-mpc/tandem/relay/store/storetest"
)

func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// backend is one storetest backend: its own redis-server process (so that the restart and
// pause drills of one case never disturb another) and the stores created on it.
type backend struct {
	srv    *redistest.Server
	limits store.Limits
	prefix string

	mu     sync.Mutex
	stores []*Store
}

func newBackend(t *testing.T, cfg storetest.BackendConfig) storetest.Backend {
	return &backend{srv: redistest.Start(t), limits: cfg.Limits, prefix: "t" + randomHex(4) + ":"}
}

func (b *backend) NewStore(t *testing.T, sink store.Sink) store.Store {
	st, err := New(context.Background(), Config{
		URL:               b.srv.URL,
		Prefix:            b.prefix,
		Limits:            b.limits,
		OpTimeout:         time.Second,
		ProbeInterval:     200 * time.Millisecond,
		ReconcileInterval: time.Hour, // S17/S18 must see the Resync of the re-subscription
		Logger:            quietLogger(),
	}, sink)
	require.NoError(t, err)
	require.Eventually(t, func() bool { return st.Check(context.Background()) == nil },
		5*time.Second, 10*time.Millisecond, "store ready")
	b.mu.Lock()
	b.stores = append(b.stores, st)
	b.mu.Unlock()
	return st
}

func (b *backend) FillMemory(t *testing.T) func() { return b.srv.FillMemory(t) }

func (b *backend) KillPubSub(t *testing.T) { b.srv.KillPubSub(t) }

// PauseInbox blackholes every store's subscription until it re-subscribes.
func (b *backend) PauseInbox(*testing.T) func() {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, s := range b.stores {
		s.blackhole.Store(true)
	}
	return func() {
		b.mu.Lock()
		defer b.mu.Unlock()
		for _, s := range b.stores {
			s.blackhole.Store(false)
		}
	}
}

func (b *backend) RestartBackend(*testing.T) { b.srv.Restart() }

func (b *backend) PauseBackend(_ *testing.T, d time.Duration) { b.srv.Pause(d) }

func (b *backend) Interested(t *testing.T, id relay.MsgID) int {
	key := b.prefix + "{" + hex.EncodeToString(id[:]) + "}:w"
	n, err := b.srv.Client(t).ZCard(context.Background(), key).Result()
	require.NoError(t, err)
	return int(n)
}

// TestConformance runs the store conformance suite of WIRE.md §13.1 against a real
// redis-server (every case, the R cases included).
func TestConformance(t *testing.T) {
	redistest.Skip(t)
	t.Parallel() // every backend is its own redis-server
	storetest.Run(t, storetest.Harness{
		NewBackend: newBackend,
		Sleep:      func(_ *testing.T, d time.Duration) { time.Sleep(d) },
		// Notifications travel through Redis pub/sub; 150 ms bounds their latency on
		// loopback by far.
		Settle:      func(*testing.T) { time.Sleep(150 * time.Millisecond) },
		ExpiryGrace: 250 * time.Millisecond,
		WaitTimeout: 8 * time.Second,
		Caps:        storetest.Capabilities{MultiInstance: true, InterestTracking: true},
	})
}
