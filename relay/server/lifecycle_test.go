package server_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tandem-mpc/tandem/relay"
	"github.com/tandem-mpc/tandem/relay/relaytest"
	"github.com/tandem-mpc/tandem/relay/server"
	"github.com/tandem-mpc/tandem/relay/store"
	"github.com/tandem-mpc/tandem/relay/store/memstore"
)

func readyz(t *testing.T, admin *httptest.Server) (int, string) {
	t.Helper()
	resp, err := http.Get(admin.URL + "/readyz")
	require.NoError(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// W14: /readyz answers 503 first, then every WebSocket is closed with 1001 within the drain
// window, then Shutdown returns.
func TestGracefulShutdown(t *testing.T) {
	cfg := testConfig()
	cfg.ShutdownDelay = 300 * time.Millisecond
	cfg.DrainWindow = 300 * time.Millisecond
	cfg.AdminPprof = true
	srv, err := server.New(cfg, nil)
	require.NoError(t, err)
	hs := httptest.NewServer(srv)
	defer hs.Close()
	admin := httptest.NewServer(srv.AdminHandler())
	defer admin.Close()

	code, body := readyz(t, admin)
	require.Equal(t, 200, code, body)
	for _, p := range []string{"/healthz", "/livez", "/metrics", "/debug/pprof/"} {
		resp, err := http.Get(admin.URL + p)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, 200, resp.StatusCode, p)
	}
	links := make([]*rawWS, 4)
	for i := range links {
		links[i] = dialRaw(t, hs)
	}
	var stopCalled atomic.Bool
	srv.RegisterOnShutdown(func(context.Context) error { stopCalled.Store(true); return nil })

	done := make(chan error, 1)
	go func() { done <- srv.Shutdown(context.Background()) }()
	eventually(t, func() bool { c, _ := readyz(t, admin); return c == 503 }, "readyz 503")
	_, body = readyz(t, admin)
	assert.Contains(t, body, "not ready: draining")
	assert.False(t, stopCalled.Load(), "listeners stop only after the shutdown delay")
	for _, l := range links {
		assert.Equal(t, relay.CloseGoingAway, closeCode(t, l))
	}
	require.NoError(t, <-done)
	assert.True(t, stopCalled.Load())
	assert.Equal(t, float64(4), metric(t, srv.Registry(), "tandem_relay_disconnects_total", "reason", "shutdown"))
	assert.Equal(t, float64(3), metric(t, srv.Registry(), "tandem_relay_shutdown_phase"))
	// New upgrades are refused once draining.
	_, resp, err := dialWS(context.Background(), wsURLOf(hs), "", nil)
	require.Error(t, err)
	assert.Equal(t, 503, resp.StatusCode)
	for _, l := range links {
		l.Close(relay.CloseAbnormal, "")
	}
}

// Shutdown of an idle relay does not wait for the drain window.
func TestShutdownIdle(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		cfg := testConfig()
		cfg.DrainWindow = time.Hour
		srv, err := server.New(cfg, nil)
		require.NoError(t, err)
		start := time.Now()
		require.NoError(t, srv.Shutdown(context.Background()))
		assert.Less(t, time.Since(start), time.Second)
	})
}

// W12 end to end: X-Forwarded-For from a trusted proxy decides the per-IP connection count.
func TestTrustedProxyEndToEnd(t *testing.T) {
	for _, trusted := range []bool{true, false} {
		cfg := testConfig()
		cfg.MaxConnsPerIP = 1
		if trusted {
			cfg.TrustedProxies = mustPrefixes("127.0.0.0/8")
		}
		_, hs := startWS(t, cfg)
		a, _, err := dialWS(context.Background(), wsURLOf(hs), "", http.Header{"X-Forwarded-For": {"198.51.100.1"}})
		require.NoError(t, err)
		b, resp, err := dialWS(context.Background(), wsURLOf(hs), "", http.Header{"X-Forwarded-For": {"198.51.100.2"}})
		if trusted {
			require.NoError(t, err, "distinct forwarded clients")
			b.Close(relay.CloseNormal, "")
		} else {
			require.Error(t, err, "the header of an untrusted peer is ignored")
			assert.Equal(t, 429, resp.StatusCode)
		}
		a.Close(relay.CloseNormal, "")
	}
}

// faultyStore wraps a memstore and fails, panics or loses notifications on demand.
type faultyStore struct {
	store.Store
	sink        store.Sink
	unavailable atomic.Bool
	askDown     atomic.Bool
	panicking   atomic.Bool
}

// muteSink drops Deliver notifications while mute is set (lost pub/sub messages).
type muteSink struct {
	store.Sink
	mute atomic.Bool
}

func (m *muteSink) Deliver(id relay.MsgID, c store.Candidate) {
	if !m.mute.Load() {
		m.Sink.Deliver(id, c)
	}
}

func (f *faultyStore) Ask(ctx context.Context, id relay.MsgID, ttl time.Duration) ([]store.Candidate, error) {
	if f.askDown.Load() {
		return nil, store.ErrUnavailable
	}
	return f.Store.Ask(ctx, id, ttl)
}

func (f *faultyStore) Publish(ctx context.Context, req *store.PublishRequest) (store.PublishStatus, error) {
	if f.panicking.Load() {
		panic("boom")
	}
	if f.unavailable.Load() {
		return 0, store.ErrUnavailable
	}
	return f.Store.Publish(ctx, req)
}

func newFaulty(cfg server.Config) (*server.Server, *faultyStore, error) {
	srv, fs, _, err := newMuted(cfg)
	return srv, fs, err
}

func newMuted(cfg server.Config) (*server.Server, *faultyStore, *muteSink, error) {
	fs := &faultyStore{}
	ms := &muteSink{}
	srv, err := server.New(cfg, func(sink store.Sink) (store.Store, error) {
		fs.sink = sink
		ms.Sink = sink
		fs.Store = memstore.New(memstore.Config{}, ms)
		return fs, nil
	})
	return srv, fs, ms, err
}

func servePipe(srv *server.Server, ip string) relay.Link {
	cl, sv := relaytest.Pipe()
	go srv.ServeLink(context.Background(), sv, server.ConnInfo{IP: mustAddr(ip)})
	return cl
}

// Lost notifications are recovered by Sink.Resync; an ask that failed with ErrUnavailable is
// retried (unsynced) once the store is back (§6).
func TestResyncAndUnsynced(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		cfg := testConfig()
		cfg.StoreOpTimeout = 200 * time.Millisecond
		srv, fs, ms, err := newMuted(cfg)
		require.NoError(t, err)
		defer srv.Close()
		a, b := servePipe(srv, ip1), servePipe(srv, ip2)

		send(t, a, ask(testID(1), time.Minute))
		synctest.Wait()
		ms.mute.Store(true)
		p := pub(t, testID(1), time.Minute, 0, "lost notification")
		send(t, b, p)
		synctest.Wait()
		ms.mute.Store(false)
		nothing(t, a)
		fs.sink.Resync("test")
		require.Equal(t, p, recv(t, a))
		fs.sink.Resync("again") // already delivered: deduplicated
		nothing(t, a)

		fs.askDown.Store(true)
		send(t, a, ask(testID(2), time.Minute))
		synctest.Wait()
		p2 := pub(t, testID(2), time.Minute, 0, "stored while the ask failed")
		ms.mute.Store(true)
		send(t, b, p2)
		synctest.Wait()
		ms.mute.Store(false)
		fs.askDown.Store(false)
		require.Equal(t, p2, recv(t, a), "the unsynced waiter is re-asked within about a second")
		assert.Positive(t, metric(t, srv.Registry(), "tandem_relay_reconcile_ids_total"))
	})
}

// The per-IP quota is released at the candidate's nominal deadline.
func TestIPQuotaReleased(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		cfg := testConfig()
		cfg.MaxStoredBytesPerIP = 1000
		srv, err := server.New(cfg, nil)
		require.NoError(t, err)
		defer srv.Close()
		a := servePipe(srv, ip1)
		send(t, a, pub(t, testID(1), 2*time.Second, 0, string(make([]byte, 600))))
		time.Sleep(3 * time.Second)
		b := servePipe(srv, ip1)
		send(t, b, pub(t, testID(2), 2*time.Second, 0, string(make([]byte, 600))))
		syncLink(t, b)
		c := servePipe(srv, ip1)
		send(t, c, pub(t, testID(3), 2*time.Second, 0, string(make([]byte, 600))))
		assert.Equal(t, relay.CloseIPQuota, closeCode(t, c), "b's charge is still live")
	})
}

// Store faults over in-memory links: ErrUnavailable past the op timeout → 1013; a panic in the
// handler → 1011, counted; Sink.Reset → every connection closed with 1012 (spread).
func TestStoreFaults(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		cfg := testConfig()
		cfg.StoreOpTimeout = 500 * time.Millisecond
		srv, fs, err := newFaulty(cfg)
		require.NoError(t, err)
		defer srv.Close()
		serve := func() relay.Link { return servePipe(srv, ip1) }

		fs.unavailable.Store(true)
		a := serve()
		send(t, a, pub(t, testID(1), 10*time.Second, 0, "x"))
		assert.Equal(t, relay.CloseTryAgainLater, closeCode(t, a))
		fs.unavailable.Store(false)

		fs.panicking.Store(true)
		b := serve()
		send(t, b, pub(t, testID(1), 10*time.Second, 0, "x"))
		assert.Equal(t, relay.CloseInternalError, closeCode(t, b))
		fs.panicking.Store(false)
		synctest.Wait()
		assert.Equal(t, float64(1), metric(t, srv.Registry(), "tandem_relay_panics_total"))

		links := []relay.Link{serve(), serve(), serve()}
		synctest.Wait()
		fs.sink.Reset("test")
		for _, l := range links {
			assert.Equal(t, relay.CloseServiceRestart, closeCode(t, l))
		}
		synctest.Wait()
		assert.Equal(t, float64(3), metric(t, srv.Registry(), "tandem_relay_disconnects_total", "reason", "store_reset"))
	})
}

// A memory relay restart loses stored frames; retaining clients re-publish and re-ask after
// reconnecting, so the exchange still completes (§2.7).
func TestRelayRestart(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r, err := relaytest.New(testConfig())
		require.NoError(t, err)
		defer r.Close()
		ctx := context.Background()
		opts := &relay.ClientOptions{Logger: discardLogger()}
		alice, err := r.DialAs(ctx, mustAddr("10.0.0.1"), opts)
		require.NoError(t, err)
		defer alice.Close()
		bob, err := r.DialAs(ctx, mustAddr("10.0.0.2"), opts)
		require.NoError(t, err)
		defer bob.Close()

		id := testID(42)
		frame := pub(t, id, 100*time.Second, 0, "survives")
		until := time.Now().Add(time.Minute)
		require.NoError(t, alice.Publish(ctx, frame, until))
		synctest.Wait()
		require.Equal(t, int64(1), r.Stats().StoredCandidates)
		r.Restart()
		synctest.Wait()
		require.NoError(t, bob.Ask(ctx, id, until))
		select {
		case got := <-bob.Messages():
			assert.Equal(t, frame, got)
		case <-time.After(30 * time.Second):
			t.Fatal("no delivery after the restart")
		}
	})
}
