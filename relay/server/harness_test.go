package server_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/gorilla/websocket"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/tandem-mpc/tandem/relay"
	"github.com/tandem-mpc/tandem/relay/relaytest"
	"github.com/tandem-mpc/tandem/relay/server"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// testConfig returns a configuration with short intervals and the loopback-unfriendly per-IP
// admission limits off (§13, §4.1).
func testConfig() server.Config {
	cfg := server.DefaultConfig()
	cfg.PingInterval = 50 * time.Millisecond
	cfg.ReadTimeout = 5 * time.Second
	cfg.WriteTimeout = 500 * time.Millisecond
	cfg.MaxConnsPerIP = server.Off
	cfg.HandshakeRate = server.Off
	cfg.SweepInterval = 20 * time.Millisecond
	cfg.DrainWindow = 200 * time.Millisecond
	cfg.Logger = discardLogger()
	return cfg
}

// env is one relay under test, reachable through raw links (frames, not the client).
type env struct {
	t    *testing.T
	srv  *server.Server
	kind string
	dial func(ip string) relay.Link
	// wsURL is set for the WebSocket transport.
	wsURL string
}

// transports runs body against a relay over real WebSockets on loopback and over relaytest's
// in-memory links inside a synctest bubble (W16).
var transports = []struct {
	name string
	run  func(t *testing.T, cfg server.Config, body func(e *env))
}{
	{"websocket", runWS},
	{"memory", runMem},
}

func runWS(t *testing.T, cfg server.Config, body func(e *env)) {
	srv, err := server.New(cfg, nil)
	require.NoError(t, err)
	hs := httptest.NewServer(srv)
	e := &env{t: t, srv: srv, kind: "websocket", wsURL: wsURLOf(hs)}
	var links []relay.Link
	var mu sync.Mutex
	e.dial = func(ip string) relay.Link {
		l, _, err := dialWS(context.Background(), e.wsURL, ip, nil)
		require.NoError(t, err)
		mu.Lock()
		links = append(links, l)
		mu.Unlock()
		return l
	}
	defer func() {
		mu.Lock()
		for _, l := range links {
			_ = l.Close(relay.CloseAbnormal, "")
		}
		mu.Unlock()
		require.NoError(t, srv.Close())
		hs.Close()
	}()
	body(e)
}

func runMem(t *testing.T, cfg server.Config, body func(e *env)) {
	synctest.Test(t, func(t *testing.T) {
		r, err := relaytest.New(cfg)
		require.NoError(t, err)
		e := &env{t: t, srv: r.Server(), kind: "memory"}
		e.dial = func(ip string) relay.Link {
			l, err := r.LinkDialer(netip.MustParseAddr(ip))(context.Background())
			require.NoError(t, err)
			return l
		}
		defer func() { require.NoError(t, r.Close()) }()
		body(e)
	})
}

func wsURLOf(hs *httptest.Server) string {
	return "ws" + strings.TrimPrefix(hs.URL, "http") + server.PathRelay
}

// rawWS is a client-side relay.Link over a gorilla connection, for frame-level tests. A pump
// goroutine reads, so that a read that times out in a test leaves the connection usable.
type rawWS struct {
	ws     *websocket.Conn
	frames chan []byte
	done   chan struct{}
	err    error // set before done is closed
}

// dialWS connects from the loopback address ip (127.0.0.x; "" = any).
func dialWS(ctx context.Context, url, ip string, hdr http.Header) (*rawWS, *http.Response, error) {
	d := websocket.Dialer{HandshakeTimeout: 5 * time.Second}
	if ip != "" {
		nd := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}}
		d.NetDialContext = nd.DialContext
	}
	ws, resp, err := d.DialContext(ctx, url, hdr)
	if err != nil {
		return nil, resp, err
	}
	l := &rawWS{ws: ws, frames: make(chan []byte, 1024), done: make(chan struct{})}
	go l.pump()
	return l, resp, nil
}

func (l *rawWS) pump() {
	defer close(l.done)
	for {
		mt, b, err := l.ws.ReadMessage()
		if err != nil {
			var ce *websocket.CloseError
			if errors.As(err, &ce) {
				l.err = &relay.CloseError{Code: ce.Code, Reason: ce.Text}
			} else {
				l.err = &relay.CloseError{Code: relay.CloseAbnormal}
			}
			return
		}
		if mt != websocket.BinaryMessage {
			l.err = fmt.Errorf("server sent message type %d", mt)
			return
		}
		l.frames <- b
	}
}

func (l *rawWS) ReadFrame(ctx context.Context) ([]byte, error) {
	select {
	case b := <-l.frames:
		return b, nil
	default:
	}
	select {
	case b := <-l.frames:
		return b, nil
	case <-l.done:
		select {
		case b := <-l.frames:
			return b, nil
		default:
			return nil, l.err
		}
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (l *rawWS) WriteFrame(_ context.Context, frame []byte) error {
	_ = l.ws.SetWriteDeadline(time.Now().Add(5 * time.Second))
	return l.ws.WriteMessage(websocket.BinaryMessage, frame)
}

func (l *rawWS) Close(code int, reason string) error {
	if code != relay.CloseAbnormal {
		_ = l.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, reason), time.Now().Add(time.Second))
		select {
		case <-l.done:
		case <-time.After(time.Second):
		}
	}
	err := l.ws.Close()
	<-l.done
	return err
}

func (l *rawWS) Features() relay.Features { return relay.Features{} }

// Frame helpers.

func testID(n byte) relay.MsgID {
	var id relay.MsgID
	for i := range id {
		id[i] = n
	}
	return id
}

func pub(t testing.TB, id relay.MsgID, ttl time.Duration, flags uint16, body string) []byte {
	f, err := relay.PublishFrame(id, ttl, flags, []byte(body))
	require.NoError(t, err)
	return f
}

func ask(id relay.MsgID, ttl time.Duration) []byte { return relay.AskFrame(id, ttl) }

func send(t testing.TB, l relay.Link, frames ...[]byte) {
	t.Helper()
	for _, f := range frames {
		require.NoError(t, l.WriteFrame(context.Background(), f))
	}
}

// quiet is how long a read waits before concluding that nothing is coming.
const quiet = 300 * time.Millisecond

// recv returns the next frame within a generous timeout.
func recv(t testing.TB, l relay.Link) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	f, err := l.ReadFrame(ctx)
	require.NoError(t, err)
	return f
}

// nothing asserts that no frame arrives within quiet.
func nothing(t testing.TB, l relay.Link) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), quiet)
	defer cancel()
	f, err := l.ReadFrame(ctx)
	if err == nil {
		t.Fatalf("unexpected frame %s", label(f))
	}
	require.ErrorIs(t, err, context.DeadlineExceeded)
}

// closeCode reads until the link fails and returns the close code (1006 for an abrupt end).
func closeCode(t testing.TB, l relay.Link) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for {
		_, err := l.ReadFrame(ctx)
		if err == nil {
			continue
		}
		var ce *relay.CloseError
		if errors.As(err, &ce) {
			return ce.Code
		}
		t.Fatalf("link ended without a close: %v", err)
	}
}

// label names a frame in transcripts by its id byte and body digest.
func label(f []byte) string {
	if len(f) < relay.HeaderSize {
		return fmt.Sprintf("short(%d)", len(f))
	}
	d := sha256.Sum256(f[relay.HeaderSize:])
	return fmt.Sprintf("id%02x:%s", f[0], hex.EncodeToString(d[:4]))
}

// metric returns the value of a counter or gauge in reg with the given labels (0 if absent).
func metric(t testing.TB, reg prometheus.Gatherer, name string, labels ...string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	require.NoError(t, err)
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
	next:
		for _, m := range mf.GetMetric() {
			want := map[string]string{}
			for i := 0; i+1 < len(labels); i += 2 {
				want[labels[i]] = labels[i+1]
			}
			for _, lp := range m.GetLabel() {
				if v, ok := want[lp.GetName()]; ok && v != lp.GetValue() {
					continue next
				}
			}
			return value(m)
		}
	}
	return 0
}

func value(m *dto.Metric) float64 {
	switch {
	case m.Counter != nil:
		return m.Counter.GetValue()
	case m.Gauge != nil:
		return m.Gauge.GetValue()
	}
	return 0
}

// eventually polls cond (real or virtual time) until it holds or 10 s pass.
func eventually(t testing.TB, cond func() bool, msg string) {
	t.Helper()
	for i := 0; i < 1000; i++ {
		if cond() {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("condition never held: " + msg)
}

func mustAddr(s string) netip.Addr { return netip.MustParseAddr(s) }

func mustPrefixes(ss ...string) []netip.Prefix {
	out := make([]netip.Prefix, len(ss))
	for i, s := range ss {
		out[i] = netip.MustParsePrefix(s)
	}
	return out
}
