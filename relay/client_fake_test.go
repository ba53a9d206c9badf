package relay

import (
	"bytes"
	"context"
	"errors"
	"sync"
	"time"
)

// fakeRelay is a minimal in-test relay over in-memory links: ASK/PUB/UNASK semantics of
// WIRE.md §3 without limits or ONE_RECEIVER, enough to exercise the client. It logs every frame
// it receives. Its channels and timers belong to whoever creates it, so it works inside a
// testing/synctest bubble.
type fakeRelay struct {
	mu       sync.Mutex
	features Features
	conns    map[*fakeConn]struct{}
	cands    map[MsgID][]fakeCand
	dials    int
	nextConn int
	// refuse, if set, decides the fate of dial number n (1-based): a non-nil error refuses it.
	refuse func(n int) error
	log    []fakeRecv
	// closes records the code of every client-initiated Close.
	closes []int
}

type fakeCand struct {
	frame    []byte
	deadline time.Time
}

type fakeRecv struct {
	at    time.Time
	conn  int
	frame []byte
}

func (r fakeRecv) kind() FrameKind { return Classify(r.frame) }
func (r fakeRecv) id() MsgID       { return MsgID(r.frame[:32]) }
func (r fakeRecv) ttl() time.Duration {
	h, _ := ParseHeader(r.frame)
	return h.TTL()
}

func newFakeRelay(f Features) *fakeRelay {
	return &fakeRelay{
		features: f,
		conns:    make(map[*fakeConn]struct{}),
		cands:    make(map[MsgID][]fakeCand),
	}
}

// fakeConn is the relay's end of one in-memory link; memLink is the client's.
type fakeConn struct {
	r       *fakeRelay
	n       int
	in      chan []byte // relay → client
	closed  chan struct{}
	once    sync.Once
	err     error               // what the client's ReadFrame returns once closed
	waiters map[MsgID]time.Time // guarded by r.mu
	stall   chan struct{}       // if non-nil, WriteFrame blocks until it is closed
	feats   Features
}

type memLink struct{ c *fakeConn }

func (r *fakeRelay) dialer() LinkDialer {
	return func(ctx context.Context) (Link, error) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		r.mu.Lock()
		defer r.mu.Unlock()
		r.dials++
		if r.refuse != nil {
			if err := r.refuse(r.dials); err != nil {
				return nil, err
			}
		}
		r.nextConn++
		c := &fakeConn{
			r:       r,
			n:       r.nextConn,
			in:      make(chan []byte, 4096),
			closed:  make(chan struct{}),
			waiters: make(map[MsgID]time.Time),
			feats:   r.features,
		}
		r.conns[c] = struct{}{}
		return memLink{c}, nil
	}
}

// closeLocked ends c with err as the client will see it.
func (c *fakeConn) closeLocked(err error) {
	c.once.Do(func() {
		c.err = err
		close(c.closed)
		delete(c.r.conns, c)
	})
}

// drop closes every connection as if the network dropped (1006).
func (r *fakeRelay) drop() { r.closeAll(&CloseError{Code: CloseAbnormal}) }

// closeAll closes every connection with err.
func (r *fakeRelay) closeAll(err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for c := range r.conns {
		c.closeLocked(err)
	}
}

// wipe forgets every stored candidate (a relay restart).
func (r *fakeRelay) wipe() {
	r.mu.Lock()
	defer r.mu.Unlock()
	clear(r.cands)
}

// inject sends frame to every connection, asked for or not.
func (r *fakeRelay) inject(frame []byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for c := range r.conns {
		c.in <- frame
	}
}

func (r *fakeRelay) received() []fakeRecv {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]fakeRecv(nil), r.log...)
}

// count returns how many frames of kind with id the relay received.
func (r *fakeRelay) count(kind FrameKind, id MsgID) int {
	n := 0
	for _, e := range r.received() {
		if e.kind() == kind && e.id() == id {
			n++
		}
	}
	return n
}

func (r *fakeRelay) connCount() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.conns)
}

func (r *fakeRelay) dialCount() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.dials
}

// handle processes one frame from c (WIRE.md §3.2, simplified).
func (r *fakeRelay) handle(c *fakeConn, frame []byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	now := time.Now()
	frame = append([]byte(nil), frame...)
	r.log = append(r.log, fakeRecv{at: now, conn: c.n, frame: frame})
	h, err := ParseHeader(frame)
	if err != nil {
		return
	}
	switch Classify(frame) {
	case FrameUnask:
		if c.feats.Unask {
			delete(c.waiters, h.ID)
			return
		}
		fallthrough // an original relay reads it as an ASK
	case FrameAsk:
		for _, cand := range r.cands[h.ID] {
			if cand.deadline.After(now) {
				r.deliverLocked(c, cand.frame)
			}
		}
		if ttl := h.TTL(); ttl > 0 {
			if d := now.Add(ttl); d.After(c.waiters[h.ID]) {
				c.waiters[h.ID] = d
			}
		}
	case FramePublish:
		live := r.cands[h.ID][:0]
		for _, cand := range r.cands[h.ID] {
			if cand.deadline.After(now) {
				live = append(live, cand)
			}
		}
		r.cands[h.ID] = live
		for _, cand := range live {
			if bytes.Equal(cand.frame[HeaderSize:], frame[HeaderSize:]) {
				return // duplicate
			}
		}
		if ttl := h.TTL(); ttl > 0 {
			r.cands[h.ID] = append(r.cands[h.ID], fakeCand{frame: frame, deadline: now.Add(ttl)})
		}
		for w := range r.conns {
			if d, ok := w.waiters[h.ID]; ok && d.After(now) {
				r.deliverLocked(w, frame)
			}
		}
	}
}

func (r *fakeRelay) deliverLocked(c *fakeConn, frame []byte) {
	select {
	case c.in <- frame:
	default:
		c.closeLocked(&CloseError{Code: CloseSlowConsumer, Reason: CloseReason(CloseSlowConsumer)})
	}
}

func (l memLink) ReadFrame(ctx context.Context) ([]byte, error) {
	select {
	case f := <-l.c.in:
		return f, nil
	default:
	}
	select {
	case f := <-l.c.in:
		return f, nil
	case <-l.c.closed:
		return nil, l.c.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (l memLink) WriteFrame(ctx context.Context, frame []byte) error {
	if l.c.stall != nil {
		select {
		case <-l.c.stall:
		case <-l.c.closed:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	select {
	case <-l.c.closed:
		return l.c.err
	default:
	}
	l.c.r.handle(l.c, frame)
	return nil
}

func (l memLink) Close(code int, _ string) error {
	r := l.c.r
	r.mu.Lock()
	defer r.mu.Unlock()
	select {
	case <-l.c.closed:
		return nil
	default:
	}
	r.closes = append(r.closes, code)
	l.c.closeLocked(errors.New("fake: link closed by client"))
	return nil
}

func (l memLink) Features() Features { return l.c.feats }
