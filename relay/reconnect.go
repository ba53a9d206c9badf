package relay

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// conn is one established Link with its outbound queue. Its reader and writer goroutines end
// when the link fails (done is closed, err says why) or the Client closes.
type conn struct {
	link       Link
	out        chan []byte
	ctx        context.Context // cancelled by shutdown; bounds every link call
	cancel     context.CancelFunc
	done       chan struct{}
	once       sync.Once
	err        error
	readerDone chan struct{}
	flushed    chan struct{} // closed by the writer when it reaches flush's marker
}

func newConn(link Link) *conn {
	cn := &conn{
		link:       link,
		out:        make(chan []byte, sendQueueFrames),
		done:       make(chan struct{}),
		readerDone: make(chan struct{}),
		flushed:    make(chan struct{}),
	}
	cn.ctx, cn.cancel = context.WithCancel(context.Background())
	return cn
}

// fail records the first error of the link and signals done.
func (cn *conn) fail(err error) {
	cn.once.Do(func() {
		cn.err = err
		close(cn.done)
	})
}

// offer queues frames without blocking, dropping what does not fit (best-effort UNASKs).
func (cn *conn) offer(frames [][]byte) {
	for _, f := range frames {
		select {
		case cn.out <- f:
		default:
		}
	}
}

// flush waits, at most d, until the writer has sent what was queued before the call. It queues
// a nil marker (never a real frame) that the writer answers by closing flushed.
func (cn *conn) flush(d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case cn.out <- nil:
	case <-cn.done:
		return
	case <-t.C:
		return
	}
	select {
	case <-cn.flushed:
	case <-cn.done:
	case <-t.C:
	}
}

// shutdown closes the link with 1000. graceful: give the relay about a second to answer the
// close frame, which the reader sees, before cancelling the link's context.
func (cn *conn) shutdown(graceful bool) {
	cn.fail(ErrClosed)
	_ = cn.link.Close(CloseNormal, CloseReason(CloseNormal))
	if graceful {
		t := time.NewTimer(closeGrace + 250*time.Millisecond)
		select {
		case <-cn.readerDone:
		case <-t.C:
		}
		t.Stop()
	}
	cn.cancel()
}

// pinger is implemented by links that need a client-driven keepalive (the WebSocket link).
type pinger interface {
	Ping(ctx context.Context) error
}

// enqueue queues frames on cn, blocking while the queue is full. If the link fails meanwhile
// the rest is dropped: it is retained and goes out after the reconnect.
func (c *Client) enqueue(ctx context.Context, cn *conn, frames ...[]byte) error {
	for _, f := range frames {
		select {
		case cn.out <- f:
			continue
		default:
		}
		select {
		case cn.out <- f:
		case <-cn.done:
			c.mu.Lock()
			defer c.mu.Unlock()
			return c.errLocked()
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// install makes link the current connection, starts its reader and writer, queues the burst of
// live ASKs then PUBs, and emits ev. It returns nil if the Client closed or failed meanwhile.
func (c *Client) install(link Link, ev Event) *conn {
	cn := newConn(link)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed || c.failErr != nil {
		c.mu.Unlock()
		cn.shutdown(false)
		c.mu.Lock() // for the deferred unlock
		return nil
	}
	c.cur = cn
	c.features = link.Features()
	c.ttlLimit = effectiveTTLLimit(c.opts.HeaderTTLLimit, c.features)
	burst := c.collectLocked(nil, time.Now())
	c.emitLocked(ev)
	c.wg.Add(2)
	go c.reader(cn)
	go c.writer(cn, burst)
	return cn
}

// run supervises the connection: it refreshes retained items while connected, and reconnects
// after a failure until Close or a terminal error.
func (c *Client) run(cn *conn) {
	defer c.wg.Done()
	for cn != nil {
		err := c.serve(cn)
		if err == nil { // closing: Close shuts cn down
			return
		}
		cn.shutdown(false)
		c.mu.Lock()
		if c.closed {
			c.mu.Unlock()
			return
		}
		if c.cur == cn {
			c.cur = nil
		}
		c.timerAt = time.Time{}
		c.emitLocked(Event{Kind: Disconnected, Err: err})
		c.mu.Unlock()
		if c.opts.Backoff.Disable || isTerminal(err) {
			c.failWith(err)
			return
		}
		c.log.Info("relay: disconnected; reconnecting", "err", err)
		cn = c.reconnect(err)
	}
}

// serve runs the refresh scheduler of a live connection until it fails (the link's error) or
// the Client closes (nil).
func (c *Client) serve(cn *conn) error {
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		c.mu.Lock()
		frames, next := c.dueLocked(time.Now())
		c.timerAt = next
		c.mu.Unlock()
		if len(frames) > 0 {
			if err := c.enqueue(c.ctx, cn, frames...); err != nil && c.ctx.Err() != nil {
				return nil
			}
		}
		if next.IsZero() {
			timer.Stop()
		} else {
			timer.Reset(max(time.Until(next), 0))
		}
		select {
		case <-cn.done:
			return cn.err
		case <-c.ctx.Done():
			return nil
		case <-timer.C:
		case <-c.wake:
		}
	}
}

// reconnect dials again after lastErr; nil means the Client closed or failed.
func (c *Client) reconnect(lastErr error) *conn {
	var ce *CloseError
	if errors.As(lastErr, &ce) && ce.Code == CloseIdle && !c.waitForWork() {
		return nil // 4002: reconnect only when something is retained (WIRE.md §2.6)
	}
	link, attempts, err := c.connect(c.ctx, lastErr, false)
	if err != nil {
		if c.ctx.Err() == nil {
			c.failWith(err)
		}
		return nil
	}
	c.reconnects.Add(1)
	c.log.Info("relay: reconnected", "attempt", attempts)
	return c.install(link, Event{Kind: Reconnected, Attempt: attempts})
}

// waitForWork blocks until something is retained; false if the Client closed first.
func (c *Client) waitForWork() bool {
	for {
		c.mu.Lock()
		n := len(c.asks) + len(c.pubs)
		c.mu.Unlock()
		if n > 0 {
			return true
		}
		select {
		case <-c.wake:
		case <-c.ctx.Done():
			return false
		}
	}
}

// connect dials until a link is up, a terminal error, or ctx ends. Attempt k dials URL k mod
// nurls (primary first). Before attempt k it waits the backoff for k (for k−1 when immediate,
// whose first attempt goes at once), and at least what lastErr demands. It returns the number
// of attempts made.
func (c *Client) connect(ctx context.Context, lastErr error, immediate bool) (Link, int, error) {
	b := c.opts.Backoff
	for attempt := 0; ; attempt++ {
		if !immediate || attempt > 0 {
			k := attempt
			if immediate {
				k--
			}
			t := time.NewTimer(c.backoffFor(k, lastErr))
			select {
			case <-t.C:
			case <-ctx.Done():
				t.Stop()
				return nil, attempt, dialAbandoned(ctx.Err(), lastErr)
			}
		}
		dctx, cancel := context.WithTimeout(ctx, c.opts.HandshakeTimeout)
		link, err := c.dial(dctx, attempt)
		cancel()
		if err == nil && link == nil {
			err = errors.New("relay: LinkDialer returned no link")
		}
		if err == nil {
			return link, attempt + 1, nil
		}
		if ctx.Err() != nil {
			return nil, attempt + 1, dialAbandoned(ctx.Err(), err)
		}
		c.log.Debug("relay: dial failed", "attempt", attempt+1, "err", err)
		if isTerminal(err) || (immediate && b.Disable && attempt+1 >= c.nurls) {
			return nil, attempt + 1, err
		}
		lastErr = err
	}
}

func dialAbandoned(ctxErr, last error) error {
	if last == nil {
		return fmt.Errorf("relay: dial: %w", ctxErr)
	}
	return fmt.Errorf("relay: dial: %w (last error: %w)", ctxErr, last)
}

// backoffFor is the wait before attempt k after lastErr (WIRE.md §11.3, §2.6): the schedule,
// at least the close code's minimum or the handshake's Retry-After. After 1012 (service
// restart) the first attempt goes at once, jittered over [0, Initial).
func (c *Client) backoffFor(k int, lastErr error) time.Duration {
	b := c.opts.Backoff
	var floor time.Duration
	var ce *CloseError
	var he *HandshakeError
	switch {
	case errors.As(lastErr, &ce):
		if ce.Code == CloseServiceRestart && k == 0 {
			return time.Duration(randFloat() * float64(b.Initial))
		}
		floor = ce.MinBackoff()
	case errors.As(lastErr, &he):
		floor = he.RetryAfter
	}
	return b.delay(k, floor, randFloat)
}

// isTerminal reports whether err ends the Client instead of a reconnect: 1009 and 4001
// closes, and refused handshakes other than 429 and 5xx.
func isTerminal(err error) bool {
	var ce *CloseError
	if errors.As(err, &ce) {
		return ce.Terminal()
	}
	var he *HandshakeError
	if errors.As(err, &he) {
		return he.Terminal()
	}
	return false
}

// failWith makes the Client fail terminally with cause.
func (c *Client) failWith(cause error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed || c.failErr != nil {
		return
	}
	c.failErr = &failedError{cause: cause}
	c.cur = nil
	c.emitLocked(Event{Kind: Failed, Err: c.failErr})
	c.log.Warn("relay: client failed", "err", cause)
}

// reader routes inbound frames until the link fails.
func (c *Client) reader(cn *conn) {
	defer c.wg.Done()
	defer close(cn.readerDone)
	for {
		frame, err := cn.link.ReadFrame(cn.ctx)
		if err != nil {
			cn.fail(err)
			return
		}
		c.route(frame)
	}
}

// writer sends the reconnect burst, then the queue, and pings links that need it.
func (c *Client) writer(cn *conn, burst [][]byte) {
	defer c.wg.Done()
	for _, f := range burst {
		if !c.write(cn, f) {
			return
		}
	}
	p, _ := cn.link.(pinger)
	var tick <-chan time.Time
	if p != nil {
		t := time.NewTicker(c.opts.PingInterval)
		defer t.Stop()
		tick = t.C
	}
	for {
		select {
		case f := <-cn.out:
			if f == nil { // flush marker
				close(cn.flushed)
				continue
			}
			if !c.write(cn, f) {
				return
			}
		case <-tick:
			ctx, cancel := context.WithTimeout(cn.ctx, c.opts.WriteTimeout)
			err := p.Ping(ctx)
			cancel()
			if err != nil {
				cn.fail(err)
				return
			}
		case <-cn.done:
			return
		}
	}
}

func (c *Client) write(cn *conn, f []byte) bool {
	ctx, cancel := context.WithTimeout(cn.ctx, c.opts.WriteTimeout)
	err := cn.link.WriteFrame(ctx, f)
	cancel()
	if err != nil {
		cn.fail(err)
		return false
	}
	return true
}
