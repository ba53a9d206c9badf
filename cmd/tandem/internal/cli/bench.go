package cli

import (
	"context"
	"fmt"

	"github.com/tandem-mpc/tandem/cmd/tandem/internal/bench"
)

// runBench: tandem bench [--n N] [--json]. The measuring is package bench's.
func runBench(ctx context.Context, e *env, args []string) error {
	fset := newFlagSet("bench")
	n := fset.Int("n", bench.DefaultN, fmt.Sprintf("counted iterations of every operation (1-%d)", bench.MaxN))
	asJSON := fset.Bool("json", false, "print one JSON object as the last line of stdout")
	if err := parse(e, fset, args); err != nil {
		return err
	}
	if *n < 1 || *n > bench.MaxN {
		return fmt.Errorf("--n: want 1 to %d, got %d", bench.MaxN, *n)
	}
	return bench.Run(ctx, bench.Options{N: *n, JSON: *asJSON}, e.stdout)
}
