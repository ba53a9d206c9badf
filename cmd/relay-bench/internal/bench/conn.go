package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

const writeTimeout = 10 * time.Second

// conn is one raw WebSocket connection to a relay: writes are serialised by a mutex, and one
// reader goroutine hands every binary frame to onFrame.
type conn struct {
	ws       *websocket.Conn
	features relayFeatures
	clk      clock

	wmu     sync.Mutex
	scratch []byte // PUB build buffer, guarded by wmu

	running  atomic.Bool
	closed   atomic.Bool
	closeErr atomic.Value // error that ended the reader
	done     chan struct{}
}

// dialer dials loopback relays, spreading source addresses.
type dialer struct {
	nSrc int
	clk  clock
}

func (d dialer) dial(ctx context.Context, target string, i int) (*conn, time.Duration, error) {
	nd := &net.Dialer{Timeout: 10 * time.Second, LocalAddr: sourceAddr(target, i, d.nSrc)}
	wd := websocket.Dialer{
		NetDialContext:   nd.DialContext,
		HandshakeTimeout: 10 * time.Second,
		ReadBufferSize:   4096,
		WriteBufferSize:  4096,
	}
	start := time.Now()
	ws, resp, err := wd.DialContext(ctx, target, nil)
	took := time.Since(start)
	if err != nil {
		if resp != nil {
			return nil, took, fmt.Errorf("bench: dial %s: HTTP %d: %w", target, resp.StatusCode, err)
		}
		return nil, took, fmt.Errorf("bench: dial %s: %w", target, err)
	}
	c := &conn{ws: ws, clk: d.clk, done: make(chan struct{})}
	if resp != nil {
		c.features = parseFeatures(resp.Header.Get(featuresHd))
	}
	return c, took, nil
}

// start runs the reader goroutine.
func (c *conn) start(onFrame func(delivery), badFrames *atomic.Int64) {
	c.running.Store(true)
	go c.run(onFrame, badFrames)
}

// run reads frames until the connection ends, calling onFrame for each binary frame. Text
// frames are counted as protocol violations (the relay must never send one, WIRE.md §2.2).
func (c *conn) run(onFrame func(delivery), badFrames *atomic.Int64) {
	defer close(c.done)
	buf := make([]byte, 0, 64*1024)
	for {
		mt, r, err := c.ws.NextReader()
		if err != nil {
			c.closeErr.Store(err)
			c.closed.Store(true)
			return
		}
		buf, err = readAllInto(buf[:0], r)
		if err != nil {
			c.closeErr.Store(err)
			c.closed.Store(true)
			return
		}
		if mt != websocket.BinaryMessage {
			badFrames.Add(1)
			continue
		}
		d, ok := parseDelivery(buf, c.clk.now())
		if !ok {
			badFrames.Add(1)
			continue
		}
		onFrame(d)
	}
}

func readAllInto(buf []byte, r io.Reader) ([]byte, error) {
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if errors.Is(err, io.EOF) {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
}

func (c *conn) write(frame []byte) error {
	if err := c.ws.SetWriteDeadline(time.Now().Add(writeTimeout)); err != nil {
		return err
	}
	return c.ws.WriteMessage(websocket.BinaryMessage, frame)
}

// ask sends a 36-byte ASK for id.
func (c *conn) ask(id MsgID, ttlCode uint16) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	return c.write(askFrame(id, ttlCode, 0))
}

// unask sends an UNASK for id if the relay advertised the extension; otherwise nothing.
func (c *conn) unask(id MsgID) error {
	if !c.features.Unask {
		return nil
	}
	c.wmu.Lock()
	defer c.wmu.Unlock()
	return c.write(askFrame(id, 0, flagUnask))
}

// publish sends a PUB of bodySize bytes for id, stamped with the send time.
func (c *conn) publish(id MsgID, ttlCode uint16, bodySize int) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	c.scratch = putPub(c.scratch, id, ttlCode, bodySize, c.clk.now())
	return c.write(c.scratch)
}

// close sends a normal close and drops the connection; it waits at most one second for the reader.
func (c *conn) close() {
	c.wmu.Lock()
	_ = c.ws.WriteControl(websocket.CloseMessage,
		websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
	c.wmu.Unlock()
	if c.running.Load() {
		select {
		case <-c.done:
		case <-time.After(time.Second):
		}
	}
	_ = c.ws.Close()
}

// closeCode returns the relay's close code if the connection was closed with one, else 0.
func (c *conn) closeCode() int {
	v, _ := c.closeErr.Load().(error)
	var ce *websocket.CloseError
	if errors.As(v, &ce) {
		return ce.Code
	}
	return 0
}

// dialAll opens n connections, conc at a time; target(i) picks the relay for connection i.
// It returns the connections and the handshake durations. On error every opened connection
// is closed.
func dialAll(ctx context.Context, d dialer, n, conc int, target func(i int) string) ([]*conn, []time.Duration, error) {
	conns := make([]*conn, n)
	took := make([]time.Duration, n)
	errs := make(chan error, 1)
	sem := make(chan struct{}, conc)
	var wg sync.WaitGroup
	var failed atomic.Bool
	for i := range n {
		if failed.Load() || ctx.Err() != nil {
			break
		}
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			c, t, err := d.dial(ctx, target(i), i)
			if err != nil {
				if failed.CompareAndSwap(false, true) {
					errs <- fmt.Errorf("connection %d of %d: %w", i, n, err)
				}
				return
			}
			conns[i], took[i] = c, t
		}()
	}
	wg.Wait()
	var err error
	select {
	case err = <-errs:
	default:
		err = ctx.Err()
	}
	if err != nil {
		closeAll(conns)
		return nil, nil, err
	}
	return conns, took, nil
}

func closeAll(conns []*conn) {
	var wg sync.WaitGroup
	sem := make(chan struct{}, 256)
	for _, c := range conns {
		if c == nil {
			continue
		}
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			c.close()
		}()
	}
	wg.Wait()
}
