package server

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	dto "github.com/prometheus/client_model/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// countingConn counts the Write calls that reach the transport and records the write
// deadline in force for each. gate, when set, blocks Writes until it is closed.
type countingConn struct {
	net.Conn
	writes atomic.Int64
	gate   atomic.Pointer[chan struct{}]

	mu        sync.Mutex
	deadline  time.Time
	deadlines []time.Time // the deadline of each Write
	sizes     []int
}

func (c *countingConn) SetWriteDeadline(t time.Time) error {
	c.mu.Lock()
	c.deadline = t
	c.mu.Unlock()
	return c.Conn.SetWriteDeadline(t)
}

func (c *countingConn) Write(p []byte) (int, error) {
	if g := c.gate.Load(); g != nil {
		<-*g
	}
	c.writes.Add(1)
	c.mu.Lock()
	c.deadlines = append(c.deadlines, c.deadline)
	c.sizes = append(c.sizes, len(p))
	c.mu.Unlock()
	return c.Conn.Write(p)
}

func (c *countingConn) lastDeadline() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.deadlines[len(c.deadlines)-1]
}

// tcpPair returns both ends of a loopback TCP connection.
func tcpPair(t testing.TB) (net.Conn, net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	type res struct {
		c   net.Conn
		err error
	}
	ch := make(chan res, 1)
	go func() {
		c, err := ln.Accept()
		ch <- res{c, err}
	}()
	a, err := net.Dial("tcp", ln.Addr().String())
	require.NoError(t, err)
	r := <-ch
	require.NoError(t, r.err)
	t.Cleanup(func() { _ = a.Close(); _ = r.c.Close() })
	return r.c, a
}

// readN reads exactly n bytes from c.
func readN(t testing.TB, c net.Conn, n int) []byte {
	t.Helper()
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	b := make([]byte, n)
	_, err := io.ReadFull(c, b)
	require.NoError(t, err)
	return b
}

func TestBatchConnWritesThroughOutsideBatch(t *testing.T) {
	srv, cli := tcpPair(t)
	cc := &countingConn{Conn: srv}
	bc := newBatchConn(cc)
	dl := time.Now().Add(time.Minute)
	require.NoError(t, bc.SetWriteDeadline(dl))
	n, err := bc.Write([]byte("ping"))
	require.NoError(t, err)
	assert.Equal(t, 4, n)
	assert.EqualValues(t, 1, cc.writes.Load(), "written at once")
	assert.True(t, cc.lastDeadline().Equal(dl), "the recorded deadline applies")
	assert.Equal(t, []byte("ping"), readN(t, cli, 4))
}

func TestBatchConnCoalescesUntilRelease(t *testing.T) {
	srv, cli := tcpPair(t)
	cc := &countingConn{Conn: srv}
	bc := newBatchConn(cc)
	bc.hold()
	var want []byte
	for i := range 20 {
		p := bytes.Repeat([]byte{byte(i)}, 1000)
		want = append(want, p...)
		_, err := bc.Write(p)
		require.NoError(t, err)
	}
	assert.EqualValues(t, 0, cc.writes.Load(), "nothing leaves before release")
	dl := time.Now().Add(time.Minute)
	require.NoError(t, bc.release(dl))
	assert.EqualValues(t, 1, cc.writes.Load())
	assert.True(t, cc.lastDeadline().Equal(dl), "release's deadline applies to the flush")
	assert.Equal(t, want, readN(t, cli, len(want)))

	// After release writes go through again.
	_, err := bc.Write([]byte("x"))
	require.NoError(t, err)
	assert.EqualValues(t, 2, cc.writes.Load())
	assert.Equal(t, []byte("x"), readN(t, cli, 1))
}

func TestBatchConnOverflowAndLargeWrites(t *testing.T) {
	srv, cli := tcpPair(t)
	cc := &countingConn{Conn: srv}
	bc := newBatchConn(cc)
	bc.hold()
	var want []byte
	sizes := []int{batchLimit / 2, batchLimit / 2, 10, 3 * batchLimit, 5, batchLimit}
	for i, n := range sizes {
		p := bytes.Repeat([]byte{byte(i + 1)}, n)
		want = append(want, p...)
		_, err := bc.Write(p)
		require.NoError(t, err)
	}
	require.NoError(t, bc.release(time.Now().Add(time.Minute)))
	got := make(chan []byte, 1)
	go func() {
		_ = cli.SetReadDeadline(time.Now().Add(5 * time.Second))
		b := make([]byte, len(want))
		_, _ = io.ReadFull(cli, b)
		got <- b
	}()
	assert.Equal(t, want, <-got, "every byte, in order")
	// 32K+32K buffered; +10 overflows: one vectored write (2 Writes on countingConn, which
	// has no writev); 3×64K alone: 1; +5 buffered; +64K overflows: 2 more.
	assert.LessOrEqual(t, cc.writes.Load(), int64(5))
}

func TestBatchConnControlDuringBatchLeavesWithIt(t *testing.T) {
	srv, cli := tcpPair(t)
	cc := &countingConn{Conn: srv}
	bc := newBatchConn(cc)
	bc.hold()
	_, err := bc.Write([]byte("data"))
	require.NoError(t, err)
	done := make(chan error, 1)
	go func() { // another goroutine, as gorilla's pong and close replies
		_, err := bc.Write([]byte("ctrl"))
		done <- err
	}()
	require.NoError(t, <-done, "a control write never waits for the batch to end")
	assert.EqualValues(t, 0, cc.writes.Load())
	require.NoError(t, bc.release(time.Now().Add(time.Minute)))
	assert.EqualValues(t, 1, cc.writes.Load(), "the control frame leaves with the batch")
	assert.Equal(t, []byte("datactrl"), readN(t, cli, 8))
}

func TestBatchConnDeadlineAndStickyError(t *testing.T) {
	srv, _ := tcpPair(t)
	bc := newBatchConn(srv)
	bc.hold()
	_, err := bc.Write([]byte("data"))
	require.NoError(t, err)
	err = bc.release(time.Now().Add(-time.Second))
	var ne net.Error
	require.ErrorAs(t, err, &ne)
	assert.True(t, ne.Timeout(), "the flush runs under release's deadline")
	_, err = bc.Write([]byte("more"))
	require.Error(t, err, "a failed write poisons the stream")
	bc.hold()
	require.Error(t, bc.release(time.Now().Add(time.Minute)))
}

func TestBatchConnWriteTimesOutOnStuckPeer(t *testing.T) {
	srv, _ := tcpPair(t) // the peer never reads
	bc := newBatchConn(srv)
	big := make([]byte, 1<<20)
	require.NoError(t, bc.SetWriteDeadline(time.Now().Add(200*time.Millisecond)))
	var err error
	for range 256 {
		if _, err = bc.Write(big); err != nil {
			break
		}
	}
	var ne net.Error
	require.ErrorAs(t, err, &ne)
	assert.True(t, ne.Timeout())
}

// gateHijacker hands the server a countingConn under its batchConn.
type gateHijacker struct {
	http.ResponseWriter
	cc **countingConn
}

func (h gateHijacker) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	c, brw, err := http.NewResponseController(h.ResponseWriter).Hijack()
	if err != nil {
		return nil, nil, err
	}
	*h.cc = &countingConn{Conn: c}
	return *h.cc, brw, nil
}

// burstEnv runs a Server behind a handler that counts the transport writes of its one
// connection, with a raw gorilla client.
type burstEnv struct {
	s    *Server
	cc   *countingConn
	cli  *websocket.Conn
	conn *conn
}

func newBurstEnv(t testing.TB, opts ...func(*Config)) *burstEnv {
	t.Helper()
	cfg := DefaultConfig()
	cfg.PingInterval = time.Hour // no pings in the counts
	cfg.MaxConnsPerIP = Off
	cfg.HandshakeRate = Off
	cfg.Logger = slog.New(slog.DiscardHandler)
	for _, o := range opts {
		o(&cfg)
	}
	s, err := New(cfg, nil)
	require.NoError(t, err)
	e := &burstEnv{s: s}
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.ServeHTTP(gateHijacker{ResponseWriter: w, cc: &e.cc}, r)
	}))
	t.Cleanup(func() {
		hs.Close()
		_ = s.Close()
	})
	url := "ws" + strings.TrimPrefix(hs.URL, "http") + PathRelay
	cli, _, err := websocket.DefaultDialer.Dial(url, nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = cli.Close() })
	e.cli = cli
	require.Eventually(t, func() bool { return len(s.connSnapshot()) == 1 }, 5*time.Second, time.Millisecond)
	e.conn = s.connSnapshot()[0] // registered after the hijack: e.cc is set
	require.NotNil(t, e.cc)
	return e
}

func burstFrame(i, size int) []byte {
	f := make([]byte, size)
	binary.BigEndian.PutUint32(f, uint32(i))
	return f
}

func (e *burstEnv) expect(t *testing.T, from, to, size int) {
	t.Helper()
	for i := from; i < to; i++ {
		_ = e.cli.SetReadDeadline(time.Now().Add(5 * time.Second))
		mt, b, err := e.cli.ReadMessage()
		require.NoError(t, err)
		require.Equal(t, websocket.BinaryMessage, mt)
		require.Equal(t, burstFrame(i, size), b, "frame %d intact and in order", i)
	}
}

// A burst of N queued frames leaves in fewer than N writes, intact and in order; a lone frame
// leaves at once; bytes and frames out count every frame.
func TestConnBurstIsCoalesced(t *testing.T) {
	e := newBurstEnv(t)
	const size = 1024
	const n = 40
	base := e.cc.writes.Load()

	// A lone frame: written at once, in one write.
	require.True(t, e.conn.enqueue(burstFrame(0, size)))
	e.expect(t, 0, 1, size)
	assert.Equal(t, base+1, e.cc.writes.Load())

	// Hold the transport while the first frame of the burst is being written, so the other
	// n-1 pile up in the queue; they must then leave in far fewer than n-1 writes.
	gate := make(chan struct{})
	e.cc.gate.Store(&gate)
	require.True(t, e.conn.enqueue(burstFrame(1, size)))
	require.Eventually(t, func() bool {
		e.conn.qmu.Lock()
		defer e.conn.qmu.Unlock()
		return len(e.conn.queue) == 0 // the writer took it and is stuck in Write
	}, 5*time.Second, time.Millisecond)
	for i := 2; i <= n; i++ {
		require.True(t, e.conn.enqueue(burstFrame(i, size)))
	}
	e.cc.gate.Store(nil)
	close(gate)
	e.expect(t, 1, n+1, size)
	writes := e.cc.writes.Load() - base - 1
	assert.Less(t, writes, int64(n), "a burst of %d frames took %d writes", n, writes)
	assert.LessOrEqual(t, writes, int64(3), "1 for the first frame, then one per 64 KiB")
	require.Eventually(t, func() bool { return e.conn.framesOut.Load() == n+1 }, 5*time.Second, time.Millisecond)
	assert.EqualValues(t, (n+1)*size, e.conn.bytesOut.Load())
}

// A pong written by the reader goroutine while the writer holds a batch leaves with it.
func TestConnControlFrameDuringBatch(t *testing.T) {
	e := newBurstEnv(t)
	pong := make(chan string, 1)
	e.cli.SetPongHandler(func(s string) error { pong <- s; return nil })
	go func() { // the client's reader, which runs the pong handler
		for {
			if _, _, err := e.cli.ReadMessage(); err != nil {
				return
			}
		}
	}()
	link := e.conn.link.(*wsLink)
	link.beginBatch()
	require.NoError(t, e.cli.WriteControl(websocket.PingMessage, []byte("p1"), time.Now().Add(time.Second)))
	// The server's reader answers the ping with a pong written into the held batch.
	select {
	case <-pong:
		t.Fatal("the pong left while the batch was held")
	case <-time.After(100 * time.Millisecond):
	}
	require.NoError(t, link.endBatch(time.Now().Add(time.Second)))
	select {
	case s := <-pong:
		assert.Equal(t, "p1", s)
	case <-time.After(5 * time.Second):
		t.Fatal("the pong did not leave with the batch")
	}
}

// A batch that cannot leave because the peer stopped reading fails at the write timeout and
// ends the connection as a slow consumer (WIRE.md §5), without counting its frames as sent.
func TestConnBatchWriteTimeout(t *testing.T) {
	e := newBurstEnv(t, func(c *Config) {
		c.WriteTimeout = 200 * time.Millisecond
		c.SendQueueFrames = 64
		c.SendQueueBytes = 64 << 20
	})
	const size = 256 << 10
	for i := range 64 { // 16 MiB: more than loopback buffers hold; the client never reads
		if !e.conn.enqueue(burstFrame(i, size)) {
			break
		}
	}
	counter := e.s.m.disconnects.WithLabelValues(reasonSlowConsumer)
	require.Eventually(t, func() bool {
		var m dto.Metric
		require.NoError(t, counter.Write(&m))
		return m.GetCounter().GetValue() == 1
	}, 10*time.Second, 5*time.Millisecond, "the stuck batch timed out")
	assert.Less(t, e.conn.bytesOut.Load(), int64(64*size))
}

// BenchmarkConnBurst has the writer of one relay connection send bursts of 32 frames of
// 1 KiB to a gorilla client, coalesced (batched=true) and one write per frame (false).
func BenchmarkConnBurst(b *testing.B) {
	for _, batched := range []bool{false, true} {
		b.Run(fmt.Sprintf("batched=%v", batched), func(b *testing.B) {
			e := newBurstEnv(b)
			if !batched {
				e.conn.link.(*wsLink).bc = nil // before the first enqueue: the writer sees it
			}
			const size, burst = 1024, 32
			frames := make([][]byte, burst)
			for i := range frames {
				frames[i] = burstFrame(i, size)
			}
			base := e.cc.writes.Load()
			bursts := 0
			for b.Loop() {
				for _, f := range frames {
					if !e.conn.enqueue(f) {
						b.Fatal("enqueue refused")
					}
				}
				for range burst {
					if _, _, err := e.cli.ReadMessage(); err != nil {
						b.Fatal(err)
					}
				}
				bursts++
			}
			b.SetBytes(burst * size)
			b.ReportMetric(float64(e.cc.writes.Load()-base)/float64(bursts*burst), "writes/frame")
		})
	}
}
