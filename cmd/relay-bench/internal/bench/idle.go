package bench

import (
	"context"
	"time"
)

// settle is the pause between the last dial and the RSS reading, so the relay's per-connection
// allocations are done.
const settle = 2 * time.Second

// idle holds cfg.Idle connections for cfg.Duration and reads the relay's memory before the
// first dial (RSS_0), once all are connected (RSS_C) and at the end.
func (r *runner) idle(ctx context.Context) error {
	cfg := r.cfg
	before := cfg.Observer.Sample(ctx)
	t0 := time.Now()
	target := func(i int) string { return cfg.Targets[i%len(cfg.Targets)] }
	conns, took, err := dialAll(ctx, r.dialer(), cfg.Idle, cfg.DialConc, target)
	if err != nil {
		return err
	}
	defer closeAll(conns)
	dialSecs := time.Since(t0).Seconds()
	r.res.PeakConns = len(conns)
	for _, c := range conns {
		c.start(func(delivery) {}, &r.bad) // the reader answers the relay's pings
	}
	cfg.Log("idle: %d connections open after %.1fs", len(conns), dialSecs)
	sleepUntil(ctx, time.Now().Add(settle))
	atC := cfg.Observer.Sample(ctx)
	holdStart := time.Now()
	sleepUntil(ctx, holdStart.Add(cfg.Duration-settle))
	atEnd := cfg.Observer.Sample(ctx)
	res := &IdleResult{
		Connections: len(conns), HeldSeconds: time.Since(holdStart).Seconds() + settle.Seconds(),
		DialSeconds: dialSecs, CloseCodes: map[int]int{},
	}
	hs := make([]int64, len(took))
	for i, t := range took {
		hs[i] = int64(t)
	}
	res.Handshake = summarize(hs)
	for _, c := range conns {
		if c.closed.Load() {
			res.CloseCodes[c.closeCode()]++
		} else {
			res.Held++
		}
	}
	if before.RSS > 0 && atC.RSS > 0 {
		res.RSS0, res.RSSC, res.RSSEnd = before.RSS, atC.RSS, atEnd.RSS
		res.RSSPerConn = float64(atC.RSS-before.RSS) / float64(len(conns))
	}
	if before.Heap >= 0 && atC.Heap >= 0 {
		res.HeapPerConn = (atC.Heap - before.Heap) / float64(len(conns))
	}
	if before.Goroutines >= 0 && atC.Goroutines >= 0 {
		res.GoroutinesPC = (atC.Goroutines - before.Goroutines) / float64(len(conns))
	}
	r.res.Idle = res
	return nil
}
