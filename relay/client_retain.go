package relay

import (
	"bytes"
	"context"
	"time"
)

// askState is a retained ASK: the Scopes that ask for one id, each until its own time.
type askState struct {
	owners map[*Scope]time.Time
	next   time.Time // next refresh; zero while disconnected
}

func (st *askState) until() time.Time {
	var u time.Time
	for _, t := range st.owners {
		if t.After(u) {
			u = t
		}
	}
	return u
}

func (st *askState) liveAt(now time.Time) bool { return st.until().After(now) }

// pubState is a retained PUB: one frame, and the Scopes that published it, each until its own
// time.
type pubState struct {
	id     MsgID
	frame  []byte
	ttl    time.Duration // the frame's header TTL
	owners map[*Scope]time.Time
	next   time.Time // next refresh; zero while disconnected or never
}

func (ps *pubState) until() time.Time {
	var u time.Time
	for _, t := range ps.owners {
		if t.After(u) {
			u = t
		}
	}
	return u
}

func (ps *pubState) liveAt(now time.Time) bool { return ps.until().After(now) }

// retainAskLocked records that s asks for id until the given time and returns the ASK frame to
// send now; added reports whether s did not ask for id before.
func (c *Client) retainAskLocked(s *Scope, id MsgID, until, now time.Time) (frame []byte, added bool) {
	st := c.asks[id]
	if st == nil {
		st = &askState{owners: make(map[*Scope]time.Time, 1)}
		c.asks[id] = st
	}
	prev, had := st.owners[s]
	if !had || until.After(prev) {
		st.owners[s] = until
	}
	s.asks[id] = struct{}{}
	if c.cur == nil {
		c.poke()
	}
	return c.askFrameLocked(id, st, now), !had
}

// askFrameLocked returns the ASK for id with TTL min(until − now, limit) and, while connected,
// schedules its refresh at half the TTL the relay will read. An ASK whose TTL already reaches
// until needs no refresh (only a re-send after a reconnect or on Resend).
func (c *Client) askFrameLocked(id MsgID, st *askState, now time.Time) []byte {
	until := st.until()
	code := EncodeTTL(min(until.Sub(now), c.ttlLimit))
	st.next = time.Time{}
	if ttl := DecodeTTL(code); c.cur != nil && now.Add(ttl).Before(until) {
		st.next = now.Add(ttl / 2)
		c.scheduleLocked(st.next)
	}
	return Header{ID: id, TTLCode: code}.Marshal()
}

// dropAskOwnerLocked ends s's ask for id; it reports whether nobody asks for id any more.
func (c *Client) dropAskOwnerLocked(s *Scope, id MsgID) (gone bool) {
	delete(s.asks, id)
	st := c.asks[id]
	if st == nil {
		return false
	}
	delete(st.owners, s)
	if len(st.owners) == 0 {
		delete(c.asks, id)
		return true
	}
	return false
}

// retainPubLocked records that s published frame (a private copy) until the given time;
// added reports whether s did not retain these bytes before.
func (c *Client) retainPubLocked(s *Scope, frame []byte, until, now time.Time) (ps *pubState, added bool) {
	id := MsgID(frame[:32])
	for _, p := range c.pubs[id] {
		if bytes.Equal(p.frame, frame) {
			ps = p
			break
		}
	}
	if ps == nil {
		h, _ := ParseHeader(frame) // validated: longer than the header
		ps = &pubState{id: id, frame: frame, ttl: h.TTL(), owners: make(map[*Scope]time.Time, 1)}
		c.pubs[id] = append(c.pubs[id], ps)
	}
	prev, had := ps.owners[s]
	if !had || until.After(prev) {
		ps.owners[s] = until
	}
	s.pubs[id] = struct{}{}
	if c.cur == nil {
		c.poke()
	}
	c.pubSentLocked(ps, now)
	return ps, !had
}

// pubSentLocked schedules the refresh of a PUB sent at now: one header-TTL period (clamped to
// the relay's advertised max-ttl, which is how long the relay keeps it) plus a second, so that
// the copy lands after the previous one expired. A TTL-0 frame is never refreshed.
func (c *Client) pubSentLocked(ps *pubState, now time.Time) {
	ps.next = time.Time{}
	if c.cur == nil {
		return
	}
	ttl := ps.ttl
	if c.features.Version >= 1 && c.features.MaxTTL > 0 {
		ttl = min(ttl, c.features.MaxTTL)
	}
	if ttl <= 0 {
		return
	}
	ps.next = now.Add(ttl + time.Second)
	c.scheduleLocked(ps.next)
}

// dropPubOwnerLocked ends s's retention of ps.
func (c *Client) dropPubOwnerLocked(s *Scope, ps *pubState) {
	delete(ps.owners, s)
	if len(ps.owners) == 0 {
		c.removePubLocked(ps)
	}
	if !c.ownsPubLocked(s, ps.id) {
		delete(s.pubs, ps.id)
	}
}

// releaseLocked ends s's retention of every frame it published under id.
func (c *Client) releaseLocked(s *Scope, id MsgID) {
	delete(s.pubs, id)
	for _, ps := range append([]*pubState(nil), c.pubs[id]...) {
		if _, ok := ps.owners[s]; ok {
			delete(ps.owners, s)
			if len(ps.owners) == 0 {
				c.removePubLocked(ps)
			}
		}
	}
}

func (c *Client) removePubLocked(ps *pubState) {
	list := c.pubs[ps.id]
	for i, p := range list {
		if p == ps {
			list = append(list[:i:i], list[i+1:]...)
			break
		}
	}
	if len(list) == 0 {
		delete(c.pubs, ps.id)
	} else {
		c.pubs[ps.id] = list
	}
}

func (c *Client) ownsPubLocked(s *Scope, id MsgID) bool {
	for _, ps := range c.pubs[id] {
		if _, ok := ps.owners[s]; ok {
			return true
		}
	}
	return false
}

// collectLocked returns the live retained ASKs (first) and PUBs (then) of s, or of everyone
// when s is nil, and reschedules their refreshes as if they were sent at now.
func (c *Client) collectLocked(s *Scope, now time.Time) [][]byte {
	var frames [][]byte
	for id, st := range c.asks {
		if !ownerLive(st.owners, s, now) {
			continue
		}
		frames = append(frames, c.askFrameLocked(id, st, now))
	}
	for _, list := range c.pubs {
		for _, ps := range list {
			if !ownerLive(ps.owners, s, now) {
				continue
			}
			frames = append(frames, ps.frame)
			c.pubSentLocked(ps, now)
		}
	}
	return frames
}

// ownerLive reports whether s (or anyone, when s is nil) holds an entry live at now.
func ownerLive(owners map[*Scope]time.Time, s *Scope, now time.Time) bool {
	if s != nil {
		u, ok := owners[s]
		return ok && u.After(now)
	}
	for _, u := range owners {
		if u.After(now) {
			return true
		}
	}
	return false
}

// dueLocked drops expired entries, returns the refreshes due at now (ASKs first) and the time
// the scheduler has to look again (zero: nothing scheduled).
func (c *Client) dueLocked(now time.Time) (frames [][]byte, next time.Time) {
	earliest := func(t time.Time) {
		if !t.IsZero() && (next.IsZero() || t.Before(next)) {
			next = t
		}
	}
	for id, st := range c.asks {
		for s, u := range st.owners {
			if !u.After(now) {
				delete(st.owners, s)
				delete(s.asks, id)
			}
		}
		if len(st.owners) == 0 {
			delete(c.asks, id)
			continue
		}
		if !st.next.IsZero() && !now.Before(st.next) {
			frames = append(frames, c.askFrameLocked(id, st, now))
		}
		earliest(st.next)
		earliest(st.until())
	}
	for id, list := range c.pubs {
		for _, ps := range list {
			for s, u := range ps.owners {
				if !u.After(now) {
					c.dropPubOwnerLocked(s, ps)
				}
			}
		}
		for _, ps := range c.pubs[id] {
			if !ps.next.IsZero() && !now.Before(ps.next) {
				frames = append(frames, ps.frame)
				c.pubSentLocked(ps, now)
			}
			earliest(ps.next)
			earliest(ps.until())
		}
	}
	return frames, next
}

// scheduleLocked makes sure the scheduler wakes by t.
func (c *Client) scheduleLocked(t time.Time) {
	if c.timerAt.IsZero() || t.Before(c.timerAt) {
		c.poke()
	}
}

// poke wakes the scheduler (or a reconnect waiting for work) without blocking.
func (c *Client) poke() {
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// resend re-sends the live retained ASKs and PUBs of s (everyone's when s is nil).
func (c *Client) resend(ctx context.Context, s *Scope) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	err := c.errLocked()
	if err == nil && s != nil {
		err = s.errLocked()
	}
	if err != nil {
		c.mu.Unlock()
		return err
	}
	cn := c.cur
	if cn == nil {
		c.mu.Unlock()
		return nil
	}
	frames := c.collectLocked(s, time.Now())
	c.mu.Unlock()
	return c.enqueue(ctx, cn, frames...)
}
