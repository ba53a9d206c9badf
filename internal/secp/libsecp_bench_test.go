//go:build libsecp256k1 && cgo

package secp

import (
	"math/rand/v2"
	"testing"
	"time"
)

// Run with: go test -tags libsecp256k1 -run Libsecp -bench Libsecp -v ./internal/secp/

func libsecpSetup(t testing.TB) (*libsecp, *Scalar, *Point) {
	r := rand.New(rand.NewPCG(42, 43))
	k := randScalar(r)
	q := NewIdentityPoint().ScalarBaseMult(randScalar(r))
	qb, err := q.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	return newLibsecp(&qb), k, q
}

func TestLibsecpAgrees(t *testing.T) {
	l, k, q := libsecpSetup(t)
	kb := k.Bytes()
	got, ok := l.multBytes(&kb)
	if !ok {
		t.Fatal("libsecp256k1 tweak_mul failed")
	}
	want, err := NewIdentityPoint().ScalarMult(k, q).Bytes()
	if err != nil || got != want {
		t.Fatalf("mismatch: %x vs %x", got, want)
	}
}

func BenchmarkLibsecpScalarBaseMult(b *testing.B) {
	l, k, _ := libsecpSetup(b)
	kb := k.Bytes()
	for b.Loop() {
		l.baseMult(&kb)
	}
}

func BenchmarkLibsecpScalarMult(b *testing.B) {
	l, k, _ := libsecpSetup(b)
	kb := k.Bytes()
	for b.Loop() {
		l.mult(&kb)
	}
}

// TestLibsecpRatios prints min-of-batches timings of ours against C.
func TestLibsecpRatios(t *testing.T) {
	l, k, q := libsecpSetup(t)
	kb := k.Bytes()
	var p Point
	for _, pr := range []struct {
		name         string
		ours, theirs func()
	}{
		{"ScalarBaseMult", func() { p.ScalarBaseMult(k); _, _ = p.Bytes() }, func() { l.baseMult(&kb) }},
		{"ScalarMult", func() { p.ScalarMult(k, q); _, _ = p.Bytes() }, func() { l.mult(&kb) }},
	} {
		var o, c time.Duration = 1 << 62, 1 << 62
		for round := 0; round < 30; round++ {
			o = min(o, minTime(3, 20, pr.ours))
			c = min(c, minTime(3, 20, pr.theirs))
		}
		t.Logf("%-16s ours %10v  libsecp256k1 %10v  ratio %.3f", pr.name, o, c, float64(o)/float64(c))
	}
}
