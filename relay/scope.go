package relay

import (
	"context"
	"encoding/binary"
	"sync/atomic"
	"time"
)

// Scope is a view of a Client that routes deliveries of the ids asked through it to its own
// Messages channel (WIRE.md §11.1). Sessions that share one Client use one Scope each, so that
// frames of one session never reach another and a slow consumer only loses its own frames.
//
// Publish, Ask, Forget, Release, Resend, Messages, Events, Features and HeaderTTLLimit have the
// Client's meaning, restricted to what was asked or published through the Scope. Two Scopes
// may ask for the same id: each receives the frames, and the ASK stays on the wire until both
// forgot it. Two Scopes may publish the same bytes: the frame stays retained until both
// released it.
//
// The Scope's Messages channel has the Client's MessageBuffer capacity; when it is full,
// frames for the Scope are dropped and counted (Dropped) and the shared reader goes on. Its
// Events channel receives a copy of every Client event (the oldest is dropped when full).
// Close a Scope when its session is over: until then it stays attached to the Client, and
// what it published is re-sent after reconnects until its until time.
type Scope struct {
	c      *Client
	msgs   chan []byte
	events chan Event

	// Guarded by c.mu.
	closed bool
	asks   map[MsgID]struct{} // ids asked through the Scope
	pubs   map[MsgID]struct{} // ids published through the Scope

	dropped atomic.Uint64
}

func newScope(c *Client) *Scope {
	return &Scope{
		c:      c,
		msgs:   make(chan []byte, c.opts.MessageBuffer),
		events: make(chan Event, eventBuffer),
		asks:   make(map[MsgID]struct{}),
		pubs:   make(map[MsgID]struct{}),
	}
}

// errLocked is the error of any call on a closed Scope or Client.
func (s *Scope) errLocked() error {
	if err := s.c.errLocked(); err != nil {
		return err
	}
	if s.closed {
		return ErrClosed
	}
	return nil
}

// Publish is Client.Publish for the Scope: the frame is retained until the Scope releases it.
func (s *Scope) Publish(ctx context.Context, frame []byte, until time.Time) error {
	c := s.c
	if err := c.validatePub(frame); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	now := time.Now()
	f := append([]byte(nil), frame...)
	c.mu.Lock()
	if err := s.errLocked(); err != nil {
		c.mu.Unlock()
		return err
	}
	var ps *pubState
	added := false
	if until.After(now) {
		ps, added = c.retainPubLocked(s, f, until, now)
	}
	cn := c.cur
	c.mu.Unlock()
	if cn == nil {
		return nil
	}
	if err := c.enqueue(ctx, cn, f); err != nil {
		if added {
			c.mu.Lock()
			c.dropPubOwnerLocked(s, ps)
			c.mu.Unlock()
		}
		return err
	}
	return nil
}

// Ask is Client.Ask for the Scope: deliveries for id reach the Scope's Messages channel.
func (s *Scope) Ask(ctx context.Context, id MsgID, until time.Time) error {
	c := s.c
	if err := ctx.Err(); err != nil {
		return err
	}
	now := time.Now()
	c.mu.Lock()
	if err := s.errLocked(); err != nil {
		c.mu.Unlock()
		return err
	}
	if !until.After(now) {
		c.mu.Unlock()
		return nil
	}
	frame, added := c.retainAskLocked(s, id, until, now)
	cn := c.cur
	c.mu.Unlock()
	if cn == nil {
		return nil
	}
	if err := c.enqueue(ctx, cn, frame); err != nil {
		if added {
			c.mu.Lock()
			c.dropAskOwnerLocked(s, id)
			c.mu.Unlock()
		}
		return err
	}
	return nil
}

// Forget ends the Scope's asks for ids; see Client.Forget.
func (s *Scope) Forget(ids ...MsgID) {
	c := s.c
	c.mu.Lock()
	if s.closed {
		c.mu.Unlock()
		return
	}
	var unasks [][]byte
	for _, id := range ids {
		if _, ok := s.asks[id]; !ok {
			continue
		}
		if c.dropAskOwnerLocked(s, id) && c.features.Unask && c.cur != nil {
			unasks = append(unasks, UnaskFrame(id))
		}
	}
	cn := c.cur
	c.mu.Unlock()
	if cn != nil {
		cn.offer(unasks)
	}
}

// Release stops retaining the frames the Scope published under ids; see Client.Release.
func (s *Scope) Release(ids ...MsgID) {
	c := s.c
	c.mu.Lock()
	defer c.mu.Unlock()
	if s.closed {
		return
	}
	for _, id := range ids {
		c.releaseLocked(s, id)
	}
}

// Resend re-sends the Scope's live retained ASKs, then its live retained PUBs.
func (s *Scope) Resend(ctx context.Context) error { return s.c.resend(ctx, s) }

// Messages returns the Scope's delivery channel; it is closed by Close (of the Scope or the
// Client). The receiver owns the frames.
func (s *Scope) Messages() <-chan []byte { return s.msgs }

// Events returns the Scope's copy of the Client's events; it is closed like Messages.
func (s *Scope) Events() <-chan Event { return s.events }

// Features is Client.Features.
func (s *Scope) Features() Features { return s.c.Features() }

// HeaderTTLLimit is Client.HeaderTTLLimit.
func (s *Scope) HeaderTTLLimit() time.Duration { return s.c.HeaderTTLLimit() }

// Dropped returns how many frames for the Scope were dropped because its Messages channel was
// full.
func (s *Scope) Dropped() uint64 { return s.dropped.Load() }

// Close forgets everything asked and releases everything published through the Scope, detaches
// it from the Client and closes its channels. It is idempotent and returns nil.
func (s *Scope) Close() error {
	c := s.c
	c.mu.Lock()
	if s.closed {
		c.mu.Unlock()
		return nil
	}
	var unasks [][]byte
	for id := range s.asks {
		if c.dropAskOwnerLocked(s, id) && c.features.Unask && c.cur != nil {
			unasks = append(unasks, UnaskFrame(id))
		}
	}
	for id := range s.pubs {
		c.releaseLocked(s, id)
	}
	delete(c.scopes, s)
	s.closeLocked()
	cn := c.cur
	c.mu.Unlock()
	if cn != nil {
		cn.offer(unasks)
	}
	return nil
}

// closeLocked marks s closed and closes its channels; c.mu is held, and nothing routes to s
// any more.
func (s *Scope) closeLocked() {
	if s.closed {
		return
	}
	s.closed = true
	clear(s.asks)
	clear(s.pubs)
	close(s.msgs)
	close(s.events)
}

// validatePub checks a caller's PUB frame (WIRE.md §2.2, §2.5).
func (c *Client) validatePub(frame []byte) error {
	if len(frame) <= HeaderSize {
		return ErrInvalidFrame
	}
	if binary.LittleEndian.Uint16(frame[34:36])&ReservedFlagsMask != 0 {
		return ErrInvalidFrame
	}
	limit := c.opts.MaxFrameBytes
	c.mu.Lock()
	if m := c.features.MaxFrame; m > 0 {
		limit = min(limit, m)
	}
	c.mu.Unlock()
	if len(frame) > limit {
		return ErrFrameTooLarge
	}
	return nil
}

// route hands an inbound frame to every Scope with a live ask for its id, never blocking.
func (c *Client) route(frame []byte) {
	if len(frame) <= HeaderSize { // the relay only sends PUBs
		c.unasked.Add(1)
		return
	}
	id := MsgID(frame[:32])
	now := time.Now()
	c.mu.Lock()
	defer c.mu.Unlock()
	st := c.asks[id]
	handed := false
	if st != nil {
		for s, until := range st.owners {
			if !now.Before(until) || s.closed {
				continue
			}
			f := frame
			if handed { // each receiver owns its frame
				f = append([]byte(nil), frame...)
			}
			select {
			case s.msgs <- f:
				handed = true
				c.delivered.Add(1)
			default:
				s.dropped.Add(1)
				c.dropped.Add(1)
			}
		}
	}
	if st == nil || !st.liveAt(now) {
		c.unasked.Add(1)
	}
}

// emitLocked sends ev to the Client's and every Scope's Events channel, dropping the oldest
// event of a full channel. c.mu is held, which makes this the only sender.
func (c *Client) emitLocked(ev Event) {
	if c.closed {
		return
	}
	pushEvent(c.root.events, ev)
	for s := range c.scopes {
		pushEvent(s.events, ev)
	}
}

func pushEvent(ch chan Event, ev Event) {
	for {
		select {
		case ch <- ev:
			return
		default:
		}
		select { // full: drop the oldest (a consumer may have made room meanwhile)
		case <-ch:
		default:
		}
	}
}
