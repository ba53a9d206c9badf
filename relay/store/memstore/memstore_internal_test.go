package memstore

import (
	"context"
	"errors"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tandem-mpc/tandem/relay"
	"github.com/tandem-mpc/tandem/relay/store"
)

func TestConfigDefaults(t *testing.T) {
	tests := []struct {
		name string
		in   Config
		want store.Limits
	}{
		{"zero", Config{}, store.DefaultLimits()},
		{"only N", Config{Limits: store.Limits{MaxCandidates: 2}}, store.Limits{MaxCandidates: 2}},
		{"N zero", Config{Limits: store.Limits{MaxCandidatesPerIP: 3}}, store.Limits{MaxCandidates: 4, MaxCandidatesPerIP: 3}},
		{"N too big", Config{Limits: store.Limits{MaxCandidates: 99}}, store.Limits{MaxCandidates: 16}},
		{"negative IP limit", Config{Limits: store.Limits{MaxCandidates: 1, MaxCandidatesPerIP: -1}}, store.Limits{MaxCandidates: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.in.normalized()
			assert.Equal(t, tt.want, got.Limits)
			assert.Equal(t, int64(DefaultMaxStoredBytes), got.MaxStoredBytes)
			assert.Equal(t, DefaultReadyFraction, got.ReadyFraction)
			assert.Equal(t, DefaultSweepInterval, got.SweepInterval)
			assert.Equal(t, RealClock{}, got.Clock)
		})
	}
}

func TestSharding(t *testing.T) {
	clk := newFakeClock()
	s := New(Config{Clock: clk}, nil)
	defer s.Close()
	ctx := context.Background()
	for shard := range numShards {
		for n := range 3 {
			req := request(t, idWith(byte(shard), uint64(n)), time.Minute, 0, []byte("body"), 1, 1)
			status, err := s.Publish(ctx, req)
			require.NoError(t, err)
			require.Equal(t, store.Stored, status)
		}
	}
	for i := range s.shards {
		sh := &s.shards[i]
		require.Len(t, sh.entries, 3, "shard %d", i)
		require.Len(t, sh.heap, 3, "shard %d", i)
		for id := range sh.entries {
			require.Equal(t, byte(i), id[0], "an id lives in the shard of its first byte")
		}
	}
	checkInvariants(t, s)
}

// An expired candidate is never served, never a duplicate, holds no slot and no contributor
// allowance, even though the sweeper has not run (its ticker never fires here).
func TestExpiredNeverServedBeforeSweep(t *testing.T) {
	clk := newFakeClock()
	var lags []time.Duration
	s := New(Config{Clock: clk, Limits: store.Limits{MaxCandidates: 1, MaxCandidatesPerIP: 1}, OnExpire: func(kind string, lag time.Duration) {
		assert.Equal(t, ExpiryKindCandidate, kind)
		lags = append(lags, lag)
	}}, nil)
	defer s.Close()
	ctx := context.Background()
	id := idWith(7, 1)
	or := request(t, id, time.Second, relay.FlagOneReceiver, []byte("A"), 1, 1)
	status, err := s.Publish(ctx, or)
	require.NoError(t, err)
	require.Equal(t, store.Stored, status)

	clk.Advance(time.Second) // deadline == now: expired
	require.Equal(t, int64(1), s.Stats().StoredCandidates, "not swept yet")
	won, err := s.Claim(ctx, id, 1, or.Digest)
	require.NoError(t, err)
	require.False(t, won, "an expired candidate cannot be claimed")
	require.Equal(t, []time.Duration{0}, lags, "the lookup removed it and reported the lag")
	checkInvariants(t, s)

	status, err = s.Publish(ctx, request(t, id, time.Second, 0, []byte("A"), 1, 1))
	require.NoError(t, err)
	require.Equal(t, store.Stored, status, "an expired digest is no duplicate; the slot and allowances are free")
	clk.Advance(1500 * time.Millisecond)
	cs, err := s.Ask(ctx, id, time.Minute)
	require.NoError(t, err)
	require.Empty(t, cs)
	require.Equal(t, []time.Duration{0, 500 * time.Millisecond}, lags)
	require.Equal(t, store.Stats{}, s.Stats())
	checkInvariants(t, s)
}

// The sweeper removes exactly the due candidates and reports each lag.
func TestSweepLagHook(t *testing.T) {
	clk := newFakeClock()
	type exp struct {
		kind string
		lag  time.Duration
	}
	var got []exp
	s := New(Config{Clock: clk, OnExpire: func(kind string, lag time.Duration) { got = append(got, exp{kind, lag}) }}, nil)
	defer s.Close()
	ctx := context.Background()
	for i, ttl := range []time.Duration{time.Second, 2 * time.Second, 3 * time.Second} {
		_, err := s.Publish(ctx, request(t, idWith(byte(i), 0), ttl, 0, []byte("x"), 1, 1))
		require.NoError(t, err)
	}
	clk.Advance(2*time.Second + 30*time.Millisecond)
	s.sweep(nil)
	require.ElementsMatch(t, []exp{{"candidate", 1030 * time.Millisecond}, {"candidate", 30 * time.Millisecond}}, got)
	require.Equal(t, int64(1), s.Stats().StoredCandidates)
	checkInvariants(t, s)
}

// Slots are the lowest free number; claims and expiry free them.
func TestSlotReuse(t *testing.T) {
	clk := newFakeClock()
	sink := &countSink{}
	s := New(Config{Clock: clk, Limits: store.Limits{MaxCandidates: 3}}, sink)
	defer s.Close()
	ctx := context.Background()
	id := idWith(1, 1)
	pub := func(body string, ttl time.Duration, flags uint16, conn int) uint8 {
		t.Helper()
		status, err := s.Publish(ctx, request(t, id, ttl, flags, []byte(body), conn, conn))
		require.NoError(t, err)
		require.Equal(t, store.Stored, status)
		d := sink.take()
		require.Len(t, d, 1)
		return d[0].Slot
	}
	require.Equal(t, uint8(1), pub("a", time.Second, 0, 1))
	require.Equal(t, uint8(2), pub("b", time.Minute, relay.FlagOneReceiver, 2))
	require.Equal(t, uint8(3), pub("c", time.Minute, 0, 3))
	won, err := s.Claim(ctx, id, 2, sha256Of("b"))
	require.NoError(t, err)
	require.True(t, won)
	require.Equal(t, uint8(2), pub("d", time.Minute, 0, 4))
	clk.Advance(time.Second)
	require.Equal(t, uint8(1), pub("e", time.Minute, 0, 5))

	cs, err := s.Ask(ctx, id, 0)
	require.NoError(t, err)
	var order []uint8
	for _, c := range cs {
		order = append(order, c.Slot)
	}
	require.Equal(t, []uint8{3, 2, 1}, order, "Ask returns arrival order")
	checkInvariants(t, s)
}

// A plain (not ONE_RECEIVER) candidate cannot be claimed.
func TestClaimNeedsOneReceiver(t *testing.T) {
	s := New(Config{Clock: newFakeClock()}, nil)
	defer s.Close()
	ctx := context.Background()
	id := idWith(9, 9)
	_, err := s.Publish(ctx, request(t, id, time.Minute, 0, []byte("plain"), 1, 1))
	require.NoError(t, err)
	won, err := s.Claim(ctx, id, 1, sha256Of("plain"))
	require.NoError(t, err)
	require.False(t, won)
	cs, err := s.Ask(ctx, id, 0)
	require.NoError(t, err)
	require.Len(t, cs, 1)
}

// Hot paths that find nothing to store or return do not allocate.
func TestAllocations(t *testing.T) {
	s := New(Config{Clock: newFakeClock()}, nil)
	defer s.Close()
	ctx := context.Background()
	req := request(t, idWith(3, 3), time.Minute, 0, []byte("dup"), 1, 1)
	_, err := s.Publish(ctx, req)
	require.NoError(t, err)
	missing := idWith(4, 4)
	assert.Zero(t, testing.AllocsPerRun(100, func() { _, _ = s.Publish(ctx, req) }), "duplicate publish")
	assert.Zero(t, testing.AllocsPerRun(100, func() { _, _ = s.Ask(ctx, missing, time.Minute) }), "ask miss")
	assert.Zero(t, testing.AllocsPerRun(100, func() { _ = s.Stats() }), "stats")
	assert.Equal(t, 1.0, testing.AllocsPerRun(100, func() { _, _ = s.Ask(ctx, req.ID, time.Minute) }), "ask hit: the result slice")
}

// TestConcurrentStress runs random publishes, asks and claims from several goroutines against
// the real clock and a fast sweeper (run it with -race), then checks the invariants.
func TestConcurrentStress(t *testing.T) {
	var expired atomic.Int64
	s := New(Config{
		Limits:         store.Limits{MaxCandidates: 3, MaxCandidatesPerIP: 2},
		MaxStoredBytes: 64 * 1024,
		SweepInterval:  time.Millisecond,
		OnExpire:       func(string, time.Duration) { expired.Add(1) },
	}, &countSink{})
	ctx := context.Background()
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(g), 1))
			for range 3000 {
				id := idWith(byte(rng.IntN(3)), uint64(rng.IntN(4)))
				switch rng.IntN(3) {
				case 0:
					var flags uint16
					if rng.IntN(4) == 0 {
						flags = relay.FlagOneReceiver
					}
					body := []byte{byte(rng.IntN(8)), byte(g)}
					ttl := time.Duration(rng.IntN(4)) * time.Millisecond
					if _, err := s.Publish(ctx, request(t, id, ttl, flags, body, rng.IntN(6), rng.IntN(3))); err != nil && !errors.Is(err, store.ErrStoreFull) {
						t.Errorf("publish: %v", err)
						return
					}
				case 1:
					if _, err := s.Ask(ctx, id, time.Second); err != nil {
						t.Errorf("ask: %v", err)
						return
					}
				default:
					if _, err := s.Claim(ctx, id, uint8(1+rng.IntN(3)), [32]byte{}); err != nil {
						t.Errorf("claim: %v", err)
						return
					}
				}
			}
		})
	}
	wg.Wait()
	require.NoError(t, s.Close())
	checkInvariants(t, s)
	t.Logf("%d expiries reported, stats %+v", expired.Load(), s.Stats())
}
