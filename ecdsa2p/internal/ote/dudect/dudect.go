// Package dudect is a small dudect-style timing harness (Reparaz, Balasch, Verbauwhede, "Dude,
// is my code constant time?", 2017) for the smoke tests of packages ote and rvole
// (PROTOCOL.md §12.3). Those tests carry the build tag dudect and are not part of CI:
//
//	go test -tags dudect -run Dudect -v ./ecdsa2p/internal/ote/... ./ecdsa2p/internal/rvole
//
// A test times one operation on two classes of secret inputs, drawn in a random interleaved
// order, crops the slowest samples at several percentiles, and computes Welch's t statistic
// between the classes. |t| above [Threshold] suggests a timing difference. Timing on a shared
// machine is noisy, so the tests log by default and fail only with -dudect.strict.
package dudect

import (
	"flag"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// Threshold is dudect's bound on |t| for "probably leaks".
const Threshold = 10

var (
	samples = flag.Int("dudect.n", 20000, "samples per dudect test")
	strict  = flag.Bool("dudect.strict", false, "fail when |t| exceeds the threshold")
)

// Check runs [T] and logs (or, with -dudect.strict, fails) when |t| exceeds [Threshold].
func Check(t *testing.T, measure func(class int) time.Duration) {
	t.Helper()
	if worst := T(t, measure); worst > Threshold {
		if *strict {
			t.Errorf("|t| = %.1f > %d: the timing depends on the secret class", worst, Threshold)
		} else {
			t.Logf("|t| = %.1f > %d: PROBABLY LEAKS (rerun on an idle machine with -dudect.strict)", worst, Threshold)
		}
	}
}

// T measures the two classes and returns the largest |t| over the percentile crops.
func T(t *testing.T, measure func(class int) time.Duration) float64 {
	t.Helper()
	r := rand.New(rand.NewPCG(7, 11))
	for range 100 { // warm-up
		measure(r.IntN(2))
	}
	var byClass [2][]float64
	for range *samples {
		c := r.IntN(2)
		byClass[c] = append(byClass[c], float64(measure(c)))
	}
	all := slices.Concat(byClass[0], byClass[1])
	slices.Sort(all)
	worst := 0.0
	for _, p := range []float64{1, 0.95, 0.8, 0.5} {
		limit := all[int(p*float64(len(all)-1))]
		a, b := below(byClass[0], limit), below(byClass[1], limit)
		if len(a) < 2 || len(b) < 2 {
			continue
		}
		v := welch(a, b)
		t.Logf("samples ≤ %3.0f%%: t = %6.2f (n = %d, %d)", 100*p, v, len(a), len(b))
		worst = max(worst, math.Abs(v))
	}
	return worst
}

func below(xs []float64, limit float64) []float64 {
	out := make([]float64, 0, len(xs))
	for _, x := range xs {
		if x <= limit {
			out = append(out, x)
		}
	}
	return out
}

// welch returns Welch's t statistic of the two samples.
func welch(a, b []float64) float64 {
	stats := func(xs []float64) (mean, variance float64) {
		for _, x := range xs {
			mean += x
		}
		mean /= float64(len(xs))
		for _, x := range xs {
			variance += (x - mean) * (x - mean)
		}
		return mean, variance / float64(len(xs)-1)
	}
	ma, va := stats(a)
	mb, vb := stats(b)
	d := math.Sqrt(va/float64(len(a)) + vb/float64(len(b)))
	if d == 0 {
		return 0
	}
	return (ma - mb) / d
}
