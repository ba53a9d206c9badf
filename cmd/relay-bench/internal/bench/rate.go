package bench

import (
	"context"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// rateStep is the shared state of one open-loop step.
type rateStep struct {
	lat        latencies
	sent       atomic.Int64
	delivered  atomic.Int64
	unexpected atomic.Int64
	maxLagNs   atomic.Int64
}

// rate runs the open-loop steps: Conns/2 pairs; for each message the receiving connection
// ASKs and the sending one PUBs (ask first on even pairs, publish first on odd ones), at
// fixed times regardless of deliveries. Message direction alternates within a pair.
func (r *runner) rate(ctx context.Context) error {
	cfg := r.cfg
	conns, _, err := dialAll(ctx, r.dialer(), cfg.Conns, cfg.DialConc, r.partyTarget)
	if err != nil {
		return err
	}
	defer closeAll(conns)
	r.res.PeakConns = len(conns)
	pend := make([]*pending, len(conns))
	var cur atomic.Pointer[rateStep]
	for j, c := range conns {
		pend[j] = &pending{ids: map[MsgID]struct{}{}}
		p := pend[j]
		c.start(func(d delivery) {
			st := cur.Load()
			if st == nil || !p.take(d.id) {
				if st != nil {
					st.unexpected.Add(1)
				}
				return
			}
			st.delivered.Add(1)
			if d.sentNs >= 0 {
				st.lat.addAt(d.sentNs, d.recvNs-d.sentNs)
			}
			if r.unaskOK(c) {
				_ = c.unask(d.id)
			}
		}, &r.bad)
	}
	pairs := len(conns) / 2
	ttl := r.ttlCode()
	deadline := time.Now().Add(cfg.Duration)
	drainMax := min(cfg.TTL, 5*time.Second)
	for stepNo, rate := range cfg.Rates {
		if ctx.Err() != nil || time.Until(deadline) < time.Second {
			r.res.Notes = append(r.res.Notes, fmt.Sprintf("duration cap reached before the %.0f msg/s step", rate))
			break
		}
		stepLen := min(cfg.Step, time.Until(deadline)-drainMax)
		if stepLen < time.Second {
			stepLen = time.Second
		}
		st := &rateStep{}
		st.lat.base = r.clk.now()
		cur.Store(st)
		before := cfg.Observer.Sample(ctx)
		genBefore, _ := ReadCPU(os.Getpid())
		start := time.Now()
		end := start.Add(stepLen)
		interval := time.Duration(float64(time.Second) * float64(pairs) / rate)
		var wg sync.WaitGroup
		var sendErr atomic.Value
		for i := range pairs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := r.ratePair(ctx, st, conns, pend, i, pairs, uint8(stepNo), ttl, start, end, interval); err != nil {
					sendErr.CompareAndSwap(nil, err)
				}
			}()
		}
		wg.Wait()
		sentEnd := time.Now()
		// Drain: wait for outstanding deliveries, at most the TTL (after that they are lost).
		drainEnd := time.Now().Add(drainMax)
		for time.Now().Before(drainEnd) && ctx.Err() == nil && outstanding(pend) > 0 {
			time.Sleep(10 * time.Millisecond)
		}
		after := cfg.Observer.Sample(ctx)
		genAfter, _ := ReadCPU(os.Getpid())
		secs := sentEnd.Sub(start).Seconds()
		res := StepResult{
			TargetRate: rate, Seconds: secs,
			Sent: st.sent.Load(), Delivered: st.delivered.Load(), Unexpected: st.unexpected.Load(),
			Missing: int64(outstanding(pend)), MaxLagMs: float64(st.maxLagNs.Load()) / 1e6,
			Latency: st.lat.summary(), WorstPer100ms: st.lat.timeline(),
		}
		res.AchievedRate = float64(res.Sent) / secs
		res.DeliveredRate = float64(res.Delivered) / secs
		res.Relay = delta(before, after, res.Delivered)
		res.GenCPUPercent = 100 * (genAfter - genBefore) / time.Since(start).Seconds()
		r.res.Steps = append(r.res.Steps, res)
		cfg.Log("rate %.0f: sent %.0f/s delivered %.0f/s missing %d %s", rate, res.AchievedRate, res.DeliveredRate, res.Missing, res.Latency)
		for _, p := range pend {
			p.reset()
		}
		if v, _ := sendErr.Load().(error); v != nil {
			return fmt.Errorf("bench: rate %.0f: %w%s", rate, v, closeCodes(conns))
		}
		if cfg.StopP99 > 0 && res.Latency.P99() > cfg.StopP99 {
			r.res.Notes = append(r.res.Notes, fmt.Sprintf("stopped after the %.0f msg/s step: p99 %s passed %s", rate, fmtUs(res.Latency.P99us), cfg.StopP99))
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	return nil
}

// ratePair sends pair i's share of the step: one message every interval from start (staggered
// by i/pairs of an interval) until end.
func (r *runner) ratePair(ctx context.Context, st *rateStep, conns []*conn, pend []*pending,
	i, pairs int, step uint8, ttl uint16, start, end time.Time, interval time.Duration) error {
	sizes := r.cfg.Shape.Sizes
	askFirst := i%2 == 0
	next := start.Add(interval * time.Duration(i) / time.Duration(pairs))
	for seq := uint64(0); next.Before(end); seq++ {
		if !sleepUntil(ctx, next) {
			return nil
		}
		if lag := int64(time.Since(next)); lag > 0 {
			for old := st.maxLagNs.Load(); lag > old && !st.maxLagNs.CompareAndSwap(old, lag); old = st.maxLagNs.Load() {
			}
		}
		dir := int(seq % 2)
		from, to := 2*i+dir, 2*i+1-dir
		id := r.ids.id(uint32(i), seq, 0, uint8(dir), step)
		pend[to].add(id)
		size := sizes[int(seq)%len(sizes)]
		var err error
		if askFirst {
			if err = conns[to].ask(id, ttl); err == nil {
				err = conns[from].publish(id, ttl, size)
			}
		} else {
			if err = conns[from].publish(id, ttl, size); err == nil {
				err = conns[to].ask(id, ttl)
			}
		}
		if err != nil {
			return err
		}
		st.sent.Add(1)
		next = next.Add(interval)
	}
	return nil
}

func outstanding(pend []*pending) int {
	n := 0
	for _, p := range pend {
		n += p.len()
	}
	return n
}

// closeCodes describes the close codes of connections the relay closed, for error messages.
func closeCodes(conns []*conn) string {
	m := map[int]int{}
	for _, c := range conns {
		if c.closed.Load() {
			m[c.closeCode()]++
		}
	}
	if len(m) == 0 {
		return ""
	}
	return fmt.Sprintf(" (connections closed by the relay, by close code: %v)", m)
}
