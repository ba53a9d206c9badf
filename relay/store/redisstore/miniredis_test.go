package redisstore

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/stretchr/testify/require"

	"github.com/tandem-mpc/tandem/relay/store"
	"github.com/tandem-mpc/tandem/relay/store/storetest"
)

// miniBackend is a storetest backend on miniredis, the unit-test fallback of WIRE.md §13.1:
// it needs no redis-server binary, and it has none of the fault hooks, so the R cases skip.
// miniredis's TIME moves only with SetTime and its keys expire only with FastForward, so the
// harness's Sleep advances both.
type miniBackend struct {
	m      *miniredis.Miniredis
	limits store.Limits
	mu     sync.Mutex
	now    time.Time
}

func (b *miniBackend) NewStore(t *testing.T, sink store.Sink) store.Store {
	st, err := New(context.Background(), Config{
		URL: "redis://" + b.m.Addr() + "/0", Prefix: "mini:", Limits: b.limits, OpTimeout: time.Second,
		ProbeInterval: 200 * time.Millisecond, ReconcileInterval: time.Hour, Logger: quietLogger(),
	}, sink)
	require.NoError(t, err)
	require.Eventually(t, func() bool { return st.Check(context.Background()) == nil },
		5*time.Second, 10*time.Millisecond, "store ready on miniredis")
	return st
}

func (b *miniBackend) advance(d time.Duration) {
	b.mu.Lock()
	b.now = b.now.Add(d)
	b.m.SetTime(b.now)
	b.mu.Unlock()
	b.m.FastForward(d)
}

// TestConformanceMiniredis runs the conformance suite on miniredis (R cases skip).
func TestConformanceMiniredis(t *testing.T) {
	t.Parallel()
	backends := map[*testing.T]*miniBackend{}
	var mu sync.Mutex
	storetest.Run(t, storetest.Harness{
		NewBackend: func(t *testing.T, cfg storetest.BackendConfig) storetest.Backend {
			m := miniredis.RunT(t)
			now := time.Now()
			m.SetTime(now)
			b := &miniBackend{m: m, limits: cfg.Limits, now: now}
			mu.Lock()
			backends[t] = b
			mu.Unlock()
			return b
		},
		Sleep: func(t *testing.T, d time.Duration) {
			mu.Lock()
			b := backends[t]
			mu.Unlock()
			if b == nil {
				time.Sleep(d)
				return
			}
			b.advance(d)
		},
		Settle:      func(*testing.T) { time.Sleep(100 * time.Millisecond) },
		ExpiryGrace: 10 * time.Millisecond,
		Iterations:  1000,
		Caps:        storetest.Capabilities{MultiInstance: true, InterestTracking: true},
	})
}
