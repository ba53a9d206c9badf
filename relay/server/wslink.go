package server

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"

	"github.com/tandem-mpc/tandem/relay"
)

// closeWait bounds the close handshake: the close frame's write deadline and the wait for the
// peer's close frame (§5).
const closeWait = time.Second

// readBufPool holds the buffers frames are read into before the exact-size copy (§5).
var readBufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxPooledBuf keeps rare huge buffers out of the pool.
const maxPooledBuf = 64 << 10

// wsLink is the server side of a gorilla WebSocket as a relay.Link. Only the connection's
// reader calls ReadFrame and only its writer calls WriteFrame, ping and Close (gorilla allows
// one concurrent reader and one writer; WriteControl may run concurrently with both).
type wsLink struct {
	ws          *websocket.Conn
	bc          *batchConn // the transport under ws; nil: no write coalescing
	s           *Server
	readTimeout time.Duration
	closing     atomic.Bool
	closed      atomic.Bool
}

func newWSLink(ws *websocket.Conn, bc *batchConn, s *Server) *wsLink {
	l := &wsLink{ws: ws, bc: bc, s: s, readTimeout: s.cfg.ReadTimeout}
	ws.SetReadLimit(int64(s.cfg.MaxFrameBytes))
	_ = ws.SetReadDeadline(time.Now().Add(l.readTimeout))
	ws.SetPongHandler(func(string) error {
		l.extend()
		return nil
	})
	return l
}

// extend pushes the read deadline to now + read timeout, unless a close is in progress.
func (l *wsLink) extend() {
	if !l.closing.Load() {
		_ = l.ws.SetReadDeadline(time.Now().Add(l.readTimeout))
	}
}

// ReadFrame returns the next binary frame as an exact-size slice. Text frames are drained and
// counted (§2.2).
func (l *wsLink) ReadFrame(context.Context) ([]byte, error) {
	for {
		mt, r, err := l.ws.NextReader()
		if err != nil {
			return nil, l.mapReadErr(err)
		}
		if mt != websocket.BinaryMessage {
			n, err := io.Copy(io.Discard, r)
			if err != nil {
				return nil, l.mapReadErr(err)
			}
			l.s.m.framesReceived.WithLabelValues("text").Inc()
			l.s.m.receivedBytes.Add(float64(n))
			l.extend()
			continue
		}
		buf := readBufPool.Get().(*bytes.Buffer)
		buf.Reset()
		_, err = buf.ReadFrom(r)
		if err != nil {
			readBufPool.Put(buf)
			return nil, l.mapReadErr(err)
		}
		frame := bytes.Clone(buf.Bytes())
		if frame == nil {
			frame = []byte{}
		}
		if buf.Cap() <= maxPooledBuf {
			readBufPool.Put(buf)
		}
		l.extend()
		return frame, nil
	}
}

func (l *wsLink) mapReadErr(err error) error {
	var ce *websocket.CloseError
	var ne net.Error
	switch {
	case errors.Is(err, websocket.ErrReadLimit):
		return errFrameTooBig
	case errors.As(err, &ce) && ce.Code != websocket.CloseAbnormalClosure:
		return errPeerClosed
	case errors.As(err, &ne) && ne.Timeout() && !l.closing.Load():
		return errReadTimeout
	default:
		return err
	}
}

// WriteFrame writes one binary frame with the configured write timeout.
func (l *wsLink) WriteFrame(ctx context.Context, frame []byte) error {
	dl, ok := ctx.Deadline()
	if !ok {
		dl = time.Now().Add(l.s.cfg.WriteTimeout)
	}
	return l.writeFrameBy(frame, dl)
}

func (l *wsLink) writeFrameBy(frame []byte, deadline time.Time) error {
	if err := l.ws.SetWriteDeadline(deadline); err != nil {
		return err
	}
	return l.ws.WriteMessage(websocket.BinaryMessage, frame)
}

// beginBatch makes the following frame writes collect in the transport buffer (batchConn).
func (l *wsLink) beginBatch() {
	if l.bc != nil {
		l.bc.hold()
	}
}

// endBatch writes the frames collected since beginBatch, with deadline.
func (l *wsLink) endBatch(deadline time.Time) error {
	if l.bc == nil {
		return nil
	}
	return l.bc.release(deadline)
}

func (l *wsLink) ping(deadline time.Time) error {
	return l.ws.WriteControl(websocket.PingMessage, nil, deadline)
}

// Close starts the close handshake with code, or closes the transport at once for
// relay.CloseAbnormal. After a close frame the reader keeps reading until the peer's close
// frame arrives or closeWait passes; the connection code then closes the transport.
func (l *wsLink) Close(code int, reason string) error {
	if code == relay.CloseAbnormal {
		if l.closed.Swap(true) {
			return nil
		}
		l.closing.Store(true)
		return l.ws.NetConn().Close()
	}
	if l.closing.Swap(true) {
		return nil
	}
	now := time.Now()
	err := l.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, reason), now.Add(closeWait))
	_ = l.ws.SetReadDeadline(now.Add(closeWait))
	if err != nil {
		l.closed.Store(true)
		return l.ws.NetConn().Close()
	}
	return nil
}

// Features returns what this server advertises.
func (l *wsLink) Features() relay.Features { return l.s.features() }
