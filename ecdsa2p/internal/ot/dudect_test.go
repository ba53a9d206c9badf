//go:build dudect

// dudect-style timing smoke tests (PROTOCOL.md §12.3), not part of CI:
//
//	go test -tags dudect -run Dudect -v ./ecdsa2p/internal/ot [-dudect.n 40000] [-dudect.strict]
//
// Each test times one secret-dependent operation for two classes of secret inputs, interleaved
// in random order, crops the slowest samples (dudect's percentile crop) and reports Welch's t.
// |t| above 10 is dudect's threshold for "probably leaks"; the test only logs unless
// -dudect.strict is given, since timing assertions are flaky on shared machines.
package ot

import (
	"flag"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/tandem-mpc/tandem/ecdsa2p/internal/testrng"
	"github.com/tandem-mpc/tandem/internal/transcript"
)

var (
	dudectN      = flag.Int("dudect.n", 20000, "samples per dudect test")
	dudectStrict = flag.Bool("dudect.strict", false, "fail when |t| > 10")
)

// dudect runs measure(class) for randomly interleaved classes 0 and 1, reports Welch's t over
// the samples below each of several percentiles, and flags |t| > 10.
func dudect(t *testing.T, measure func(class int) time.Duration) {
	if worst := dudectT(t, measure); worst > 10 {
		if *dudectStrict {
			t.Errorf("|t| = %.1f > 10: timing depends on the secret class", worst)
		} else {
			t.Logf("|t| = %.1f > 10: PROBABLY LEAKS (rerun on an idle machine with -dudect.strict)", worst)
		}
	}
}

// dudectT returns the largest |t| over the percentile crops.
func dudectT(t *testing.T, measure func(class int) time.Duration) float64 {
	r := rand.New(rand.NewPCG(1, 2))
	var samples [2][]float64
	for range 200 { // warm-up
		measure(r.IntN(2))
	}
	for range *dudectN {
		c := r.IntN(2)
		samples[c] = append(samples[c], float64(measure(c)))
	}
	worst := 0.0
	for _, pct := range []float64{1.0, 0.9, 0.5} {
		all := slices.Concat(samples[0], samples[1])
		slices.Sort(all)
		limit := all[int(pct*float64(len(all)-1))]
		tv := welch(crop(samples[0], limit), crop(samples[1], limit))
		t.Logf("percentile %.0f%%: t = %.2f", 100*pct, tv)
		worst = max(worst, math.Abs(tv))
	}
	return worst
}

func crop(xs []float64, limit float64) []float64 {
	var out []float64
	for _, x := range xs {
		if x <= limit {
			out = append(out, x)
		}
	}
	return out
}

func welch(a, b []float64) float64 {
	mean := func(xs []float64) (m, v float64) {
		for _, x := range xs {
			m += x
		}
		m /= float64(len(xs))
		for _, x := range xs {
			v += (x - m) * (x - m)
		}
		return m, v / float64(len(xs)-1)
	}
	ma, va := mean(a)
	mb, vb := mean(b)
	return (ma - mb) / math.Sqrt(va/float64(len(a))+vb/float64(len(b)))
}

// The base-OT receiver's H2C input contains its choice bit: class 0 hashes with c = 0, class 1
// with c = 1, on random other points.
func TestDudectReceiverH2C(t *testing.T) {
	c := testCorrelation(t, "dudect")
	rnd := testrng.New("dudect/h2c")
	other := make([]byte, PointSize)
	dudect(t, func(class int) time.Duration {
		rnd.RandomBytes(other[1:])
		other[0] = 2
		start := time.Now()
		h2cOT(&c.SIDOT, 7, class, other)
		return time.Since(start)
	})
}

// The whole per-OT receiver step with c_t = 0 vs 1 (H2C, two fixed-base multiplications, the
// placement).
func TestDudectReceiverMessage1(t *testing.T) {
	recv, _ := newReceiver(t, "dudect", nil)
	rnd := testrng.New("dudect/recv")
	out := make([]byte, 2*PointSize)
	dudect(t, func(class int) time.Duration {
		recv.cb[0] = byte(class)
		recv.a[0].Set(rnd.RandomScalar())
		z := rnd.RandomScalar()
		start := time.Now()
		recv.message1One(0, z, out)
		return time.Since(start)
	})
}

// PPRF evaluation of one block with Δ_b = 0 (all c_h = 1) vs Δ_b = 15 (all c_h = 0), on random
// base-OT outputs and correction words.
func TestDudectPPRFEval(t *testing.T) {
	rnd := testrng.New("dudect/pprf")
	var sid, cb [32]byte
	rnd.RandomBytes(sid[:])
	oc := new([BaseOTs][32]byte)
	var C [3][2][LeafSize]byte
	var tt [32]byte
	var leaves [LeavesPerBlock][LeafSize]byte
	var pi [LeavesPerBlock][32]byte
	prefix := transcript.NewPrefix(transcript.LabelPPRFLeaf, sid[:])
	dudect(t, func(class int) time.Duration {
		cb[0] = byte(class) * 0x0f // bits 0..3: c_0..c_3 of block 0
		for h := range 4 {
			rnd.RandomBytes(oc[h][:])
		}
		rnd.RandomBytes(C[0][0][:])
		start := time.Now()
		evalBlock(&sid, prefix, 0, &cb, oc, &C, &tt, &leaves, &pi)
		return time.Since(start)
	})
}

// A positive control: class 1 hashes one more time than class 0, which the harness must report
// with |t| above 10 (otherwise the other tests' silence means nothing).
func TestDudectPositiveControl(t *testing.T) {
	var buf [64]byte
	worst := dudectT(t, func(class int) time.Duration {
		start := time.Now()
		for range 4 + class {
			d := transcript.H("tandem/v1/test", buf[:])
			copy(buf[:], d[:])
		}
		return time.Since(start)
	})
	if worst <= 10 {
		t.Logf("|t| = %.1f: the harness did not see a known leak", worst)
		if *dudectStrict {
			t.Fail()
		}
	}
}
