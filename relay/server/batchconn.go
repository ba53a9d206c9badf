package server

import (
	"bufio"
	"net"
	"net/http"
	"sync"
	"time"
)

// batchLimit is the most a batchConn buffers before it writes: a batch larger than this
// leaves in several writes of about this size.
const batchLimit = 64 << 10

// batchBufPool holds the batch buffers, so an idle connection holds none.
var batchBufPool = sync.Pool{New: func() any {
	b := make([]byte, 0, batchLimit)
	return &b
}}

// batchConn is the hijacked net.Conn of a relay WebSocket with write coalescing (WIRE.md §5:
// the writer drains its queue). Outside a batch every Write goes straight to the transport.
// Between hold and release (the connection's writer, while it writes the frames it found
// queued) writes are collected in a buffer and leave in one write at release, or earlier
// whenever the buffer would pass batchLimit. A control frame written by another goroutine
// during a batch (a pong or the close reply of gorilla's read handlers) joins the buffer and
// leaves with the batch, never later.
//
// Deadlines: SetWriteDeadline only records the deadline; it is applied to the transport just
// before the write that carries the bytes written after it (a write-through, or a flush when
// the buffer is full), and release applies its own deadline to the final flush. So every
// write syscall has a deadline, and a stuck flush ends at its deadline like a stuck frame did.
// A write error is sticky: the stream may hold a partial frame, so nothing more is written.
type batchConn struct {
	net.Conn

	// wmu is held by whoever writes to the transport, and guards the fields below. A write
	// that finds the transport busy (a flush stuck on a slow peer) waits for it: the holder
	// is bounded by its own deadline, and a write that gave up would poison gorilla's
	// connection (any transport error is fatal there).
	wmu      sync.Mutex
	batching bool
	buf      *[]byte   // nil unless bytes are pending
	applied  time.Time // the write deadline last set on the transport
	err      error     // sticky write error

	dmu  sync.Mutex
	want time.Time // the deadline of the next Write (SetWriteDeadline)
}

func newBatchConn(c net.Conn) *batchConn {
	return &batchConn{Conn: c}
}

// SetWriteDeadline records t as the deadline of the following writes.
func (b *batchConn) SetWriteDeadline(t time.Time) error {
	b.dmu.Lock()
	b.want = t
	b.dmu.Unlock()
	return nil
}

// SetDeadline sets the read deadline on the transport and records the write deadline.
func (b *batchConn) SetDeadline(t time.Time) error {
	_ = b.SetWriteDeadline(t)
	return b.Conn.SetReadDeadline(t)
}

func (b *batchConn) wantDeadline() time.Time {
	b.dmu.Lock()
	defer b.dmu.Unlock()
	return b.want
}

// Write writes p through, or appends it to the pending batch.
func (b *batchConn) Write(p []byte) (int, error) {
	dl := b.wantDeadline()
	b.wmu.Lock()
	defer b.wmu.Unlock()
	if b.err != nil {
		return 0, b.err
	}
	if !b.batching { // nothing is pending outside a batch: release flushed it
		return b.writeLocked(dl, p)
	}
	if b.buf != nil && len(*b.buf)+len(p) > batchLimit {
		// Full: the pending bytes and p leave together in one vectored write.
		buf := b.buf
		b.buf = nil
		_, err := b.writeLocked(dl, *buf, p)
		*buf = (*buf)[:0]
		batchBufPool.Put(buf)
		if err != nil {
			return 0, err
		}
		return len(p), nil
	}
	if len(p) >= batchLimit {
		return b.writeLocked(dl, p)
	}
	if b.buf == nil {
		b.buf = batchBufPool.Get().(*[]byte)
	}
	*b.buf = append(*b.buf, p...)
	return len(p), nil
}

// writeLocked writes ps to the transport in one (vectored) write with deadline dl; the
// caller holds wmu. It returns the bytes written of the last slice.
func (b *batchConn) writeLocked(dl time.Time, ps ...[]byte) (int, error) {
	if !dl.Equal(b.applied) {
		if err := b.Conn.SetWriteDeadline(dl); err != nil {
			b.err = err
			return 0, err
		}
		b.applied = dl
	}
	var err error
	if len(ps) == 1 {
		_, err = b.Conn.Write(ps[0])
	} else {
		bufs := net.Buffers(ps)
		_, err = bufs.WriteTo(b.Conn)
	}
	if err != nil {
		b.err = err
		return 0, err
	}
	return len(ps[len(ps)-1]), nil
}

// flushLocked writes the pending bytes, if any, and returns the buffer to the pool.
func (b *batchConn) flushLocked(dl time.Time) error {
	if b.buf == nil {
		return nil
	}
	buf := b.buf
	b.buf = nil
	_, err := b.writeLocked(dl, *buf)
	*buf = (*buf)[:0]
	batchBufPool.Put(buf)
	return err
}

// hold starts a batch: writes are buffered until release.
func (b *batchConn) hold() {
	b.wmu.Lock()
	b.batching = true
	b.wmu.Unlock()
}

// release ends the batch and writes what it collected, with deadline.
func (b *batchConn) release(deadline time.Time) error {
	b.wmu.Lock()
	defer b.wmu.Unlock()
	b.batching = false
	if b.err != nil {
		b.discardLocked()
		return b.err
	}
	return b.flushLocked(deadline)
}

func (b *batchConn) discardLocked() {
	if b.buf != nil {
		*b.buf = (*b.buf)[:0]
		batchBufPool.Put(b.buf)
		b.buf = nil
	}
}

// batchHijacker is the http.ResponseWriter handed to the upgrader: its Hijack wraps the
// connection in a batchConn and keeps it in conn.
type batchHijacker struct {
	http.ResponseWriter
	conn *batchConn
}

// Hijack hijacks the underlying ResponseWriter (directly or through Unwrap).
func (h *batchHijacker) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	c, brw, err := http.NewResponseController(h.ResponseWriter).Hijack()
	if err != nil {
		return nil, nil, err
	}
	h.conn = newBatchConn(c)
	return h.conn, brw, nil
}

// Unwrap gives http.ResponseController the wrapped writer.
func (h *batchHijacker) Unwrap() http.ResponseWriter { return h.ResponseWriter }
