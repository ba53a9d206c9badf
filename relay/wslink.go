package relay

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// wsLink is the client side of a relay WebSocket (WIRE.md §2): binary frames only, text frames
// skipped, a read deadline of ReadTimeout that every inbound frame, ping or pong pushes out,
// and pings sent by the Client's writer (Ping). Once a read or write failed, the link is dead.
type wsLink struct {
	conn         *websocket.Conn
	features     Features
	readTimeout  time.Duration
	writeTimeout time.Duration

	mu        sync.Mutex
	reading   bool // a ReadFrame is in progress
	closing   bool // Close was called
	readsDead bool // a read was interrupted: deadlines are no longer extended
	broken    bool // a read failed: the connection is unusable
}

// dialWebSocket performs the WebSocket handshake with url. A refused upgrade is a
// *HandshakeError with the status and the Retry-After delay.
func dialWebSocket(ctx context.Context, url string, o *ClientOptions) (*wsLink, error) {
	var d websocket.Dialer
	if o.Dialer != nil {
		d = *o.Dialer
	} else {
		d.Proxy = http.ProxyFromEnvironment
	}
	if d.HandshakeTimeout <= 0 {
		d.HandshakeTimeout = o.HandshakeTimeout
	}
	d.EnableCompression = false
	h := o.Header.Clone()
	if h == nil {
		h = make(http.Header)
	}
	token := o.Token
	if o.TokenFunc != nil {
		t, err := o.TokenFunc(ctx)
		if err != nil {
			return nil, fmt.Errorf("relay: token: %w", err)
		}
		token = t
	}
	if token != "" {
		h.Set("Authorization", "Bearer "+token)
	}
	conn, resp, err := d.DialContext(ctx, url, h)
	if err != nil {
		if resp != nil && resp.StatusCode != http.StatusSwitchingProtocols {
			return nil, &HandshakeError{
				StatusCode: resp.StatusCode,
				RetryAfter: parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()),
			}
		}
		return nil, err
	}
	l := &wsLink{
		conn:         conn,
		features:     ParseFeatures(resp.Header.Get(FeaturesHeader)),
		readTimeout:  o.ReadTimeout,
		writeTimeout: o.WriteTimeout,
	}
	conn.SetReadLimit(int64(max(o.MaxFrameBytes, l.features.MaxFrame)))
	_ = conn.SetReadDeadline(time.Now().Add(l.readTimeout))
	conn.SetPongHandler(func(string) error {
		l.extend()
		return nil
	})
	conn.SetPingHandler(func(data string) error {
		l.extend()
		err := conn.WriteControl(websocket.PongMessage, []byte(data), time.Now().Add(l.writeTimeout))
		var ne net.Error
		if err == nil || errors.Is(err, websocket.ErrCloseSent) || (errors.As(err, &ne) && ne.Timeout()) {
			return nil // as gorilla's default handler: a failed pong is not a read error
		}
		return err
	})
	return l, nil
}

// parseRetryAfter reads a Retry-After value: delay seconds or an HTTP date. 0 if absent or
// malformed; at most an hour.
func parseRetryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	var d time.Duration
	if n, err := strconv.ParseUint(v, 10, 32); err == nil {
		d = time.Duration(n) * time.Second
	} else if t, err := http.ParseTime(v); err == nil {
		d = t.Sub(now)
	}
	return min(max(d, 0), time.Hour)
}

// extend pushes the read deadline out after inbound activity.
func (l *wsLink) extend() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.closing && !l.readsDead {
		_ = l.conn.SetReadDeadline(time.Now().Add(l.readTimeout))
	}
}

// ReadFrame returns the next binary frame. A relay close is a *CloseError (1006 when the
// connection dropped without one); a cancelled ctx kills the link and returns ctx.Err().
func (l *wsLink) ReadFrame(ctx context.Context) ([]byte, error) {
	l.mu.Lock()
	switch {
	case l.reading || l.broken: // Close is draining, or the link is dead
		l.mu.Unlock()
		return nil, ErrClosed
	case l.closing: // Close ran while no read was in progress: drain for it
		l.reading = true
		l.mu.Unlock()
		l.drainAndClose()
		return nil, ErrClosed
	}
	l.reading = true
	l.mu.Unlock()

	stop := context.AfterFunc(ctx, func() {
		l.mu.Lock()
		l.readsDead = true
		l.mu.Unlock()
		_ = l.conn.SetReadDeadline(time.Unix(1, 0))
	})
	var (
		data []byte
		err  error
	)
	for {
		var typ int
		typ, data, err = l.conn.ReadMessage()
		if err != nil || typ == websocket.BinaryMessage {
			break
		}
		l.extend() // a text frame: the relay never sends one; skip it
	}
	interrupted := !stop()

	l.mu.Lock()
	l.reading = false
	closing := l.closing
	if err != nil {
		l.broken = true
	}
	l.mu.Unlock()
	if err == nil {
		l.extend()
		return data, nil
	}
	if closing {
		_ = l.conn.Close() // Close left the socket to us so the relay's answer could arrive
	}
	if interrupted && ctx.Err() != nil {
		return nil, ctx.Err()
	}
	return nil, readError(err)
}

// drainAndClose reads until the relay's answer to our close frame (or the deadline Close set),
// then closes the socket. Closing with unread input would reset the connection, and the relay
// could lose our close frame.
func (l *wsLink) drainAndClose() {
	for {
		if _, _, err := l.conn.NextReader(); err != nil {
			break
		}
	}
	_ = l.conn.Close()
}

// readError maps gorilla's read errors to the relay's.
func readError(err error) error {
	var ce *websocket.CloseError
	if errors.As(err, &ce) {
		return &CloseError{Code: ce.Code, Reason: ce.Text}
	}
	if errors.Is(err, websocket.ErrReadLimit) {
		return fmt.Errorf("relay: inbound frame above the read limit: %w", err)
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return fmt.Errorf("relay: read timeout (no frame or pong): %w", err)
	}
	return err
}

// WriteFrame sends frame as one binary message, within WriteTimeout or ctx's deadline if
// earlier. After an error (including a timeout) the link is unusable.
func (l *wsLink) WriteFrame(ctx context.Context, frame []byte) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	dl := time.Now().Add(l.writeTimeout)
	if d, ok := ctx.Deadline(); ok && d.Before(dl) {
		dl = d
	}
	_ = l.conn.SetWriteDeadline(dl)
	// gorilla's SetWriteDeadline is not safe to call concurrently with a write; the socket's is.
	stop := context.AfterFunc(ctx, func() { _ = l.conn.NetConn().SetWriteDeadline(time.Unix(1, 0)) })
	err := l.conn.WriteMessage(websocket.BinaryMessage, frame)
	if !stop() && ctx.Err() != nil && err != nil {
		return ctx.Err()
	}
	if errors.Is(err, websocket.ErrCloseSent) {
		return ErrClosed
	}
	return err
}

// Ping sends a WebSocket ping; the relay's pong extends the read deadline.
func (l *wsLink) Ping(ctx context.Context) error {
	dl := time.Now().Add(l.writeTimeout)
	if d, ok := ctx.Deadline(); ok && d.Before(dl) {
		dl = d
	}
	err := l.conn.WriteControl(websocket.PingMessage, nil, dl)
	if errors.Is(err, websocket.ErrCloseSent) {
		return ErrClosed
	}
	return err
}

// Close sends a close frame with code and reason, then waits at most about a second for the
// relay's answer before the socket is closed, so that the relay sees a clean close. If a
// ReadFrame is in progress, it receives the answer and closes the socket; otherwise Close
// reads it itself. On a link whose reads already failed the socket is closed at once.
func (l *wsLink) Close(code int, reason string) error {
	l.mu.Lock()
	if l.closing {
		l.mu.Unlock()
		return nil
	}
	l.closing = true
	reading, broken := l.reading, l.broken
	if !reading && !broken {
		l.reading = true // Close drains below; a later ReadFrame returns at once
	}
	l.mu.Unlock()
	msg := websocket.FormatCloseMessage(code, reason)
	err := l.conn.WriteControl(websocket.CloseMessage, msg, time.Now().Add(closeGrace))
	if errors.Is(err, websocket.ErrCloseSent) {
		err = nil
	}
	switch {
	case broken || err != nil:
		_ = l.conn.Close()
	default:
		_ = l.conn.SetReadDeadline(time.Now().Add(closeGrace))
		if !reading {
			l.drainAndClose()
		}
	}
	return err
}

// Features returns what the relay advertised in the Tandem-Relay header of the 101 response.
func (l *wsLink) Features() Features { return l.features }
