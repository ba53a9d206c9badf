//go:build dudect

package secp

import (
	"math"
	"math/rand/v2"
	"sort"
	"testing"
	"time"
)

// dudect-style timing smoke tests (Reparaz, Balasch, Verbauwhede, "Dude, is
// my code constant time?", DATE 2017): measure one operation on inputs from
// two classes — a fixed input and fresh random inputs — interleaved in random
// order, crop the slowest measurements, and compare the classes with Welch's
// t-test. |t| above about 10 would indicate a leak; values below about 4.5
// mean no difference was detected at that sample size. Statistical, noisy on
// shared machines, and never part of CI. Run with
//
//	go test -tags dudect -run Dudect -v ./internal/secp/

// welch returns Welch's t statistic for two samples.
func welch(a, b []float64) float64 {
	mean := func(x []float64) float64 {
		s := 0.0
		for _, v := range x {
			s += v
		}
		return s / float64(len(x))
	}
	variance := func(x []float64, m float64) float64 {
		s := 0.0
		for _, v := range x {
			s += (v - m) * (v - m)
		}
		return s / float64(len(x)-1)
	}
	ma, mb := mean(a), mean(b)
	va, vb := variance(a, ma), variance(b, mb)
	return (ma - mb) / math.Sqrt(va/float64(len(a))+vb/float64(len(b)))
}

// dudect measures op on class 0 (fixed input) and class 1 (random input) and
// returns the t statistic after cropping both classes at the given
// percentile of the pooled distribution.
//
// All inputs are prepared before any measurement, so the preparation of one
// class cannot warm or evict caches differently right before a timed call.
func dudect(t *testing.T, samples int, prepare func(class int, i int), op func(i int)) {
	r := rand.New(rand.NewPCG(99, 100))
	classes := make([]int, samples)
	times := make([]float64, samples)
	for i := range classes {
		classes[i] = r.IntN(2)
	}
	for i := range classes {
		prepare(classes[i], i)
	}
	for i := range classes {
		start := time.Now()
		op(i)
		times[i] = float64(time.Since(start).Nanoseconds())
	}
	sorted := append([]float64(nil), times...)
	sort.Float64s(sorted)
	for _, pct := range []float64{1.0, 0.9, 0.5} {
		limit := sorted[int(pct*float64(len(sorted)-1))]
		var c0, c1 []float64
		for i, v := range times {
			if v > limit {
				continue
			}
			if classes[i] == 0 {
				c0 = append(c0, v)
			} else {
				c1 = append(c1, v)
			}
		}
		t.Logf("crop %3.0f%%: n0=%d n1=%d  t=%+.2f", pct*100, len(c0), len(c1), welch(c0, c1))
	}
}

func TestDudectScalarBaseMult(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	const n = 100000
	ks := make([]Scalar, n)
	var p Point
	p.ScalarBaseMult(&ks[0]) // table
	dudect(t, n, func(class, i int) {
		if class == 1 {
			ks[i] = *randScalar(r)
		} // class 0: fixed 0, every digit zero
	}, func(i int) { p.ScalarBaseMult(&ks[i]) })
}

func TestDudectScalarMult(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	q := NewIdentityPoint().ScalarBaseMult(randScalar(r))
	const n = 40000
	ks := make([]Scalar, n)
	var p Point
	dudect(t, n, func(class, i int) {
		if class == 1 {
			ks[i] = *randScalar(r)
		}
	}, func(i int) { p.ScalarMult(&ks[i], q) })
}

func TestDudectScalarInvert(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	const n = 40000
	ks := make([]Scalar, n)
	var out Scalar
	dudect(t, n, func(class, i int) {
		if class == 0 {
			ks[i].SetUint64(1)
		} else {
			ks[i] = *randScalar(r)
		}
	}, func(i int) { out.Invert(&ks[i]) })
}

func TestDudectHashToCurve(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	const n = 100000
	msgs := make([][64]byte, n)
	dst := []byte(H2CDST)
	dudect(t, n, func(class, i int) {
		if class == 1 {
			for j := range msgs[i] {
				msgs[i][j] = byte(r.Uint32())
			}
		}
	}, func(i int) { _ = HashToCurve(msgs[i][:], dst) })
}
