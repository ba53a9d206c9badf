package bench

import (
	"context"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Run executes one bounded run described by cfg. ctx cancellation ends it early (the result
// then covers what ran). cfg is validated first.
func Run(ctx context.Context, cfg Config) (*Result, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	res := &Result{
		Mode: cfg.Mode, Shape: cfg.Shape.Name, Sizes: cfg.Shape.Sizes, Targets: cfg.Targets,
		TTLSeconds: int(decodeTTL(encodeTTL(cfg.TTL)) / time.Second), Unask: cfg.Unask,
		GoVersion: runtime.Version(), NumCPU: runtime.NumCPU(), GOMAXPROCS: runtime.GOMAXPROCS(0),
	}
	if cfg.Observer != nil {
		res.RelayPID = cfg.Observer.PID
	}
	// The hard cap: the run's own duration plus a grace period for dialling and draining.
	ctx, cancel := context.WithTimeout(ctx, cfg.Duration+30*time.Second)
	defer cancel()
	res.LoadAvg[0] = loadAvg()
	defer func() { res.LoadAvg[1] = loadAvg() }()
	r := &runner{cfg: &cfg, res: res, ids: newIDGen(), clk: newClock()}
	var err error
	switch cfg.Mode {
	case ModeRate:
		err = r.rate(ctx)
	case ModeSessions:
		err = r.sessions(ctx)
	case ModeIdle:
		err = r.idle(ctx)
	}
	res.BadFrames = r.bad.Load()
	return res, err
}

type runner struct {
	cfg *Config
	res *Result
	ids idGen
	clk clock
	bad atomic.Int64
}

func (r *runner) dialer() dialer { return dialer{nSrc: r.cfg.SourceIPs, clk: r.clk} }

// partyTarget puts party p of lane i on targets[(i+p) mod T], so with two or more targets the
// two parties of a session always talk to different instances.
func (r *runner) partyTarget(conn int) string {
	t := r.cfg.Targets
	lane, p := conn/2, conn%2
	return t[(lane+p)%len(t)]
}

func (r *runner) ttlCode() uint16 { return encodeTTL(r.cfg.TTL) }

// unaskOK reports whether UNASKs will be sent on c.
func (r *runner) unaskOK(c *conn) bool { return r.cfg.Unask && c.features.Unask }

// pending is the set of ids a receiving connection expects, for loss and duplicate accounting.
type pending struct {
	mu  sync.Mutex
	ids map[MsgID]struct{}
}

func (p *pending) add(id MsgID) {
	p.mu.Lock()
	p.ids[id] = struct{}{}
	p.mu.Unlock()
}

func (p *pending) take(id MsgID) bool {
	p.mu.Lock()
	_, ok := p.ids[id]
	delete(p.ids, id)
	p.mu.Unlock()
	return ok
}

func (p *pending) len() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.ids)
}

func (p *pending) reset() {
	p.mu.Lock()
	clear(p.ids)
	p.mu.Unlock()
}

// loadAvg returns the 1-minute load average, or "?" where /proc/loadavg is unavailable.
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return "?"
	}
	return f[0]
}

// sleepUntil waits until t or ctx ends; it reports whether t was reached.
func sleepUntil(ctx context.Context, t time.Time) bool {
	d := time.Until(t)
	if d <= 0 {
		return ctx.Err() == nil
	}
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-tm.C:
		return true
	case <-ctx.Done():
		return false
	}
}
