package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"
)

// Options are the flags of `tandem bench`.
type Options struct {
	// N is the number of counted iterations of every operation (after one warm-up); 0 means
	// DefaultN. At most MaxN.
	N int
	// JSON prints one JSON object on one line instead of the table.
	JSON bool
}

const (
	// DefaultN is the number of iterations when Options.N is 0.
	DefaultN = 20
	// MaxN bounds Options.N: the relays keep every frame for its TTL (about opTimeout plus the
	// driver's grace), so a run's memory grows with N.
	MaxN = 1000
)

// ErrOptions reports invalid Options.
var ErrOptions = errors.New("bench: invalid options")

// Run measures keygen and sign as described in the package documentation and writes the
// result to out: a table, or with opts.JSON one line holding one JSON object. It returns an
// error (and prints nothing) if an operation fails or ctx ends before the run is complete.
func Run(ctx context.Context, opts Options, out io.Writer) error {
	n := opts.N
	if n == 0 {
		n = DefaultN
	}
	if n < 0 || n > MaxN {
		return fmt.Errorf("%w: n must be between 1 and %d, got %d", ErrOptions, MaxN, opts.N)
	}
	if out == nil {
		return fmt.Errorf("%w: no output writer", ErrOptions)
	}
	load0 := loadAvg1()
	s, err := measure(ctx, n)
	if err != nil {
		return err
	}
	rep := newReport(n, s, machineInfo(), [2]float64{load0, loadAvg1()})
	if opts.JSON {
		return rep.writeJSON(out)
	}
	return rep.writeText(out)
}

// samples are the raw measurements of a run.
type samples struct {
	keygen, sign, presign, online []time.Duration // over the in-memory relay
	relayKeygen, relaySign        []time.Duration // over the WebSocket relay
	signBytes1, signBytes2        []int64         // PUB bytes of P1 and P2 per one-call sign
}

// measure sets up both relays and runs the warm-up and n counted iterations.
func measure(ctx context.Context, n int) (*samples, error) {
	mem, err := newMemRelay(ctx)
	if err != nil {
		return nil, interrupted(ctx, err)
	}
	defer mem.close()
	ws, err := newWSRelay(ctx)
	if err != nil {
		return nil, interrupted(ctx, err)
	}
	defer ws.close()
	mp, err := newPair(mem.c1, mem.c2)
	if err != nil {
		return nil, err
	}
	wp, err := newPair(ws.c1, ws.c2)
	if err != nil {
		return nil, err
	}
	s := &samples{}
	// Every operation: one uncounted warm-up, then n counted runs. The first keygen on each
	// relay (a warm-up) makes the keyshares that every sign on that relay reuses.
	steps := []struct {
		op  string
		run func(ctx context.Context, count bool) error
	}{
		{"keygen", func(ctx context.Context, count bool) error { return timed(ctx, &s.keygen, count, mp.keygen) }},
		{"sign", func(ctx context.Context, count bool) error {
			b1, b2 := mem.n1.pubBytes.Load(), mem.n2.pubBytes.Load()
			if err := timed(ctx, &s.sign, count, mp.sign); err != nil {
				return err
			}
			if count {
				s.signBytes1 = append(s.signBytes1, mem.n1.pubBytes.Load()-b1)
				s.signBytes2 = append(s.signBytes2, mem.n2.pubBytes.Load()-b2)
			}
			return nil
		}},
		{"presign and online", func(ctx context.Context, count bool) error {
			d, ps, err := mp.presign(ctx)
			if err != nil {
				return err
			}
			record(&s.presign, d, count)
			return timed(ctx, &s.online, count, func(ctx context.Context) (time.Duration, error) { return mp.finish(ctx, ps) })
		}},
		{"relay keygen", func(ctx context.Context, count bool) error {
			return timed(ctx, &s.relayKeygen, count, wp.keygen)
		}},
		{"relay sign", func(ctx context.Context, count bool) error { return timed(ctx, &s.relaySign, count, wp.sign) }},
	}
	for _, st := range steps {
		for i := 0; i <= n; i++ {
			if err := ctx.Err(); err != nil {
				return nil, fmt.Errorf("bench: %s: interrupted: %w", st.op, err)
			}
			if err := st.run(ctx, i > 0); err != nil {
				return nil, interrupted(ctx, err)
			}
		}
	}
	return s, nil
}

// timed runs op and appends its duration to dst if count is set.
func timed(ctx context.Context, dst *[]time.Duration, count bool, op func(context.Context) (time.Duration, error)) error {
	d, err := op(ctx)
	if err != nil {
		return err
	}
	record(dst, d, count)
	return nil
}

func record(dst *[]time.Duration, d time.Duration, count bool) {
	if count {
		*dst = append(*dst, d)
	}
}

// interrupted makes an error that happened because ctx ended say so and match ctx's error.
func interrupted(ctx context.Context, err error) error {
	if cerr := ctx.Err(); cerr != nil && !errors.Is(err, cerr) {
		return fmt.Errorf("bench: interrupted: %w (%w)", cerr, err)
	}
	return err
}
