package bench

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// sessionStats is shared by every party of a sessions run.
type sessionStats struct {
	lat        latencies
	sessTime   latencies
	completed  atomic.Int64
	failed     atomic.Int64
	delivered  atomic.Int64
	bytes      atomic.Int64
	unexpected atomic.Int64
}

// sessions runs the closed-loop mode: Sessions slots, each with two parties on their own
// connections, running sessions back to back until the duration ends. Party 0 of each slot
// decides when a new session starts and tells party 1 through a channel, so that both always
// run the same session (this coordination is in-process and costs the relay nothing).
func (r *runner) sessions(ctx context.Context) error {
	cfg := r.cfg
	n := 2 * cfg.Sessions
	conns, _, err := dialAll(ctx, r.dialer(), n, cfg.DialConc, r.partyTarget)
	if err != nil {
		return err
	}
	defer closeAll(conns)
	r.res.PeakConns = len(conns)
	st := &sessionStats{}
	st.lat.base = r.clk.now()
	inbox := make([]chan delivery, n)
	for j, c := range conns {
		in := make(chan delivery, 64)
		inbox[j] = in
		c.start(func(d delivery) {
			select {
			case in <- d:
			default:
				st.unexpected.Add(1) // a party never has more than a few frames in flight
			}
		}, &r.bad)
	}
	before := cfg.Observer.Sample(ctx)
	start := time.Now()
	end := start.Add(cfg.Duration)
	runCtx, cancel := context.WithDeadline(ctx, end.Add(2*cfg.MsgTimeout))
	defer cancel()
	var wg sync.WaitGroup
	for i := range cfg.Sessions {
		next := make(chan uint64)
		var dead atomic.Bool // a connection of this slot failed: the slot stops
		wg.Add(2)
		go func() {
			defer wg.Done()
			defer close(next)
			for k := uint64(0); time.Now().Before(end) && !dead.Load(); k++ {
				select {
				case next <- k:
				case <-runCtx.Done():
					return
				}
				if _, fatal := r.party(runCtx, st, conns[2*i], inbox[2*i], i, k, 0); fatal || runCtx.Err() != nil {
					dead.Store(true)
					return
				}
			}
		}()
		go func() {
			defer wg.Done()
			for k := range next {
				if _, fatal := r.party(runCtx, st, conns[2*i+1], inbox[2*i+1], i, k, 1); fatal || runCtx.Err() != nil {
					dead.Store(true)
					for range next { // let party 0 finish its session and see dead
					}
					return
				}
			}
		}()
	}
	wg.Wait()
	secs := time.Since(start).Seconds()
	after := cfg.Observer.Sample(ctx)
	s := &SessionResult{
		Slots: cfg.Sessions, Seconds: secs,
		Completed: st.completed.Load(), Failed: st.failed.Load(),
		Delivered: st.delivered.Load(), Unexpected: st.unexpected.Load(),
		Latency: st.lat.summary(), SessionTime: st.sessTime.summary(), WorstPer100ms: st.lat.timeline(),
	}
	s.SessionsPerSec = float64(s.Completed) / secs
	s.MessagesPerSec = float64(s.Delivered) / secs
	s.BytesPerSec = float64(st.bytes.Load()) / secs
	s.Relay = delta(before, after, s.Delivered)
	for _, c := range conns {
		if c.closed.Load() {
			if s.CloseCodes == nil {
				s.CloseCodes = map[int]int{}
			}
			s.CloseCodes[c.closeCode()]++
		}
	}
	r.res.Sessions = s
	cfg.Log("sessions: %d completed, %.1f/s, %s", s.Completed, s.SessionsPerSec, s.Latency)
	return nil
}

// party runs session k of slot i as party p: in every round, publish its message and ask for
// the peer's (ask first on even slots), then wait for the peer's. It reports success, and
// whether the connection is gone (the slot must stop).
func (r *runner) party(ctx context.Context, st *sessionStats, c *conn, in <-chan delivery, i int, k uint64, p uint8) (ok, fatal bool) {
	askFirst := i%2 == 0
	ttl := r.ttlCode()
	t0 := r.clk.now()
	timer := time.NewTimer(r.cfg.MsgTimeout)
	defer timer.Stop()
	for round, size := range r.cfg.Shape.Sizes {
		mine := r.ids.id(uint32(i), k, uint8(round), p, 0)
		theirs := r.ids.id(uint32(i), k, uint8(round), 1-p, 0)
		var err error
		if askFirst {
			if err = c.ask(theirs, ttl); err == nil {
				err = c.publish(mine, ttl, size)
			}
		} else {
			if err = c.publish(mine, ttl, size); err == nil {
				err = c.ask(theirs, ttl)
			}
		}
		if err != nil {
			st.failed.Add(1)
			return false, true
		}
		if !r.await(ctx, st, c, in, timer, theirs) {
			st.failed.Add(1)
			return false, c.closed.Load()
		}
	}
	if p == 0 {
		st.completed.Add(1)
		st.sessTime.add(r.clk.now() - t0)
	}
	return true, false
}

// await waits for the frame of id on in, counting anything else as unexpected.
func (r *runner) await(ctx context.Context, st *sessionStats, c *conn, in <-chan delivery, timer *time.Timer, id MsgID) bool {
	timer.Reset(r.cfg.MsgTimeout)
	for {
		select {
		case d := <-in:
			if d.id != id {
				st.unexpected.Add(1)
				continue
			}
			st.delivered.Add(1)
			st.bytes.Add(int64(d.size - headerSize))
			if d.sentNs >= 0 {
				st.lat.addAt(d.sentNs, d.recvNs-d.sentNs)
			}
			if r.unaskOK(c) {
				_ = c.unask(id)
			}
			return true
		case <-timer.C:
			return false
		case <-c.done: // the relay closed the connection
			return false
		case <-ctx.Done():
			return false
		}
	}
}
