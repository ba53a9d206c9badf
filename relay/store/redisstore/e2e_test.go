package redisstore_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tandem-mpc/tandem/mpc"
	"github.com/tandem-mpc/tandem/mpc/mpctest"
	"github.com/tandem-mpc/tandem/relay"
	"github.com/tandem-mpc/tandem/relay/server"
	"github.com/tandem-mpc/tandem/relay/store"
	"github.com/tandem-mpc/tandem/relay/store/redisstore"
	"github.com/tandem-mpc/tandem/relay/store/redisstore/redistest"
)

// instance is one relay (cmd/relay's wiring of a redisstore) behind a loopback HTTP server.
type instance struct {
	srv  *server.Server
	hs   *httptest.Server
	url  string
	once sync.Once
}

// startInstance starts a Redis-backed relay instance on rs under prefix, with short
// intervals (WIRE.md §13: tests over real sockets shorten them).
func startInstance(t *testing.T, rs *redistest.Server, prefix string) *instance {
	t.Helper()
	cfg := server.DefaultConfig()
	cfg.PingInterval = 100 * time.Millisecond
	cfg.ReadTimeout = 5 * time.Second // above the store op timeout (2 s) a frame may take
	cfg.WriteTimeout = time.Second
	cfg.MaxConnsPerIP = server.Off
	cfg.HandshakeRate = server.Off
	cfg.MaxCandidatesPerIP = server.Off // every party dials from 127.0.0.1
	cfg.StoreResetSpread = 200 * time.Millisecond
	cfg.DrainWindow = 100 * time.Millisecond
	cfg.Logger = slog.New(slog.DiscardHandler)
	cfg.BackendName = "redis"
	srv := &server.Server{Config: cfg}
	srv.NewStore = func(sink store.Sink) (store.Store, error) {
		return redisstore.New(context.Background(), redisstore.Config{
			URL: rs.URL, Prefix: prefix, Limits: srv.StoreLimits(), OpTimeout: time.Second,
			ProbeInterval: 200 * time.Millisecond, ReconcileInterval: time.Second,
			Logger: srv.Logger(), Metrics: srv.BackendMetrics(),
		}, sink)
	}
	require.NoError(t, srv.Init())
	require.Eventually(t, func() bool { ok, _ := srv.Ready(context.Background()); return ok },
		5*time.Second, 10*time.Millisecond, "instance ready")
	hs := httptest.NewServer(srv)
	in := &instance{srv: srv, hs: hs, url: "ws" + strings.TrimPrefix(hs.URL, "http") + server.PathRelay}
	t.Cleanup(in.kill)
	return in
}

// kill stops the instance abruptly: no new connections, every connection dropped without a
// close frame, the store closed. Stored messages stay in Redis.
func (in *instance) kill() {
	in.once.Do(func() {
		in.hs.Listener.Close()
		in.srv.CloseConnections(nil, relay.CloseAbnormal)
		in.hs.Close()
		_ = in.srv.Close()
	})
}

// clientOptions are client settings that notice a dead relay quickly.
func clientOptions(fallback ...string) *relay.ClientOptions {
	return &relay.ClientOptions{
		FallbackURLs: fallback,
		PingInterval: 100 * time.Millisecond,
		ReadTimeout:  time.Second,
		Backoff:      relay.Backoff{Initial: 50 * time.Millisecond, Max: 300 * time.Millisecond},
	}
}

// TestTwoInstancesAskPublish: party 1 on instance A, party 2 on instance B; ask-before-publish
// and publish-before-ask both deliver, byte-identical.
func TestTwoInstancesAskPublish(t *testing.T) {
	t.Parallel() // own redis-server
	rs := redistest.Start(t)
	a, b := startInstance(t, rs, "two:"), startInstance(t, rs, "two:")
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	p1, err := relay.Dial(ctx, a.url, clientOptions())
	require.NoError(t, err)
	defer p1.Close()
	p2, err := relay.Dial(ctx, b.url, clientOptions())
	require.NoError(t, err)
	defer p2.Close()
	until := time.Now().Add(30 * time.Second)

	// Ask before publish: p1 asks on A, p2 publishes on B.
	id1 := relay.MsgID{1, 2, 3}
	require.NoError(t, p1.Ask(ctx, id1, until))
	time.Sleep(50 * time.Millisecond) // the ask is registered before the publish
	f1, err := relay.PublishFrame(id1, 30*time.Second, 0, []byte("ask before publish"))
	require.NoError(t, err)
	require.NoError(t, p2.Publish(ctx, f1, until))
	require.Equal(t, f1, recvFrame(t, ctx, p1))

	// Publish before ask: p1 publishes on A, p2 asks on B afterwards.
	id2 := relay.MsgID{4, 5, 6}
	f2, err := relay.PublishFrame(id2, 30*time.Second, 0, []byte("publish before ask"))
	require.NoError(t, err)
	require.NoError(t, p1.Publish(ctx, f2, until))
	require.Eventually(t, func() bool {
		return metricValue(a.srv, "tandem_relay_publish_total", "stored") >= 1
	}, 5*time.Second, 10*time.Millisecond)
	require.NoError(t, p2.Ask(ctx, id2, until))
	require.Equal(t, f2, recvFrame(t, ctx, p2))
}

func recvFrame(t *testing.T, ctx context.Context, c *relay.Client) []byte {
	t.Helper()
	select {
	case f := <-c.Messages():
		return f
	case <-ctx.Done():
		t.Fatal("no frame delivered")
		return nil
	}
}

// newSession returns a toy mpc session whose party A dials urlA and party B dials urlB.
func newSession(t *testing.T, urlA, urlB string, fallbackA, fallbackB []string) *mpctest.Session {
	dial := func(ctx context.Context, ip netip.Addr, _ *relay.ClientOptions) (*relay.Client, error) {
		if ip == mpctest.IPA {
			return relay.Dial(ctx, urlA, clientOptions(fallbackA...))
		}
		return relay.Dial(ctx, urlB, clientOptions(fallbackB...))
	}
	s := mpctest.NewSession(t, nil, mpctest.WithDialer(dial))
	s.Base.DefaultTimeout = 15 * time.Second
	s.Base.StallInterval = 200 * time.Millisecond
	return s
}

// runToy runs the 5-round toy protocol of mpc/mpctest over s; onRound2, if set, is called
// once when party A reaches round 2, on A's driver goroutine: A waits for the fault to be in
// place before it continues, so the rest of the session runs through it.
func runToy(t *testing.T, s *mpctest.Session, seed byte, onRound2 func()) (errA, errB error, pa, pb *mpctest.Toy) {
	cfgA, cfgB := s.Configs()
	var fired atomic.Bool
	if onRound2 != nil {
		cfgA.OnProgress = func(p mpc.Progress) {
			if p.Round >= 2 && fired.CompareAndSwap(false, true) {
				onRound2()
			}
		}
	}
	pa, pb = mpctest.Pair(mpctest.FiveRounds(), [32]byte{seed})
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	errA, errB = mpctest.RunPair(ctx, cfgA, cfgB, pa, pb)
	return errA, errB, pa, pb
}

func requireSameTranscript(t *testing.T, a, b *mpctest.Toy) {
	t.Helper()
	ta, doneA := a.Transcript()
	tb, doneB := b.Transcript()
	require.True(t, doneA && doneB, "both parties finished")
	require.Equal(t, ta, tb, "transcripts agree")
}

// TestTwoInstancesToyProtocol: the mpc driver's 5-round toy protocol (signed, broadcast and
// encrypted slots) with party A on instance A and party B on instance B (stands in for a full
// tandem keygen and sign until the engine exists).
func TestTwoInstancesToyProtocol(t *testing.T) {
	t.Parallel() // own redis-server
	rs := redistest.Start(t)
	a, b := startInstance(t, rs, "toy:"), startInstance(t, rs, "toy:")
	for i := range 3 {
		s := newSession(t, a.url, b.url, nil, nil)
		errA, errB, pa, pb := runToy(t, s, byte(i+1), nil)
		require.NoError(t, errA)
		require.NoError(t, errB)
		requireSameTranscript(t, pa, pb)
	}
}

// TestDrillKillInstance (§13.7 X5): instance A is killed while a session runs; party A holds
// both URLs, reconnects to B, re-asks and re-publishes, and the session completes.
func TestDrillKillInstance(t *testing.T) {
	t.Parallel() // own redis-server
	rs := redistest.Start(t)
	a, b := startInstance(t, rs, "x5:"), startInstance(t, rs, "x5:")
	s := newSession(t, a.url, b.url, []string{b.url}, []string{a.url})
	var killedAt time.Time
	start := time.Now()
	errA, errB, pa, pb := runToy(t, s, 7, func() { killedAt = time.Now(); a.kill() })
	require.NoError(t, errA)
	require.NoError(t, errB)
	requireSameTranscript(t, pa, pb)
	require.False(t, killedAt.IsZero(), "the instance was killed mid-session")
	require.GreaterOrEqual(t, s.A.Client.Stats().Reconnects, uint64(1), "party A reconnected (to B)")
	t.Logf("X5: session %v, recovery after the kill %v", time.Since(start).Round(time.Millisecond), time.Since(killedAt).Round(time.Millisecond))
}

// TestDrillRedisRestart (§13.7 X3 in small): Redis restarts without persistence while a
// session runs across two instances. The session either completes or fails with a typed mpc
// error within its deadline; afterwards new sessions succeed.
func TestDrillRedisRestart(t *testing.T) {
	t.Parallel() // own redis-server
	rs := redistest.Start(t)
	a, b := startInstance(t, rs, "x3:"), startInstance(t, rs, "x3:")
	s := newSession(t, a.url, b.url, []string{b.url}, []string{a.url})
	errA, errB, pa, pb := runToy(t, s, 9, rs.Restart)
	for _, err := range []error{errA, errB} {
		if err != nil {
			requireTypedError(t, err)
		}
	}
	if errA == nil && errB == nil {
		requireSameTranscript(t, pa, pb)
		t.Logf("X3: the session spanning the restart completed (reconnects A=%d B=%d)",
			s.A.Client.Stats().Reconnects, s.B.Client.Stats().Reconnects)
	} else {
		t.Logf("X3: the session spanning the restart failed with typed errors: A=%v B=%v", errA, errB)
	}
	for _, in := range []*instance{a, b} {
		require.Eventually(t, func() bool {
			return metricValue(in.srv, "tandem_relay_store_resets_total", "") >= 1
		}, 10*time.Second, 20*time.Millisecond, "epoch reset detected")
	}
	require.Eventually(t, func() bool {
		ok, _ := a.srv.Ready(context.Background())
		return ok
	}, 10*time.Second, 20*time.Millisecond)
	s2 := newSession(t, a.url, b.url, nil, nil)
	errA, errB, pa, pb = runToy(t, s2, 10, nil)
	require.NoError(t, errA)
	require.NoError(t, errB)
	requireSameTranscript(t, pa, pb)
}

// TestDrillRedisPause (§13.7 X4): Redis is frozen (SIGSTOP) for 2 s mid-session; readiness
// flips and recovers, and the session (deadline 15 s) completes.
func TestDrillRedisPause(t *testing.T) {
	t.Parallel() // own redis-server
	rs := redistest.Start(t)
	a, b := startInstance(t, rs, "x4:"), startInstance(t, rs, "x4:")
	s := newSession(t, a.url, b.url, []string{b.url}, []string{a.url})
	var sawNotReady atomic.Bool
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			select {
			case <-stop:
				return
			case <-time.After(50 * time.Millisecond):
				if ok, _ := a.srv.Ready(context.Background()); !ok {
					sawNotReady.Store(true)
				}
			}
		}
	})
	errA, errB, pa, pb := runToy(t, s, 11, func() { rs.Pause(2 * time.Second) })
	require.NoError(t, errA)
	require.NoError(t, errB)
	requireSameTranscript(t, pa, pb)
	require.Eventually(t, func() bool { ok, _ := a.srv.Ready(context.Background()); return ok },
		10*time.Second, 20*time.Millisecond, "ready again")
	close(stop)
	wg.Wait()
	require.True(t, sawNotReady.Load(), "/readyz flipped while Redis was frozen")
}

// requireTypedError checks that a failed session reports one of mpc's error types.
func requireTypedError(t *testing.T, err error) {
	t.Helper()
	var te *mpc.TimeoutError
	var tr *mpc.TransportError
	var ab *mpc.AbortError
	var pa *mpc.PeerAbortedError
	require.True(t, errors.As(err, &te) || errors.As(err, &tr) || errors.As(err, &ab) || errors.As(err, &pa),
		"untyped session error %T: %v", err, err)
}

// TestDrillRedisRestartMany (§13.7 X3, scaled to a unit test): 20 toy sessions in flight
// across two instances when Redis restarts without persistence. Every session completes or
// fails with a typed mpc error within its deadline; the figures are logged.
func TestDrillRedisRestartMany(t *testing.T) {
	t.Parallel() // own redis-server
	const n = 20
	rs := redistest.Start(t)
	a, b := startInstance(t, rs, "x3m:"), startInstance(t, rs, "x3m:")
	var once sync.Once
	var restartAt, restartDone time.Time
	restarted := make(chan struct{})
	trigger := func() {
		once.Do(func() {
			go func() {
				restartAt = time.Now()
				rs.Restart()
				restartDone = time.Now()
				close(restarted)
			}()
		})
	}
	type result struct {
		errA, errB error
		pa, pb     *mpctest.Toy
		end        time.Time
	}
	results := make([]result, n)
	var wg sync.WaitGroup
	start := time.Now()
	for i := range n {
		s := newSession(t, a.url, b.url, []string{b.url}, []string{a.url})
		wg.Go(func() {
			errA, errB, pa, pb := runToy(t, s, byte(20+i), trigger)
			results[i] = result{errA, errB, pa, pb, time.Now()}
		})
	}
	wg.Wait()
	<-restarted
	ok := 0
	var last time.Time
	for _, r := range results {
		for _, err := range []error{r.errA, r.errB} {
			if err != nil {
				requireTypedError(t, err)
			}
		}
		if r.errA == nil && r.errB == nil {
			requireSameTranscript(t, r.pa, r.pb)
			ok++
		}
		if r.end.After(last) {
			last = r.end
		}
	}
	t.Logf("X3: %d/%d sessions completed across the Redis restart; restart at +%v, Redis back at +%v, last session done +%v",
		ok, n, restartAt.Sub(start).Round(time.Millisecond), restartDone.Sub(start).Round(time.Millisecond),
		last.Sub(start).Round(time.Millisecond))
	s := newSession(t, a.url, b.url, nil, nil)
	errA, errB, pa, pb := runToy(t, s, 99, nil)
	require.NoError(t, errA, "a new session after the restart")
	require.NoError(t, errB)
	requireSameTranscript(t, pa, pb)
}
