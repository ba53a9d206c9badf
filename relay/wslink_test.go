package relay

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

// wsRelay serves the fake relay over real WebSockets on loopback (httptest), bridging each
// upgraded connection to an in-memory link of r.
type wsRelay struct {
	r   *fakeRelay
	srv *httptest.Server
	url string

	mu       sync.Mutex
	requests []*http.Request
	conns    map[*websocket.Conn]struct{}
	closes   []int // close codes received from clients
	// refuse, if set, answers request n (1-based) with a status and headers instead of upgrading.
	refuse   func(n int) (int, http.Header)
	noPong   bool // do not answer pings
	sendText bool // send a text frame first (the client must skip it)
}

func newWSRelay(t *testing.T, f Features) *wsRelay {
	t.Helper()
	w := &wsRelay{r: newFakeRelay(f), conns: make(map[*websocket.Conn]struct{})}
	w.srv = httptest.NewServer(http.HandlerFunc(w.serve))
	w.url = "ws" + strings.TrimPrefix(w.srv.URL, "http") + "/v1/msg-relay"
	t.Cleanup(w.close)
	return w
}

func (w *wsRelay) close() {
	w.mu.Lock()
	for c := range w.conns {
		_ = c.Close()
	}
	w.mu.Unlock()
	w.srv.Close()
}

func (w *wsRelay) requestCount() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.requests)
}

// waitConns waits until the relay has bridged n connections (a client sees its handshake
// complete slightly before the bridge is up).
func (w *wsRelay) waitConns(t *testing.T, n int) {
	t.Helper()
	require.Eventually(t, func() bool { return w.r.connCount() == n }, 10*time.Second, time.Millisecond)
}

func (w *wsRelay) closeCodes() []int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]int(nil), w.closes...)
}

func (w *wsRelay) serve(rw http.ResponseWriter, req *http.Request) {
	w.mu.Lock()
	w.requests = append(w.requests, req)
	n := len(w.requests)
	refuse := w.refuse
	w.mu.Unlock()
	if refuse != nil {
		if status, h := refuse(n); status != 0 {
			for k, v := range h {
				rw.Header()[k] = v
			}
			rw.WriteHeader(status)
			return
		}
	}
	h := http.Header{}
	if w.r.features.Version > 0 {
		h.Set(FeaturesHeader, w.r.features.String())
	}
	up := websocket.Upgrader{}
	conn, err := up.Upgrade(rw, req, h)
	if err != nil {
		return
	}
	w.mu.Lock()
	w.conns[conn] = struct{}{}
	w.mu.Unlock()
	defer func() {
		w.mu.Lock()
		delete(w.conns, conn)
		w.mu.Unlock()
		_ = conn.Close()
	}()
	if w.noPong {
		conn.SetPingHandler(func(string) error { return nil })
	}
	if w.sendText {
		_ = conn.WriteMessage(websocket.TextMessage, []byte("ignore me"))
	}
	link, err := w.r.dialer()(context.Background())
	if err != nil {
		return
	}
	done := make(chan struct{})
	go func() { // relay → client
		defer close(done)
		for {
			f, err := link.ReadFrame(context.Background())
			var ce *CloseError
			switch {
			case errors.As(err, &ce) && ce.Code == CloseAbnormal:
				_ = conn.Close()
				return
			case errors.As(err, &ce):
				msg := websocket.FormatCloseMessage(ce.Code, ce.Reason)
				_ = conn.WriteControl(websocket.CloseMessage, msg, time.Now().Add(time.Second))
				return
			case err != nil:
				return
			}
			if err := conn.WriteMessage(websocket.BinaryMessage, f); err != nil {
				return
			}
		}
	}()
	for { // client → relay
		typ, data, err := conn.ReadMessage()
		if err != nil {
			var ce *websocket.CloseError
			if errors.As(err, &ce) {
				w.mu.Lock()
				w.closes = append(w.closes, ce.Code)
				w.mu.Unlock()
			}
			_ = link.Close(CloseNormal, "")
			break
		}
		if typ == websocket.BinaryMessage {
			_ = link.WriteFrame(context.Background(), data)
		}
	}
	<-done
}

func wsOpts() *ClientOptions {
	return &ClientOptions{Backoff: Backoff{Initial: 5 * time.Millisecond, Max: 20 * time.Millisecond}}
}

func dialWS(t *testing.T, url string, opts *ClientOptions) *Client {
	t.Helper()
	if opts == nil {
		opts = wsOpts()
	}
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	c, err := Dial(ctx, url, opts)
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func recvFrame(t *testing.T, ch <-chan []byte) []byte {
	t.Helper()
	select {
	case f := <-ch:
		return f
	case <-time.After(10 * time.Second):
		t.Fatal("no frame delivered")
		return nil
	}
}

func waitEvent(t *testing.T, ch <-chan Event, kind EventKind) Event {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case e := <-ch:
			if e.Kind == kind {
				return e
			}
		case <-timeout:
			t.Fatalf("no %v event", kind)
			return Event{}
		}
	}
}

func TestWebSocketDelivery(t *testing.T) {
	w := newWSRelay(t, Features{Version: 1, Candidates: 4, MaxFrame: 1 << 20, MaxTTL: time.Hour, MaxAsks: 1024, Unask: true})
	w.sendText = true
	tokens := 0
	opts := wsOpts()
	opts.Header = http.Header{"X-Test": {"yes"}}
	opts.Token = "static"
	opts.TokenFunc = func(context.Context) (string, error) {
		tokens++
		return fmt.Sprint("fresh-", tokens), nil
	}
	a := dialWS(t, w.url, opts)
	b := dialWS(t, w.url, wsOpts())
	until := time.Now().Add(time.Minute)
	assert.Equal(t, time.Hour, a.HeaderTTLLimit())
	assert.Equal(t, w.r.features, a.Features())

	require.NoError(t, b.Ask(t.Context(), testID(1), until))
	require.Eventually(t, func() bool { return w.r.count(FrameAsk, testID(1)) == 1 }, 10*time.Second, time.Millisecond)
	f := testPub(t, testID(1), time.Minute, "over a websocket")
	require.NoError(t, a.Publish(t.Context(), f, until))
	assert.Equal(t, f, recvFrame(t, b.Messages()))

	w.mu.Lock()
	req := w.requests[0]
	w.mu.Unlock()
	assert.Equal(t, "Bearer fresh-1", req.Header.Get("Authorization"), "TokenFunc overrides Token")
	assert.Equal(t, "yes", req.Header.Get("X-Test"))

	b.Forget(testID(1))
	require.Eventually(t, func() bool { return w.r.count(FrameUnask, testID(1)) == 1 }, 10*time.Second, time.Millisecond)

	// Every reconnect asks TokenFunc again.
	w.waitConns(t, 2)
	w.r.drop()
	waitEvent(t, a.Events(), Reconnected)
	w.mu.Lock()
	auth := []string{}
	for _, r := range w.requests {
		auth = append(auth, r.Header.Get("Authorization"))
	}
	w.mu.Unlock()
	assert.Contains(t, auth, "Bearer fresh-2")
}

func TestWebSocketLinkContext(t *testing.T) {
	w := newWSRelay(t, Features{})
	o := wsOpts().withDefaults()
	l, err := dialWebSocket(t.Context(), w.url, &o)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	assert.ErrorIs(t, l.WriteFrame(ctx, AskFrame(testID(1), time.Minute)), context.Canceled)
	_, err = l.ReadFrame(ctx)
	assert.ErrorIs(t, err, context.Canceled)

	// A read blocked on an idle relay returns when its ctx ends.
	l2, err := dialWebSocket(t.Context(), w.url, &o)
	require.NoError(t, err)
	ctx2, cancel2 := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel2()
	_, err = l2.ReadFrame(ctx2)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	require.NoError(t, l2.Close(CloseNormal, "normal"))
	require.NoError(t, l2.Close(CloseNormal, "normal"), "idempotent")
	_, err = l2.ReadFrame(t.Context())
	assert.ErrorIs(t, err, ErrClosed)
	_ = l.Close(CloseNormal, "normal")

	// An idle link closed by us: Close reads the relay's answer itself.
	l3, err := dialWebSocket(t.Context(), w.url, &o)
	require.NoError(t, err)
	w.waitConns(t, 1)
	require.NoError(t, l3.Close(CloseNormal, "normal"))
	require.Eventually(t, func() bool {
		for _, c := range w.closeCodes() {
			if c == CloseNormal {
				return true
			}
		}
		return false
	}, 10*time.Second, time.Millisecond, "the relay saw a clean 1000 close")
}

func TestWebSocketFallback(t *testing.T) {
	down := httptest.NewServer(http.NotFoundHandler())
	downURL := "ws" + strings.TrimPrefix(down.URL, "http")
	down.Close() // connection refused from now on
	w := newWSRelay(t, Features{})
	opts := wsOpts()
	opts.FallbackURLs = []string{w.url}
	c := dialWS(t, downURL, opts)
	assert.Equal(t, 1, w.requestCount())
	assert.Equal(t, Features{}, c.Features())
	assert.Equal(t, 255*time.Second, c.HeaderTTLLimit())

	require.NoError(t, c.Ask(t.Context(), testID(1), time.Now().Add(time.Minute)))
	require.Eventually(t, func() bool { return w.r.count(FrameAsk, testID(1)) == 1 }, 10*time.Second, time.Millisecond)
	w.r.drop()
	waitEvent(t, c.Events(), Disconnected)
	e := waitEvent(t, c.Events(), Reconnected)
	assert.Equal(t, 2, e.Attempt, "primary first, then the fallback")
	require.Eventually(t, func() bool { return w.r.count(FrameAsk, testID(1)) == 2 }, 10*time.Second, time.Millisecond)
}

func TestWebSocketHandshakeRefused(t *testing.T) {
	t.Parallel()
	w := newWSRelay(t, Features{})
	w.refuse = func(int) (int, http.Header) {
		return http.StatusUnauthorized, http.Header{"Www-Authenticate": {`Bearer realm="tandem-relay"`}}
	}
	_, err := Dial(t.Context(), w.url, wsOpts())
	var he *HandshakeError
	require.ErrorAs(t, err, &he)
	assert.Equal(t, 401, he.StatusCode)
	assert.Equal(t, 1, w.requestCount())

	// 429 with Retry-After is retried (after at least a second).
	w2 := newWSRelay(t, Features{})
	w2.refuse = func(n int) (int, http.Header) {
		if n == 1 {
			return http.StatusTooManyRequests, http.Header{"Retry-After": {"1"}}
		}
		return 0, nil
	}
	start := time.Now()
	dialWS(t, w2.url, wsOpts())
	assert.Equal(t, 2, w2.requestCount())
	assert.GreaterOrEqual(t, time.Since(start), time.Second)
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"", 0},
		{"0", 0},
		{"5", 5 * time.Second},
		{"86400", time.Hour}, // capped
		{"-3", 0},
		{"soon", 0},
		{"1.5", 0},
		{"Wed, 25 Nov 2026 12:00:30 GMT", 30 * time.Second},
		{"Wed, 25 Nov 2026 11:00:00 GMT", 0}, // in the past
		{"99999999999999999999", 0},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, parseRetryAfter(tt.in, now), "%q", tt.in)
	}
}

func TestWebSocketCloseCodes(t *testing.T) {
	w := newWSRelay(t, Features{})
	c := dialWS(t, w.url, nil)

	w.waitConns(t, 1)
	w.r.closeAll(&CloseError{Code: CloseInternalError, Reason: CloseReason(CloseInternalError)})
	e := waitEvent(t, c.Events(), Disconnected)
	var ce *CloseError
	require.ErrorAs(t, e.Err, &ce)
	assert.Equal(t, CloseError{Code: CloseInternalError, Reason: "internal error"}, *ce)
	waitEvent(t, c.Events(), Reconnected)

	w.waitConns(t, 1)
	w.r.drop() // abrupt: no close frame
	e = waitEvent(t, c.Events(), Disconnected)
	require.ErrorAs(t, e.Err, &ce)
	assert.Equal(t, CloseAbnormal, ce.Code)
	waitEvent(t, c.Events(), Reconnected)

	w.waitConns(t, 1)
	w.r.closeAll(&CloseError{Code: CloseTooManyAsks, Reason: CloseReason(CloseTooManyAsks)})
	e = waitEvent(t, c.Events(), Failed)
	assert.ErrorIs(t, e.Err, ErrClosed)
	require.ErrorAs(t, e.Err, &ce)
	assert.Equal(t, CloseTooManyAsks, ce.Code)
	assert.ErrorIs(t, c.Ask(t.Context(), testID(1), time.Now().Add(time.Minute)), ErrClosed)
}

func TestWebSocketReadTimeout(t *testing.T) {
	t.Parallel()
	w := newWSRelay(t, Features{})
	w.noPong = true
	opts := wsOpts()
	opts.PingInterval = 20 * time.Millisecond
	opts.ReadTimeout = 150 * time.Millisecond
	c := dialWS(t, w.url, opts)
	e := waitEvent(t, c.Events(), Disconnected)
	assert.ErrorContains(t, e.Err, "read timeout")
	waitEvent(t, c.Events(), Reconnected)
}

func TestWebSocketPongsKeepTheLinkAlive(t *testing.T) {
	t.Parallel()
	w := newWSRelay(t, Features{})
	opts := wsOpts()
	opts.PingInterval = 50 * time.Millisecond
	opts.ReadTimeout = 2 * time.Second // generous: the machine may be loaded
	c := dialWS(t, w.url, opts)
	time.Sleep(3 * time.Second) // past the first read deadline
	require.NoError(t, c.Close())
	for e := range c.Events() {
		assert.Equal(t, Connected, e.Kind, "no disconnect while pongs flow: %v", e.Err)
	}
}

func TestWebSocketCloseLeavesNothing(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	w := newWSRelay(t, Features{})
	c, err := Dial(t.Context(), w.url, wsOpts())
	require.NoError(t, err)
	s := c.Scope()
	require.NoError(t, s.Ask(t.Context(), testID(1), time.Now().Add(time.Minute)))
	require.NoError(t, c.Close())
	require.Eventually(t, func() bool { return len(w.closeCodes()) > 0 }, 10*time.Second, time.Millisecond)
	assert.Equal(t, []int{CloseNormal}, w.closeCodes(), "Close sends 1000")
	for range s.Messages() {
	}
	w.close()
}

func TestDialRejectsBadURLs(t *testing.T) {
	for _, u := range []string{"", "http://example.com/v1/msg-relay", "ws://", "::bad", "wss:///path"} {
		_, err := Dial(t.Context(), u, nil)
		assert.ErrorContains(t, err, "bad URL", "%q", u)
	}
	_, err := Dial(t.Context(), "ws://127.0.0.1:1/v1/msg-relay", &ClientOptions{FallbackURLs: []string{"ftp://x"}})
	assert.ErrorContains(t, err, "bad URL")
}
