package secp

import (
	"math/rand/v2"
	"os"
	"testing"
	"time"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
)

// minTime runs f in batches of n and returns the smallest per-call time seen
// over rounds batches. The minimum is a robust estimate on a shared, noisy
// machine (interference only ever adds time).
func minTime(rounds, n int, f func()) time.Duration {
	best := time.Duration(1 << 62)
	for r := 0; r < rounds; r++ {
		start := time.Now()
		for i := 0; i < n; i++ {
			f()
		}
		if d := time.Since(start) / time.Duration(n); d < best {
			best = d
		}
	}
	return best
}

// TestPerfRatios prints min-of-batches timings and the ratios against decred,
// interleaving the contenders. It never asserts: run it by hand with
// SECP_RATIOS=1 go test -run PerfRatios -v ./internal/secp/
func TestPerfRatios(t *testing.T) {
	if os.Getenv("SECP_RATIOS") == "" {
		t.Skip("set SECP_RATIOS=1 to run")
	}
	r := rand.New(rand.NewPCG(42, 43))
	k, k2 := randScalar(r), randScalar(r)
	q := NewIdentityPoint().ScalarBaseMult(randScalar(r))
	qj := q.toDecred()
	qj.ToAffine()
	var p Point
	var j secp256k1.JacobianPoint
	var fa, fb fieldElement = feFromHex("7ae96a2b657c07106e64479eac3434e99cf0497512f58995c1396c28719501ee"), glvBeta
	var da, db secp256k1.FieldVal
	fab, fbb := fa.bytes(), fb.bytes()
	da.SetBytes(&fab)
	db.SetBytes(&fbb)
	var inv Scalar
	var dinv secp256k1.ModNScalar
	type pair struct {
		name         string
		ours, theirs func()
	}
	pairs := []pair{
		{"ScalarBaseMult", func() { p.ScalarBaseMult(k); _, _ = p.Bytes() },
			func() { secp256k1.ScalarBaseMultNonConst(&k.s, &j); j.ToAffine() }},
		{"ScalarMult", func() { p.ScalarMult(k, q); _, _ = p.Bytes() },
			func() { secp256k1.ScalarMultNonConst(&k.s, &qj, &j); j.ToAffine() }},
		{"VarTimeDoubleScalarBaseMult", func() { p.VarTimeDoubleScalarBaseMult(k, k2, q); _, _ = p.Bytes() },
			func() {
				var ag, bq secp256k1.JacobianPoint
				secp256k1.ScalarBaseMultNonConst(&k.s, &ag)
				secp256k1.ScalarMultNonConst(&k2.s, &qj, &bq)
				secp256k1.AddNonConst(&ag, &bq, &j)
				j.ToAffine()
			}},
		{"ScalarInvert vs decred NonConst", func() { inv.Invert(k) }, func() { dinv.InverseValNonConst(&k.s) }},
		{"FieldMul vs decred", func() { fa.mul(&fa, &fb) }, func() { da.Mul(&db) }},
	}
	for _, pr := range pairs {
		var o, d time.Duration = 1 << 62, 1 << 62
		n := 20
		if pr.name[0] == 'F' {
			n = 20000
		}
		for round := 0; round < 30; round++ {
			o = min(o, minTime(3, n, pr.ours))
			d = min(d, minTime(3, n, pr.theirs))
		}
		t.Logf("%-28s ours %10v  ref %10v  ratio %.3f", pr.name, o, d, float64(o)/float64(d))
	}
}
