package mpctest

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/tandem-mpc/tandem/mpc"
	"github.com/tandem-mpc/tandem/relay"
)

// Action is what a Rule does to a matching frame.
type Action uint8

// Actions of a Rule.
const (
	// Drop loses the frame. Inbound: the driver never sees this delivery (the relay keeps the
	// candidate, so a re-ASK recovers it). Publish: the frame never reaches the transport and
	// is not retained, so nothing re-sends it.
	Drop Action = iota + 1
	// Duplicate passes the frame on twice.
	Duplicate
	// FlipBit flips one bit (Rule.Bit, counted from the start of the frame) of a copy of the
	// frame and passes the copy on instead.
	FlipBit
	// Delay passes the frame on after Rule.Delay (inbound only; other frames overtake it).
	Delay
)

// Rule is one fault. A Rule matches a frame when Match is nil or returns true; it then acts on
// the first Times matching frames (0 = on every one, a persistent fault).
type Rule struct {
	Match  func(frame []byte) bool
	Action Action
	Times  int
	Bit    int           // FlipBit: the bit to flip; 0 picks a bit in the last byte (the signature or tag)
	Delay  time.Duration // Delay

	hits int
}

// MatchID returns a Match function for frames under any of ids.
func MatchID(ids ...relay.MsgID) func([]byte) bool {
	return func(f []byte) bool {
		if len(f) < relay.HeaderSize {
			return false
		}
		return slices.Contains(ids, relay.MsgID(f[:32]))
	}
}

// FaultTransport wraps an mpc.Transport and applies faults to the frames the driver publishes
// (OnPublish rules) and to the frames delivered to it (OnInbound rules, Reorder), and lets a
// test deliver arbitrary frames to the driver (Deliver). It records every frame the driver
// publishes (Published), before any fault, for replays.
//
// A goroutine moves deliveries from the wrapped transport to the driver; Close stops it (and
// every pending delayed delivery) and must be called once the session is over. Closing the
// wrapped transport also ends it.
type FaultTransport struct {
	mpc.Transport

	out  chan []byte
	stop chan struct{}
	wg   sync.WaitGroup
	once sync.Once

	mu        sync.Mutex
	inbound   []*Rule
	publish   []*Rule
	reorder   time.Duration
	published [][]byte
	delivered int
}

// NewFaultTransport wraps inner.
func NewFaultTransport(inner mpc.Transport) *FaultTransport {
	f := &FaultTransport{Transport: inner, out: make(chan []byte, 1024), stop: make(chan struct{})}
	f.wg.Add(1)
	go f.pump()
	return f
}

// OnInbound adds rules applied, in order, to every delivered frame.
func (f *FaultTransport) OnInbound(rules ...Rule) *FaultTransport {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := range rules {
		f.inbound = append(f.inbound, &rules[i])
	}
	return f
}

// OnPublish adds rules applied, in order, to every frame the driver publishes.
func (f *FaultTransport) OnPublish(rules ...Rule) *FaultTransport {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := range rules {
		f.publish = append(f.publish, &rules[i])
	}
	return f
}

// Reorder holds delivered frames until none has arrived for window, then passes them on in
// reverse order (window 0 turns it off).
func (f *FaultTransport) Reorder(window time.Duration) *FaultTransport {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reorder = window
	return f
}

// Published returns copies of every frame the driver published so far (ABORTs included), in
// order, as the driver sealed them.
func (f *FaultTransport) Published() [][]byte {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([][]byte, len(f.published))
	for i, p := range f.published {
		out[i] = slices.Clone(p)
	}
	return out
}

// Delivered returns how many frames the wrapped transport delivered so far.
func (f *FaultTransport) Delivered() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.delivered
}

// Deliver hands frames to the driver as if the relay had delivered them (no rules apply).
// It returns false if the transport is closed.
func (f *FaultTransport) Deliver(frames ...[]byte) bool {
	for _, fr := range frames {
		select {
		case <-f.stop:
			return false
		default:
		}
		select {
		case f.out <- slices.Clone(fr):
		case <-f.stop:
			return false
		}
	}
	return true
}

// Messages implements mpc.Transport: the deliveries after the inbound faults.
func (f *FaultTransport) Messages() <-chan []byte { return f.out }

// Publish implements mpc.Transport, applying the publish rules.
func (f *FaultTransport) Publish(ctx context.Context, frame []byte, until time.Time) error {
	f.mu.Lock()
	f.published = append(f.published, slices.Clone(frame))
	frames := apply(f.publish, frame)
	f.mu.Unlock()
	for _, fr := range frames {
		if fr.delay > 0 {
			continue // Delay applies to deliveries only
		}
		if err := f.Transport.Publish(ctx, fr.b, until); err != nil {
			return err
		}
	}
	return nil
}

// Close stops the delivery goroutine and pending delayed deliveries, and waits for them. It
// does not close the wrapped transport. It is idempotent.
func (f *FaultTransport) Close() {
	f.once.Do(func() { close(f.stop) })
	f.wg.Wait()
}

type faulted struct {
	b     []byte
	delay time.Duration
}

// apply runs rules over frame; f.mu is held.
func apply(rules []*Rule, frame []byte) []faulted {
	cur := []faulted{{b: frame}}
	for _, r := range rules {
		if r.Match != nil && !r.Match(frame) {
			continue
		}
		if r.Times > 0 && r.hits >= r.Times {
			continue
		}
		r.hits++
		var next []faulted
		for _, c := range cur {
			switch r.Action {
			case Drop:
			case Duplicate:
				next = append(next, c, faulted{b: slices.Clone(c.b), delay: c.delay})
			case FlipBit:
				b := slices.Clone(c.b)
				bit := r.Bit
				if bit <= 0 || bit >= 8*len(b) {
					bit = 8*len(b) - 1
				}
				b[bit/8] ^= 1 << (bit % 8)
				next = append(next, faulted{b: b, delay: c.delay})
			case Delay:
				next = append(next, faulted{b: c.b, delay: c.delay + r.Delay})
			default:
				next = append(next, c)
			}
		}
		cur = next
	}
	return cur
}

// pump moves deliveries from the wrapped transport to out, applying the inbound faults.
func (f *FaultTransport) pump() {
	defer f.wg.Done()
	in := f.Transport.Messages()
	var held [][]byte
	var timer *time.Timer
	var fire <-chan time.Time
	defer func() {
		if timer != nil {
			timer.Stop()
		}
	}()
	send := func(b []byte) bool {
		select {
		case f.out <- b:
			return true
		case <-f.stop:
			return false
		}
	}
	for {
		select {
		case <-f.stop:
			return
		case <-fire:
			fire = nil
			for i := len(held) - 1; i >= 0; i-- {
				if !send(held[i]) {
					return
				}
			}
			held = nil
		case b, ok := <-in:
			if !ok {
				return
			}
			f.mu.Lock()
			f.delivered++
			frames := apply(f.inbound, b)
			window := f.reorder
			f.mu.Unlock()
			for _, fr := range frames {
				switch {
				case fr.delay > 0:
					f.wg.Add(1)
					go f.later(fr.b, fr.delay)
				case window > 0:
					held = append(held, fr.b)
					if timer == nil {
						timer = time.NewTimer(window)
					} else {
						timer.Reset(window)
					}
					fire = timer.C
				default:
					if !send(fr.b) {
						return
					}
				}
			}
		}
	}
}

func (f *FaultTransport) later(b []byte, d time.Duration) {
	defer f.wg.Done()
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		select {
		case f.out <- b:
		case <-f.stop:
		}
	case <-f.stop:
	}
}
