package server_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tandem-mpc/tandem/relay"
	"github.com/tandem-mpc/tandem/relay/server"
)

// startWS starts a relay behind httptest and returns it with its base URL.
func startWS(t *testing.T, cfg server.Config) (*server.Server, *httptest.Server) {
	t.Helper()
	srv, err := server.New(cfg, nil)
	require.NoError(t, err)
	hs := httptest.NewServer(srv)
	t.Cleanup(func() {
		_ = srv.Close()
		hs.Close()
	})
	return srv, hs
}

func get(t *testing.T, method, url string) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, resp.Header, string(b)
}

// W01 and §2.1.
func TestHTTPSurface(t *testing.T) {
	_, hs := startWS(t, testConfig())
	code, hdr, body := get(t, http.MethodGet, hs.URL+"/")
	assert.Equal(t, 200, code)
	assert.Equal(t, "ok", body)
	assert.Equal(t, "text/plain; charset=utf-8", hdr.Get("Content-Type"))
	assert.Equal(t, "*", hdr.Get("Access-Control-Allow-Origin"))
	code, _, body = get(t, http.MethodHead, hs.URL+"/")
	assert.Equal(t, 200, code)
	assert.Empty(t, body)
	code, _, _ = get(t, http.MethodGet, hs.URL+server.PathRelay)
	assert.Equal(t, 400, code)
	code, _, _ = get(t, http.MethodGet, hs.URL+"/nope")
	assert.Equal(t, 404, code)
	code, _, _ = get(t, http.MethodGet, hs.URL+server.PathMsgStats)
	assert.Equal(t, 404, code, "msg-stats only when enabled")

	cfg := testConfig()
	cfg.CompatMsgStats = true
	_, hs2 := startWS(t, cfg)
	code, _, body = get(t, http.MethodGet, hs2.URL+server.PathMsgStats)
	assert.Equal(t, 200, code)
	assert.Equal(t, "0 0", body)
}

// W13: the Tandem-Relay header is present and parses to what the server advertises; no
// subprotocol and no compression are negotiated.
func TestFeaturesHeader(t *testing.T) {
	srv, hs := startWS(t, testConfig())
	hdr := http.Header{"Sec-WebSocket-Protocol": {"chat"}, "Sec-WebSocket-Extensions": {"permessage-deflate"}}
	l, resp, err := dialWS(context.Background(), wsURLOf(hs), "", hdr)
	require.NoError(t, err)
	defer l.Close(relay.CloseNormal, "")
	v := resp.Header.Get(relay.FeaturesHeader)
	assert.Equal(t, "v=1, candidates=4, max-frame=1048576, max-ttl=3600, max-asks=1024, unask", v)
	assert.Equal(t, srv.Features(), relay.ParseFeatures(v))
	assert.Empty(t, resp.Header.Get("Sec-WebSocket-Protocol"))
	assert.Empty(t, resp.Header.Get("Sec-WebSocket-Extensions"))
}

// W03: text frames are ignored and counted; W06: the server sends only binary data frames,
// and pings, never unsolicited pongs.
func TestTextFramesAndOpcodes(t *testing.T) {
	srv, hs := startWS(t, testConfig())
	d := websocket.Dialer{}
	ws, _, err := d.Dial(wsURLOf(hs), nil)
	require.NoError(t, err)
	defer ws.Close()
	var pings, pongs atomic.Int64
	ws.SetPingHandler(func(data string) error {
		pings.Add(1)
		return ws.WriteControl(websocket.PongMessage, []byte(data), time.Now().Add(time.Second))
	})
	ws.SetPongHandler(func(string) error { pongs.Add(1); return nil })
	id := testID(1)
	require.NoError(t, ws.WriteMessage(websocket.TextMessage, []byte("hello")))
	require.NoError(t, ws.WriteMessage(websocket.BinaryMessage, ask(id, 30*time.Second)))
	other, _, err := dialWS(context.Background(), wsURLOf(hs), "", nil)
	require.NoError(t, err)
	defer other.Close(relay.CloseNormal, "")
	time.Sleep(200 * time.Millisecond) // several ping intervals
	p := pub(t, id, 30*time.Second, 0, "after text")
	send(t, other, p)
	_ = ws.SetReadDeadline(time.Now().Add(5 * time.Second))
	mt, b, err := ws.ReadMessage() // handles the queued pings first
	require.NoError(t, err)
	require.Equal(t, websocket.BinaryMessage, mt)
	require.Equal(t, p, b)
	assert.Positive(t, pings.Load(), "server pings every interval")
	assert.Zero(t, pongs.Load(), "no unsolicited pongs")
	assert.Equal(t, float64(1), metric(t, srv.Registry(), "tandem_relay_frames_received_total", "kind", "text"))
}

// W07: a client that stops answering pings is closed after the read timeout.
func TestReadTimeout(t *testing.T) {
	cfg := testConfig()
	cfg.ReadTimeout = 200 * time.Millisecond
	srv, hs := startWS(t, cfg)
	ws, _, err := websocket.DefaultDialer.Dial(wsURLOf(hs), nil)
	require.NoError(t, err)
	defer ws.Close()
	// Do not read (so no pongs) for a while, then observe the close.
	time.Sleep(600 * time.Millisecond)
	_ = ws.SetReadDeadline(time.Now().Add(5 * time.Second))
	for {
		if _, _, err := ws.ReadMessage(); err != nil {
			break
		}
	}
	eventually(t, func() bool {
		return metric(t, srv.Registry(), "tandem_relay_disconnects_total", "reason", "read_timeout") == 1
	}, "read_timeout counted")
}

// W07 (positive side): a client that answers pings stays connected past the read timeout.
func TestPongsKeepAlive(t *testing.T) {
	cfg := testConfig()
	cfg.ReadTimeout = 200 * time.Millisecond
	srv, hs := startWS(t, cfg)
	l, _, err := dialWS(context.Background(), wsURLOf(hs), "", nil) // the pump reads, so it answers pings
	require.NoError(t, err)
	defer l.Close(relay.CloseNormal, "")
	time.Sleep(700 * time.Millisecond)
	id := testID(3)
	send(t, l, ask(id, 30*time.Second))
	other := dialRaw(t, hs)
	defer other.Close(relay.CloseNormal, "")
	p := pub(t, id, 30*time.Second, 0, "still here")
	send(t, other, p)
	require.Equal(t, p, recv(t, l))
	assert.Zero(t, metric(t, srv.Registry(), "tandem_relay_disconnects_total", "reason", "read_timeout"))
}

func dialRaw(t *testing.T, hs *httptest.Server) *rawWS {
	t.Helper()
	l, _, err := dialWS(context.Background(), wsURLOf(hs), "", nil)
	require.NoError(t, err)
	return l
}

// W08: a consumer that never reads is disconnected (4000, or an abrupt close after a write
// timeout) and the relay's queue stays bounded.
func TestSlowConsumer(t *testing.T) {
	cfg := testConfig()
	cfg.SendQueueFrames = 8
	cfg.SendQueueBytes = 1 << 20
	cfg.WriteTimeout = 200 * time.Millisecond
	cfg.MaxCandidatesPerIP = server.Off
	srv, hs := startWS(t, cfg)
	ws, _, err := websocket.DefaultDialer.Dial(wsURLOf(hs), nil)
	require.NoError(t, err)
	defer ws.Close()
	const ids = 64
	for i := range ids {
		require.NoError(t, ws.WriteMessage(websocket.BinaryMessage, ask(testID(byte(i)), 30*time.Second)))
	}
	pubber := dialRaw(t, hs)
	defer pubber.Close(relay.CloseNormal, "")
	body := strings.Repeat("z", 256<<10)
	for i := range ids {
		if err := pubber.WriteFrame(context.Background(), pub(t, testID(byte(i)), 30*time.Second, 0, body)); err != nil {
			break
		}
	}
	eventually(t, func() bool {
		return metric(t, srv.Registry(), "tandem_relay_disconnects_total", "reason", "slow_consumer") == 1
	}, "slow consumer disconnected")
}

// W10 (handshake side): per-IP connection limit → 429 + Retry-After 5; max-conns → 503;
// shared-secret auth → 401; origin allow-list → 403; handshake rate → 429.
func TestHandshakeRefusals(t *testing.T) {
	secret := filepath.Join(t.TempDir(), "secrets")
	require.NoError(t, os.WriteFile(secret, []byte("# tokens\n\ns3cret\nother\n"), 0o600))
	tests := []struct {
		name       string
		cfg        func(*server.Config)
		first      http.Header // dialled and kept open (nil: none)
		hdr        http.Header
		want       int
		retryAfter string
		reason     string
	}{
		{name: "ip_limit", cfg: func(c *server.Config) { c.MaxConnsPerIP = 1 }, first: http.Header{},
			want: 429, retryAfter: "5", reason: "ip_limit"},
		{name: "conn_limit", cfg: func(c *server.Config) { c.MaxConns = 1 }, first: http.Header{},
			want: 503, retryAfter: "1", reason: "conn_limit"},
		{name: "auth_missing", cfg: func(c *server.Config) { c.Auth = server.AuthShared; c.AuthSecretFile = secret },
			want: 401, reason: "auth"},
		{name: "auth_wrong", cfg: func(c *server.Config) { c.Auth = server.AuthShared; c.AuthSecretFile = secret },
			hdr: http.Header{"Authorization": {"Bearer nope"}}, want: 401, reason: "auth"},
		{name: "auth_ok", cfg: func(c *server.Config) { c.Auth = server.AuthShared; c.AuthSecretFile = secret },
			hdr: http.Header{"Authorization": {"Bearer s3cret"}}, want: 101},
		{name: "origin_refused", cfg: func(c *server.Config) { c.AllowedOrigins = []string{"https://*.example.com"} },
			hdr: http.Header{"Origin": {"https://evil.test"}}, want: 403, reason: "origin"},
		{name: "origin_ok", cfg: func(c *server.Config) { c.AllowedOrigins = []string{"https://*.example.com"} },
			hdr: http.Header{"Origin": {"https://app.example.com"}}, want: 101},
		{name: "no_origin_ok", cfg: func(c *server.Config) { c.AllowedOrigins = []string{"https://example.com"} },
			want: 101},
		{name: "handshake_rate", cfg: func(c *server.Config) { c.HandshakeRate = 0.001; c.HandshakeBurst = 1 },
			first: http.Header{}, want: 429, retryAfter: "1", reason: "rate"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := testConfig()
			tc.cfg(&cfg)
			srv, hs := startWS(t, cfg)
			if tc.first != nil {
				l, _, err := dialWS(context.Background(), wsURLOf(hs), "", tc.first)
				require.NoError(t, err)
				defer l.Close(relay.CloseNormal, "")
				// The server counts the connection after its side of the upgrade; the
				// client's handshake can complete first.
				eventually(t, func() bool { return srv.Connections() == 1 }, "first connection counted")
			}
			l, resp, err := dialWS(context.Background(), wsURLOf(hs), "", tc.hdr)
			if tc.want == 101 {
				require.NoError(t, err)
				l.Close(relay.CloseNormal, "")
				return
			}
			require.Error(t, err)
			require.NotNil(t, resp)
			assert.Equal(t, tc.want, resp.StatusCode)
			assert.Equal(t, tc.retryAfter, resp.Header.Get("Retry-After"))
			if tc.want == 401 {
				assert.Equal(t, `Bearer realm="tandem-relay"`, resp.Header.Get("WWW-Authenticate"))
			}
			assert.Equal(t, float64(1), metric(t, srv.Registry(), "tandem_relay_handshake_rejected_total", "reason", tc.reason))
		})
	}
}

// The query-parameter credential works when no Authorization header is sent (§4.3).
func TestAuthQueryToken(t *testing.T) {
	secret := filepath.Join(t.TempDir(), "secrets")
	require.NoError(t, os.WriteFile(secret, []byte("s3cret\n"), 0o600))
	cfg := testConfig()
	cfg.Auth, cfg.AuthSecretFile = server.AuthShared, secret
	srv, hs := startWS(t, cfg)
	l, _, err := dialWS(context.Background(), wsURLOf(hs)+"?access_token=s3cret", "", nil)
	require.NoError(t, err)
	l.Close(relay.CloseNormal, "")
	// Reload (SIGHUP): the old token stops working.
	require.NoError(t, os.WriteFile(secret, []byte("fresh\n"), 0o600))
	require.NoError(t, srv.ReloadAuth())
	_, resp, err := dialWS(context.Background(), wsURLOf(hs)+"?access_token=s3cret", "", nil)
	require.Error(t, err)
	assert.Equal(t, 401, resp.StatusCode)
}

// A malformed upgrade (bad version) gets a 400, not an empty 200.
func TestBadUpgrade(t *testing.T) {
	srv, hs := startWS(t, testConfig())
	req, err := http.NewRequest(http.MethodGet, hs.URL+server.PathRelay, nil)
	require.NoError(t, err)
	req.Header.Set("Connection", "Upgrade")
	req.Header.Set("Upgrade", "websocket")
	req.Header.Set("Sec-WebSocket-Version", "12")
	req.Header.Set("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Equal(t, float64(1), metric(t, srv.Registry(), "tandem_relay_handshake_rejected_total", "reason", "bad_request"))
	assert.Zero(t, srv.Connections())
}

// §5: exactly two goroutines per connection (the handler's reader and the writer).
func TestTwoGoroutinesPerConnection(t *testing.T) {
	srv, hs := startWS(t, testConfig())
	const n = 20
	conns := make([]*websocket.Conn, 0, n)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	settle := func(want int) int {
		var g int
		for range 200 {
			g = runtime.NumGoroutine()
			if srv.Connections() == want {
				time.Sleep(20 * time.Millisecond)
				return runtime.NumGoroutine()
			}
			time.Sleep(10 * time.Millisecond)
		}
		return g
	}
	before := settle(0)
	for range n {
		ws, _, err := websocket.DefaultDialer.Dial(wsURLOf(hs), nil) // the test side reads nothing: no goroutine
		require.NoError(t, err)
		conns = append(conns, ws)
	}
	after := settle(n)
	assert.InDelta(t, 2*n, after-before, 2, "goroutines per connection")
}
