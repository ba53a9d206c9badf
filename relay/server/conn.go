package server

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tandem-mpc/tandem/relay"
)

// ConnInfo describes a relay connection to ServeLink and to CloseConnections' match function.
type ConnInfo struct {
	// ID is the random 64-bit connection id in hex; assigned by the server (ignored on input).
	ID string
	// IP is the client address (§4.2). The zero Addr is accepted and groups such clients.
	IP netip.Addr
	// Remote is the transport peer address, for logs only.
	Remote string
	// AuthSub is the admission subject (hmac mode), for logs only.
	AuthSub string

	prefix netip.Prefix
}

// Errors of the link layer as seen by the connection code.
var (
	errReadTimeout = errors.New("server: read timeout")
	errFrameTooBig = errors.New("server: frame too big") // the link already sent 1009
	errPeerClosed  = errors.New("server: closed by peer")
)

// pinger is implemented by links that carry transport keepalives (the WebSocket link).
type pinger interface {
	ping(deadline time.Time) error
}

// deadlineWriter is implemented by links that take a write deadline without a context.
type deadlineWriter interface {
	writeFrameBy(frame []byte, deadline time.Time) error
}

// outFrame is one queued outbound frame.
type outFrame struct {
	b []byte
	t time.Time
}

// conn is one relay connection: a reader (the goroutine that called ServeLink) and a writer.
type conn struct {
	s           *Server
	link        relay.Link
	info        ConnInfo
	id          uint64
	idHex       string
	contributor string
	ctx         context.Context
	start       time.Time

	waiters map[relay.MsgID]*waiter // guarded by s.hub.mu

	qmu     sync.Mutex
	queue   []outFrame
	qbytes  int
	notify  chan struct{}
	closing bool // guarded by qmu

	closeOnce   sync.Once
	closeCh     chan struct{}
	closeCode   int
	closeReason string

	lastData atomic.Int64 // unix nanos of the last inbound data frame (idle timeout)
	tokens   float64      // conn-rate bucket, reader only
	tokensAt time.Time

	framesIn, framesOut, bytesIn, bytesOut, asks, pubs atomic.Int64
}

func newConnID() uint64 {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("internal error: crypto/rand failed: " + err.Error())
	}
	return binary.BigEndian.Uint64(b[:])
}

// closeWith asks the writer to end the connection with code and records the disconnect
// reason. The first call wins. code relay.CloseAbnormal means "no close frame": the transport
// is closed at once. It never blocks.
func (c *conn) closeWith(code int, reason string) {
	c.closeOnce.Do(func() {
		c.qmu.Lock()
		c.closing = true
		c.queue = nil
		c.qbytes = 0
		c.qmu.Unlock()
		c.closeCode = code
		c.closeReason = reason
		close(c.closeCh)
		if refusalReasons[reason] {
			c.s.refused(reason, code, c.idHex)
		}
	})
}

// enqueue queues frame for the writer. It never blocks: a frame that would pass either queue
// bound closes the connection with 4000 (§5). It reports whether the frame was queued.
func (c *conn) enqueue(frame []byte) bool {
	c.qmu.Lock()
	if c.closing {
		c.qmu.Unlock()
		return false
	}
	cfg := &c.s.cfg
	if len(c.queue)+1 > cfg.SendQueueFrames || c.qbytes+len(frame) > cfg.SendQueueBytes {
		c.qmu.Unlock()
		c.closeWith(relay.CloseSlowConsumer, reasonSlowConsumer)
		return false
	}
	c.queue = append(c.queue, outFrame{b: frame, t: time.Now()})
	c.qbytes += len(frame)
	c.qmu.Unlock()
	select {
	case c.notify <- struct{}{}:
	default:
	}
	return true
}

// serve runs the connection until it ends; it is the reader goroutine.
func (c *conn) serve() {
	writerDone := make(chan struct{})
	go func() {
		defer close(writerDone)
		c.writeLoop()
	}()
	c.readLoopSafe()
	c.closeWith(relay.CloseAbnormal, reasonReadError) // no-op if a reason was set
	<-writerDone
	_ = c.link.Close(relay.CloseAbnormal, "") // make sure the transport is gone
	c.s.hub.removeConn(c)
	c.finish()
}

func (c *conn) readLoopSafe() {
	defer func() {
		if r := recover(); r != nil {
			c.s.m.panics.Inc()
			c.s.log.Error("connection handler panic recovered", "conn", c.idHex, "panic", fmt.Sprint(r),
				"stack", string(debug.Stack()))
			c.closeWith(relay.CloseInternalError, reasonInternal)
			// Keep reading until the transport ends, so the close frame can be answered.
			for {
				if _, err := c.link.ReadFrame(c.ctx); err != nil {
					return
				}
			}
		}
	}()
	c.readLoop()
}

func (c *conn) readLoop() {
	cfg := &c.s.cfg
	m := c.s.m
	for {
		frame, err := c.link.ReadFrame(c.ctx)
		if err != nil {
			switch {
			case errors.Is(err, errFrameTooBig):
				c.closeWith(relay.CloseAbnormal, reasonFrameTooBig)
			case errors.Is(err, errReadTimeout):
				c.closeWith(relay.CloseGoingAway, reasonReadTimeout)
			case errors.Is(err, errPeerClosed):
				c.closeWith(relay.CloseAbnormal, reasonClientClose)
			default:
				var ce *relay.CloseError
				if errors.As(err, &ce) && ce.Code != relay.CloseAbnormal {
					c.closeWith(relay.CloseAbnormal, reasonClientClose)
				} else {
					c.closeWith(relay.CloseAbnormal, reasonReadError)
				}
			}
			return
		}
		if c.isClosing() {
			continue // drain until the peer's close frame or the close deadline
		}
		if len(frame) > cfg.MaxFrameBytes { // links without a read limit (the WebSocket has one)
			c.closeWith(relay.CloseMessageTooBig, reasonFrameTooBig)
			continue
		}
		now := time.Now()
		c.framesIn.Add(1)
		c.bytesIn.Add(int64(len(frame)))
		m.receivedBytes.Add(float64(len(frame)))
		if cfg.ConnRate > 0 && !c.takeToken(now) {
			m.ratelimited.WithLabelValues("conn").Inc()
			c.closeWith(relay.CloseRateLimited, reasonRateLimited)
			continue
		}
		c.lastData.Store(now.UnixNano())
		c.handle(frame, now)
	}
}

func (c *conn) isClosing() bool {
	select {
	case <-c.closeCh:
		return true
	default:
		return false
	}
}

// takeToken spends one token of the per-connection frame bucket (--conn-rate/--conn-burst).
func (c *conn) takeToken(now time.Time) bool {
	cfg := &c.s.cfg
	if c.tokensAt.IsZero() {
		c.tokens = float64(cfg.ConnBurst)
	} else {
		c.tokens = min(float64(cfg.ConnBurst), c.tokens+now.Sub(c.tokensAt).Seconds()*cfg.ConnRate)
	}
	c.tokensAt = now
	if c.tokens < 1 {
		return false
	}
	c.tokens--
	return true
}

// handle classifies one binary frame by its length and runs it (WIRE.md §2.2, §3).
func (c *conn) handle(frame []byte, tRead time.Time) {
	m := c.s.m
	kind := relay.Classify(frame)
	if kind == relay.FrameInvalid {
		m.framesReceived.WithLabelValues("short").Inc()
		return
	}
	hdr, err := relay.ParseHeader(frame)
	if err != nil {
		m.framesReceived.WithLabelValues("short").Inc()
		return
	}
	if c.s.log.Enabled(c.ctx, slog.LevelDebug) {
		c.s.log.Debug("frame", "conn", c.idHex, "kind", kind.String(), "id", hdr.ID.Short(), "len", len(frame))
	}
	switch kind {
	case relay.FrameAsk:
		m.framesReceived.WithLabelValues("ask").Inc()
		c.asks.Add(1)
		c.s.hub.ask(c.ctx, c, hdr, tRead)
	case relay.FrameUnask:
		m.framesReceived.WithLabelValues("unask").Inc()
		c.s.hub.unask(c, hdr.ID)
	case relay.FramePublish:
		m.framesReceived.WithLabelValues("publish").Inc()
		c.pubs.Add(1)
		c.s.hub.publish(c.ctx, c, frame, hdr, tRead)
	}
}

// writeLoop owns every write: queued frames, pings, the idle check and the close (§5).
func (c *conn) writeLoop() {
	defer func() {
		if r := recover(); r != nil {
			c.s.m.panics.Inc()
			c.s.log.Error("connection writer panic recovered", "conn", c.idHex, "panic", fmt.Sprint(r),
				"stack", string(debug.Stack()))
			c.closeWith(relay.CloseInternalError, reasonInternal)
			_ = c.link.Close(relay.CloseInternalError, relay.CloseReason(relay.CloseInternalError))
		}
	}()
	cfg := &c.s.cfg
	var pingC <-chan time.Time
	p, canPing := c.link.(pinger)
	if canPing {
		t := time.NewTicker(cfg.PingInterval)
		defer t.Stop()
		pingC = t.C
	}
	var idleC <-chan time.Time
	var idle *time.Timer
	if cfg.IdleTimeout > 0 {
		idle = time.NewTimer(cfg.IdleTimeout)
		defer idle.Stop()
		idleC = idle.C
	}
	done := c.ctx.Done()
	for {
		select {
		case <-c.closeCh:
			_ = c.link.Close(c.closeCode, relay.CloseReason(c.closeCode))
			return
		case <-done:
			done = nil
			c.closeWith(relay.CloseGoingAway, reasonShutdown)
		case <-c.notify:
			if err := c.flush(); err != nil {
				if !c.isClosing() {
					c.closeWith(relay.CloseAbnormal, reasonSlowConsumer)
				}
			}
		case <-pingC:
			if err := p.ping(time.Now().Add(cfg.WriteTimeout)); err != nil {
				c.closeWith(relay.CloseAbnormal, reasonReadError)
			}
		case now := <-idleC:
			last := time.Unix(0, c.lastData.Load())
			if rest := cfg.IdleTimeout - now.Sub(last); rest > 0 {
				idle.Reset(rest)
				continue
			}
			c.closeWith(relay.CloseIdle, reasonIdle)
		}
	}
}

// flush writes every queued frame. A write error or timeout ends the connection without a
// close frame (§2.6: the transport is unusable after a write timeout).
func (c *conn) flush() error {
	for {
		c.qmu.Lock()
		batch := c.queue
		c.queue = nil
		c.qbytes = 0
		c.qmu.Unlock()
		if len(batch) == 0 {
			return nil
		}
		if err := c.writeBatch(batch); err != nil {
			return err
		}
	}
}

// batchWriter is implemented by links that can coalesce frame writes (the WebSocket link):
// the frames written between beginBatch and endBatch leave in as few transport writes as
// their size allows, the last one at endBatch.
type batchWriter interface {
	beginBatch()
	endBatch(deadline time.Time) error
}

// writeBatch writes the frames taken from the queue in one go. On a batchWriter link they
// leave together when the last one is written: one write syscall for the whole snapshot (more
// only past batchLimit), and a lone frame leaves at once. The frames are counted once they
// are on the transport: after a failed batch none of its frames are.
func (c *conn) writeBatch(batch []outFrame) error {
	cfg := &c.s.cfg
	bw, batching := c.link.(batchWriter)
	dw, direct := c.link.(deadlineWriter)
	if batching {
		bw.beginBatch()
	}
	n := 0
	var err error
	for _, f := range batch {
		if c.isClosing() {
			break
		}
		if direct {
			err = dw.writeFrameBy(f.b, time.Now().Add(cfg.WriteTimeout))
		} else {
			ctx, cancel := context.WithTimeout(c.ctx, cfg.WriteTimeout)
			err = c.link.WriteFrame(ctx, f.b)
			cancel()
		}
		if err != nil {
			break
		}
		if !batching {
			c.sent(f, time.Now())
		}
		n++
	}
	if batching {
		if ferr := bw.endBatch(time.Now().Add(cfg.WriteTimeout)); err == nil {
			err = ferr
		}
		if err == nil {
			now := time.Now()
			for _, f := range batch[:n] {
				c.sent(f, now)
			}
		}
	}
	clear(batch)
	return err
}

// sent accounts for one frame that reached the transport.
func (c *conn) sent(f outFrame, now time.Time) {
	m := c.s.m
	m.sendQueueWait.Observe(now.Sub(f.t).Seconds())
	m.framesSent.Inc()
	m.sentBytes.Add(float64(len(f.b)))
	c.framesOut.Add(1)
	c.bytesOut.Add(int64(len(f.b)))
}

// finish releases the connection's accounting and logs its close line (§9.4).
func (c *conn) finish() {
	s := c.s
	dur := time.Since(c.start)
	s.m.disconnects.WithLabelValues(c.closeReason).Inc()
	s.m.connDuration.Observe(dur.Seconds())
	s.forgetConn(c)
	attrs := []any{"conn", c.idHex, "dur", dur.Round(time.Millisecond).String(),
		"frames_in", c.framesIn.Load(), "frames_out", c.framesOut.Load(),
		"bytes_in", c.bytesIn.Load(), "bytes_out", c.bytesOut.Load(),
		"asks", c.asks.Load(), "pubs", c.pubs.Load(),
		"close_code", c.closeCode, "close_reason", c.closeReason}
	if *s.cfg.LogRemoteAddr && c.info.Remote != "" {
		attrs = append(attrs, "remote", c.info.Remote)
	}
	if c.info.AuthSub != "" {
		attrs = append(attrs, "auth_sub", c.info.AuthSub)
	}
	s.log.Info("connection closed", attrs...)
}

func hexID(id uint64) string {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], id)
	return hex.EncodeToString(b[:])
}
