package relaytest

import (
	"bytes"
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tandem-mpc/tandem/relay"
)

// pipeBuffer is how many frames one direction of a pipe holds before WriteFrame blocks.
const pipeBuffer = 64

// Pipe returns the two ends of an in-memory relay.Link: frames written on one end are read, in
// order, on the other. It is made only of channels and timers, so it works inside
// testing/synctest bubbles. Close(code, reason) on one end makes the other end's reads and
// writes fail with *relay.CloseError{Code: code, Reason: reason} once the frames already
// written have been read (code relay.CloseAbnormal drops them: an abrupt disconnect); the
// closing end's own calls fail with relay.ErrClosed. Written frames are copied.
func Pipe() (a, b relay.Link) {
	x, y := newPipe(nil, nil)
	return x, y
}

// pipeState is shared by both ends: the close, once.
type pipeState struct {
	once   sync.Once
	done   chan struct{}
	code   int
	reason string
	closer *pipeEnd
}

type pipeItem struct {
	b  []byte
	at time.Time // not before this (link delay)
}

// pipeEnd is one end of a pipe.
type pipeEnd struct {
	in       chan pipeItem // frames for this end to read
	peer     *pipeEnd
	st       *pipeState
	features relay.Features
	delay    *atomic.Int64 // one-way delay of frames written here (nil = none)
	gate     *gate         // reads block while the gate is closed (nil = never)
}

func newPipe(delay *atomic.Int64, g *gate) (*pipeEnd, *pipeEnd) {
	st := &pipeState{done: make(chan struct{})}
	a := &pipeEnd{in: make(chan pipeItem, pipeBuffer), st: st, delay: delay}
	b := &pipeEnd{in: make(chan pipeItem, pipeBuffer), st: st, delay: delay, gate: g}
	a.peer, b.peer = b, a
	return a, b
}

// closedErr is the error a call on e returns once the pipe is closed.
func (e *pipeEnd) closedErr() error {
	if e.st.closer == e {
		return relay.ErrClosed
	}
	return &relay.CloseError{Code: e.st.code, Reason: e.st.reason}
}

// dead reports whether reads must fail now: the pipe was closed by this end, or abruptly.
func (e *pipeEnd) dead() bool {
	select {
	case <-e.st.done:
		return e.st.code == relay.CloseAbnormal || e.st.closer == e
	default:
		return false
	}
}

// ReadFrame returns the next frame written by the peer.
func (e *pipeEnd) ReadFrame(ctx context.Context) ([]byte, error) {
	if e.gate != nil {
		if err := e.gate.wait(ctx, e.st.done); err != nil {
			return nil, err
		}
	}
	if e.dead() {
		return nil, e.closedErr()
	}
	var it pipeItem
	select {
	case it = <-e.in:
		if e.dead() { // an abrupt close drops frames still in flight
			return nil, e.closedErr()
		}
	case <-e.st.done:
		if e.st.code == relay.CloseAbnormal || e.st.closer == e {
			return nil, e.closedErr()
		}
		select { // an orderly close comes after the frames written before it
		case it = <-e.in:
		default:
			return nil, e.closedErr()
		}
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if d := time.Until(it.at); d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-e.st.done:
			if e.st.code == relay.CloseAbnormal || e.st.closer == e {
				return nil, e.closedErr()
			}
			<-t.C
		}
	}
	return it.b, nil
}

// WriteFrame hands a copy of frame to the peer; it blocks while the peer's buffer is full.
func (e *pipeEnd) WriteFrame(ctx context.Context, frame []byte) error {
	select {
	case <-e.st.done:
		return e.closedErr()
	default:
	}
	it := pipeItem{b: bytes.Clone(frame)}
	if it.b == nil {
		it.b = []byte{}
	}
	if e.delay != nil {
		if d := time.Duration(e.delay.Load()); d > 0 {
			it.at = time.Now().Add(d)
		}
	}
	select {
	case e.peer.in <- it:
		return nil
	case <-e.st.done:
		return e.closedErr()
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Close closes the pipe with code and reason (the first Close wins).
func (e *pipeEnd) Close(code int, reason string) error {
	e.st.once.Do(func() {
		e.st.code, e.st.reason, e.st.closer = code, reason, e
		close(e.st.done)
	})
	return nil
}

// Features returns the features this end's peer advertises (set by Relay for client ends).
func (e *pipeEnd) Features() relay.Features { return e.features }

// gate blocks readers while paused (Relay.Pause).
type gate struct {
	mu     sync.Mutex
	paused bool
	resume chan struct{}
}

func (g *gate) pause() {
	g.mu.Lock()
	if !g.paused {
		g.paused = true
		g.resume = make(chan struct{})
	}
	g.mu.Unlock()
}

func (g *gate) unpause() {
	g.mu.Lock()
	if g.paused {
		g.paused = false
		close(g.resume)
	}
	g.mu.Unlock()
}

func (g *gate) wait(ctx context.Context, done <-chan struct{}) error {
	g.mu.Lock()
	paused, ch := g.paused, g.resume
	g.mu.Unlock()
	if !paused {
		return nil
	}
	select {
	case <-ch:
		return nil
	case <-done:
		return nil // let the read report the close
	case <-ctx.Done():
		return ctx.Err()
	}
}
