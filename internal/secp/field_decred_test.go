package secp

import (
	"math/rand/v2"
	"testing"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
)

func feToDecred(e *fieldElement) *secp256k1.FieldVal {
	b := e.bytes()
	var f secp256k1.FieldVal
	f.SetBytes(&b)
	return &f
}

// TestFieldAgainstDecredFieldVal differential-tests the pure-Go field against decred's
// constant-time FieldVal (the reference for a replacement field) on random and edge
// values: add, sub, neg, mul, square, invert and square root.
func TestFieldAgainstDecredFieldVal(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	vals := randomFieldValues(r, 2000)
	check := func(op string, i int, got *fieldElement, want *secp256k1.FieldVal) {
		t.Helper()
		want.Normalize()
		g := got.bytes()
		if w := want.Bytes(); g != *w {
			t.Fatalf("%s #%d: got %x, want %x", op, i, g, *w)
		}
	}
	for i, a := range vals {
		b := vals[(i*13+5)%len(vals)]
		fa, fb := feFromBig(a), feFromBig(b)
		da, db := feToDecred(&fa), feToDecred(&fb)
		var got fieldElement

		check("add", i, got.add(&fa, &fb), new(secp256k1.FieldVal).Add2(da, db))
		check("sub", i, got.sub(&fa, &fb), new(secp256k1.FieldVal).NegateVal(db, 1).Add(da))
		check("neg", i, got.neg(&fa), new(secp256k1.FieldVal).NegateVal(da, 1))
		check("mul", i, got.mul(&fa, &fb), new(secp256k1.FieldVal).Mul2(da, db))
		check("square", i, got.square(&fa), new(secp256k1.FieldVal).SquareVal(da))
		if fa.isZero() == 0 {
			check("invert", i, got.invert(&fa), new(secp256k1.FieldVal).Set(da).Inverse())
		}
		var root secp256k1.FieldVal
		wantOK := root.SquareRootVal(da)
		if gotOK := got.sqrt(&fa) == 1; gotOK != wantOK {
			t.Fatalf("sqrt #%d: square = %v, decred says %v", i, gotOK, wantOK)
		} else if gotOK {
			// Either root is valid; compare up to sign.
			var neg secp256k1.FieldVal
			neg.NegateVal(&root, 1).Normalize()
			root.Normalize()
			g := got.bytes()
			if g != *root.Bytes() && g != *neg.Bytes() {
				t.Fatalf("sqrt #%d: got %x, want ±%x", i, g, *root.Bytes())
			}
		}
	}
}
