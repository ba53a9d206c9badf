package redisstore_test

import (
	"context"
	"crypto/sha256"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tandem-mpc/tandem/relay"
	"github.com/tandem-mpc/tandem/relay/store"
	"github.com/tandem-mpc/tandem/relay/store/redisstore"
	"github.com/tandem-mpc/tandem/relay/store/redisstore/redistest"
	"github.com/tandem-mpc/tandem/relay/store/storetest"
)

func newStore(t *testing.T, rs *redistest.Server, cfg redisstore.Config) (*redisstore.Store, *storetest.RecordingSink) {
	t.Helper()
	cfg.URL = rs.URL
	if cfg.Prefix == "" {
		cfg.Prefix = "unit:"
	}
	cfg.OpTimeout = time.Second
	cfg.ProbeInterval = 200 * time.Millisecond
	sink := storetest.NewRecordingSink()
	st, err := redisstore.New(context.Background(), cfg, sink)
	require.NoError(t, err)
	t.Cleanup(func() { _ = st.Close() })
	require.Eventually(t, func() bool { return st.Check(context.Background()) == nil }, 5*time.Second, 10*time.Millisecond)
	return st, sink
}

func request(t *testing.T, id relay.MsgID, body string) *store.PublishRequest {
	f, err := relay.PublishFrame(id, 10*time.Second, 0, []byte(body))
	require.NoError(t, err)
	return &store.PublishRequest{ID: id, Frame: f, Digest: sha256.Sum256([]byte(body)), TTL: 10 * time.Second,
		From: store.Contributor{Conn: "unit/1"}}
}

// TestWaitReplicas: with WaitReplicas the publish script is pipelined with WAIT; without
// replicas WAIT answers 0 after its 50 ms timeout and the publish still succeeds.
func TestWaitReplicas(t *testing.T) {
	t.Parallel() // own redis-server
	rs := redistest.Start(t)
	st, _ := newStore(t, rs, redisstore.Config{WaitReplicas: 1})
	id := relay.MsgID{0xAA}
	status, err := st.Publish(context.Background(), request(t, id, "waited"))
	require.NoError(t, err)
	require.Equal(t, store.Stored, status)
	cs, err := st.Ask(context.Background(), id, 0)
	require.NoError(t, err)
	require.Len(t, cs, 1)
	// The NOSCRIPT fallback of the pipelined path: flush the script cache and publish again.
	require.NoError(t, rs.Client(t).ScriptFlush(context.Background()).Err())
	status, err = st.Publish(context.Background(), request(t, relay.MsgID{0xAB}, "after flush"))
	require.NoError(t, err)
	require.Equal(t, store.Stored, status)
}

// TestScriptError (§8.9): a key of the wrong type under the prefix (a prefix clash) makes the
// scripts fail with an error that is neither ErrUnavailable nor ErrStoreFull (the hub closes
// the publisher with 1011); other ids keep working.
func TestScriptError(t *testing.T) {
	t.Parallel() // own redis-server
	rs := redistest.Start(t)
	st, _ := newStore(t, rs, redisstore.Config{Prefix: "clash:"})
	id := relay.MsgID{0xCC}
	require.NoError(t, rs.Client(t).Set(context.Background(), "clash:{cc00000000000000000000000000000000000000000000000000000000000000}:m", "x", 0).Err())
	_, err := st.Publish(context.Background(), request(t, id, "clash"))
	require.Error(t, err)
	var be *redisstore.BackendError
	require.ErrorAs(t, err, &be)
	assert.Equal(t, "script", be.Kind)
	assert.False(t, errors.Is(err, store.ErrUnavailable) || errors.Is(err, store.ErrStoreFull))
	status, err := st.Publish(context.Background(), request(t, relay.MsgID{0xCD}, "fine"))
	require.NoError(t, err)
	require.Equal(t, store.Stored, status)
}

// TestRedisDownAtStart: New does not fail when Redis is unreachable; the store is not ready,
// operations fail with ErrUnavailable, and it becomes ready by itself once Redis is there.
func TestRedisDownAtStart(t *testing.T) {
	t.Parallel() // own redis-server
	rs := redistest.Start(t)
	rs.Kill()
	sink := storetest.NewRecordingSink()
	st, err := redisstore.New(context.Background(), redisstore.Config{URL: rs.URL, OpTimeout: 300 * time.Millisecond,
		ProbeInterval: 200 * time.Millisecond, Logger: quiet()}, sink)
	require.NoError(t, err)
	defer st.Close()
	var nr *redisstore.NotReadyError
	require.ErrorAs(t, st.Check(context.Background()), &nr)
	_, err = st.Ask(context.Background(), relay.MsgID{1}, time.Second)
	require.ErrorIs(t, err, store.ErrUnavailable)
	rs.StartAgain()
	require.Eventually(t, func() bool { return st.Check(context.Background()) == nil }, 10*time.Second, 20*time.Millisecond)
	status, err := st.Publish(context.Background(), request(t, relay.MsgID{2}, "late"))
	require.NoError(t, err)
	require.Equal(t, store.Stored, status)
}

// TestRedisDownServer (§8.9 at the relay): while Redis is frozen a PUB is retried until the op
// timeout and then its connection is closed with 1013, an ASK stays pending (its connection
// stays open), /readyz fails; when Redis is back (no data lost, so no Reset) the relay is ready again by itself, the
// pending ask is re-registered (unsynced retry) and a new publish reaches it.
func TestRedisDownServer(t *testing.T) {
	t.Parallel() // own redis-server
	rs := redistest.Start(t)
	in := startInstance(t, rs, "down:")
	asker := rawDial(t, in.url)
	frames := make(chan []byte, 4)
	readErr := make(chan error, 1)
	go func() { // keeps answering the relay's pings
		for {
			_, f, err := asker.ReadMessage()
			if err != nil {
				readErr <- err
				return
			}
			frames <- f
		}
	}()
	id := relay.MsgID{0xD0}
	rs.Pause(6 * time.Second) // SIGSTOP: unavailable, but no data lost (a restart would Reset)
	require.Eventually(t, func() bool { ok, _ := in.srv.Ready(context.Background()); return !ok },
		10*time.Second, 20*time.Millisecond, "not ready while Redis is down")
	require.NoError(t, asker.WriteMessage(websocket.BinaryMessage, relay.AskFrame(id, 30*time.Second)))

	pub := rawDial(t, in.url)
	f, err := relay.PublishFrame(relay.MsgID{0xD1}, 30*time.Second, 0, []byte("while down"))
	require.NoError(t, err)
	require.NoError(t, pub.WriteMessage(websocket.BinaryMessage, f))
	_ = pub.SetReadDeadline(time.Now().Add(10 * time.Second))
	_, _, err = pub.ReadMessage()
	var ce *websocket.CloseError
	if errors.As(err, &ce) { // the close frame may be lost to a reset when a pong crosses it
		require.Equal(t, relay.CloseTryAgainLater, ce.Code, "publisher closed with 1013")
	}
	require.Eventually(t, func() bool {
		return metricValue(in.srv, "tandem_relay_disconnects_total", "backend_unavailable") == 1
	}, 5*time.Second, 10*time.Millisecond, "the publisher was closed for backend_unavailable (1013)")
	require.GreaterOrEqual(t, metricValue(in.srv, "tandem_relay_publish_total", "backend_error"), float64(1))
	require.GreaterOrEqual(t, metricValue(in.srv, "tandem_relay_backend_errors_total", ""), float64(1))

	require.Eventually(t, func() bool { ok, _ := in.srv.Ready(context.Background()); return ok },
		10*time.Second, 20*time.Millisecond, "ready again")
	require.Eventually(t, func() bool {
		return metricValue(in.srv, "tandem_relay_reconcile_runs_total", "unsynced") >= 1
	}, 10*time.Second, 20*time.Millisecond, "unsynced asks retried")
	time.Sleep(1500 * time.Millisecond) // one unsynced retry round after Redis is back
	p2 := rawDial(t, in.url)
	f2, err := relay.PublishFrame(id, 30*time.Second, 0, []byte("after the outage"))
	require.NoError(t, err)
	require.NoError(t, p2.WriteMessage(websocket.BinaryMessage, f2))
	select {
	case got := <-frames:
		require.Equal(t, f2, got)
	case err := <-readErr:
		t.Fatalf("the asker's connection did not survive the outage: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("no delivery to the asker")
	}
}

func rawDial(t *testing.T, url string) *websocket.Conn {
	t.Helper()
	c, resp, err := websocket.DefaultDialer.Dial(url, http.Header{})
	require.NoError(t, err)
	resp.Body.Close()
	c.SetCloseHandler(func(int, string) error { return nil }) // report the code, reply nothing
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// TestAskBatch: the pipelined ask of Resync returns per-id results like Ask, registers the
// interest of each id, and survives a flushed script cache.
func TestAskBatch(t *testing.T) {
	t.Parallel() // own redis-server
	rs := redistest.Start(t)
	a, _ := newStore(t, rs, redisstore.Config{})
	b, sinkB := newStore(t, rs, redisstore.Config{})
	ids := []relay.MsgID{{0xB1}, {0xB2}, {0xB3}}
	for _, id := range ids[:2] {
		status, err := a.Publish(context.Background(), request(t, id, "batch "+id.String()))
		require.NoError(t, err)
		require.Equal(t, store.Stored, status)
	}
	require.NoError(t, rs.Client(t).ScriptFlush(context.Background()).Err())
	results, errs := b.AskBatch(context.Background(), ids, []time.Duration{time.Minute, time.Minute, time.Minute})
	require.Len(t, results, 3)
	for i := range ids {
		require.NoError(t, errs[i])
	}
	assert.Len(t, results[0], 1)
	assert.Len(t, results[1], 1)
	assert.Empty(t, results[2])
	// b registered interest in the third id: a publish there notifies it.
	status, err := a.Publish(context.Background(), request(t, ids[2], "late"))
	require.NoError(t, err)
	require.Equal(t, store.Stored, status)
	sinkB.WaitDeliveries(t, ids[2], 1, 5*time.Second)
	// Mismatched lengths are refused per id.
	_, errs = b.AskBatch(context.Background(), ids, nil)
	require.ErrorIs(t, errs[0], redisstore.ErrInvalidRequest)
}

// TestDrillPubSubKill (§13.7 X6 in small): the inbox connections are killed while 50 asks
// wait on instance A; publishes on B during the gap all arrive (through the resync after the
// re-subscription, pipelined by AskBatch, or through the notification).
func TestDrillPubSubKill(t *testing.T) {
	t.Parallel() // own redis-server
	rs := redistest.Start(t)
	a, b := startInstance(t, rs, "x6:"), startInstance(t, rs, "x6:")
	asker := rawDial(t, a.url)
	frames := make(chan []byte, 64)
	go func() {
		for {
			_, f, err := asker.ReadMessage()
			if err != nil {
				return
			}
			frames <- f
		}
	}()
	const n = 50
	for i := range n {
		require.NoError(t, asker.WriteMessage(websocket.BinaryMessage, relay.AskFrame(relay.MsgID{0x60, byte(i)}, 30*time.Second)))
	}
	time.Sleep(100 * time.Millisecond)
	rs.KillPubSub(t)
	pub := rawDial(t, b.url)
	start := time.Now()
	for i := range n {
		f, err := relay.PublishFrame(relay.MsgID{0x60, byte(i)}, 30*time.Second, 0, []byte{byte(i)})
		require.NoError(t, err)
		require.NoError(t, pub.WriteMessage(websocket.BinaryMessage, f))
	}
	got := map[byte]bool{}
	deadline := time.After(10 * time.Second)
	for len(got) < n {
		select {
		case f := <-frames:
			got[f[1]] = true
		case <-deadline:
			t.Fatalf("%d of %d delivered after the pub/sub kill", len(got), n)
		}
	}
	t.Logf("X6: %d deliveries complete %v after the kill", n, time.Since(start).Round(time.Millisecond))
	require.Eventually(t, func() bool {
		return metricValue(a.srv, "tandem_relay_reconcile_runs_total", "resubscribe") >= 1 &&
			metricValue(a.srv, "tandem_relay_backend_resubscribes_total", "") >= 1
	}, 5*time.Second, 10*time.Millisecond, "resubscribed and resynced")
}
