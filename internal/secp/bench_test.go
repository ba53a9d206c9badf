package secp

import (
	"math/rand/v2"
	"testing"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
)

// Benchmarks. Ours include the conversion to affine (Bytes); the decred
// references run the variable-time routines on the same inputs and convert
// to affine too, so the ratios compare like with like.

func benchScalar() *Scalar { return randScalar(rand.New(rand.NewPCG(42, 43))) }

func BenchmarkScalarBaseMult(b *testing.B) {
	k := benchScalar()
	var p Point
	p.ScalarBaseMult(k)
	b.ReportAllocs()
	for b.Loop() {
		p.ScalarBaseMult(k)
		_, _ = p.Bytes()
	}
}

func BenchmarkDecredScalarBaseMultNonConst(b *testing.B) {
	k := benchScalar()
	var j secp256k1.JacobianPoint
	b.ReportAllocs()
	for b.Loop() {
		secp256k1.ScalarBaseMultNonConst(&k.s, &j)
		j.ToAffine()
	}
}

func BenchmarkScalarMult(b *testing.B) {
	k := benchScalar()
	q := NewIdentityPoint().ScalarBaseMult(NewScalar().SetUint64(12345))
	var p Point
	b.ReportAllocs()
	for b.Loop() {
		p.ScalarMult(k, q)
		_, _ = p.Bytes()
	}
}

func BenchmarkDecredScalarMultNonConst(b *testing.B) {
	k := benchScalar()
	q := NewIdentityPoint().ScalarBaseMult(NewScalar().SetUint64(12345))
	qj := q.toDecred()
	qj.ToAffine()
	var j secp256k1.JacobianPoint
	b.ReportAllocs()
	for b.Loop() {
		secp256k1.ScalarMultNonConst(&k.s, &qj, &j)
		j.ToAffine()
	}
}

func BenchmarkVarTimeDoubleScalarBaseMult(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	k1, k2 := randScalar(r), randScalar(r)
	q := NewIdentityPoint().ScalarBaseMult(randScalar(r))
	var p Point
	b.ReportAllocs()
	for b.Loop() {
		p.VarTimeDoubleScalarBaseMult(k1, k2, q)
		_, _ = p.Bytes()
	}
}

func BenchmarkHashToCurve(b *testing.B) {
	msg := []byte("tandem benchmark message")
	dst := []byte(H2CDST)
	b.ReportAllocs()
	for b.Loop() {
		_ = HashToCurve(msg, dst)
	}
}

func BenchmarkScalarInvert(b *testing.B) {
	k := benchScalar()
	var s Scalar
	b.ReportAllocs()
	for b.Loop() {
		s.Invert(k)
	}
}

func BenchmarkFieldMul(b *testing.B) {
	x := feFromHex("7ae96a2b657c07106e64479eac3434e99cf0497512f58995c1396c28719501ee")
	y := x
	b.ReportAllocs()
	for b.Loop() {
		y.mul(&y, &x)
	}
}

func BenchmarkFieldSquare(b *testing.B) {
	x := feFromHex("7ae96a2b657c07106e64479eac3434e99cf0497512f58995c1396c28719501ee")
	b.ReportAllocs()
	for b.Loop() {
		x.square(&x)
	}
}

func BenchmarkDecredFieldMul(b *testing.B) {
	var x, y secp256k1.FieldVal
	xb := hex32("7ae96a2b657c07106e64479eac3434e99cf0497512f58995c1396c28719501ee")
	x.SetBytes(&xb)
	y.Set(&x)
	b.ReportAllocs()
	for b.Loop() {
		y.Mul(&x)
	}
}
