package secp

import "math/bits"

// Constant-time scalar inversion in the Montgomery domain. decred's
// ModNScalar multiplies on 32-bit limbs; an exponentiation needs about 310
// multiplications, so Invert uses this dedicated 4×64-bit Montgomery
// multiplication (CIOS) instead, about 5× faster. Only Invert uses it.

// montN holds the limbs of n, little-endian.
var montN = [4]uint64{0xBFD25E8CD0364141, 0xBAAEDCE6AF48A03B, 0xFFFFFFFFFFFFFFFE, 0xFFFFFFFFFFFFFFFF}

const (
	// montNInv is −n^(−1) mod 2^64.
	montNInv = 0x4b0dff665588b13f
)

// montR2 is 2^512 mod n, to enter the Montgomery domain.
var montR2 = limbsFromHex("9d671cd581c69bc5e697f5e45bcd07c6741496c20e7cf878896cf21467d7d140")

// mulAdd returns a·b + c + d as (hi, lo); it cannot overflow 128 bits.
func mulAdd(a, b, c, d uint64) (hi, lo uint64) {
	hi, lo = bits.Mul64(a, b)
	var cc uint64
	lo, cc = bits.Add64(lo, c, 0)
	hi += cc
	lo, cc = bits.Add64(lo, d, 0)
	hi += cc
	return hi, lo
}

// montMul returns a·b·2^(−256) mod n for a, b < n, in constant time
// (coarsely integrated operand scanning with a masked final subtraction).
func montMul(a, b *[4]uint64) [4]uint64 {
	var t [4]uint64
	var t4 uint64
	for i := 0; i < 4; i++ {
		var c uint64
		c, t[0] = mulAdd(a[0], b[i], t[0], 0)
		c, t[1] = mulAdd(a[1], b[i], t[1], c)
		c, t[2] = mulAdd(a[2], b[i], t[2], c)
		c, t[3] = mulAdd(a[3], b[i], t[3], c)
		var t5 uint64
		t4, t5 = bits.Add64(t4, c, 0)

		m := t[0] * montNInv
		c, _ = mulAdd(m, montN[0], t[0], 0)
		c, t[0] = mulAdd(m, montN[1], t[1], c)
		c, t[1] = mulAdd(m, montN[2], t[2], c)
		c, t[2] = mulAdd(m, montN[3], t[3], c)
		var cc uint64
		t[3], cc = bits.Add64(t4, c, 0)
		t4 = t5 + cc
	}
	// t4·2^256 + t < 2n: subtract n unless that borrows.
	var d [4]uint64
	var br uint64
	d[0], br = bits.Sub64(t[0], montN[0], 0)
	d[1], br = bits.Sub64(t[1], montN[1], br)
	d[2], br = bits.Sub64(t[2], montN[2], br)
	d[3], br = bits.Sub64(t[3], montN[3], br)
	_, br = bits.Sub64(t4, 0, br)
	keep := -br // all ones: t < n, keep t
	for i := range t {
		t[i] = d[i] ^ (keep & (t[i] ^ d[i]))
	}
	return t
}

// invertMont returns a^(n−2) mod n for a < n (0 for a = 0) with a fixed
// 4-bit window over the public exponent.
func invertMont(a *[4]uint64) [4]uint64 {
	var table [16][4]uint64 // table[i] = a^i·R
	one := [4]uint64{1}
	table[0] = montMul(&one, &montR2)
	table[1] = montMul(a, &montR2)
	for i := 2; i < 16; i++ {
		table[i] = montMul(&table[i-1], &table[1])
	}
	r := table[nMinus2Nibbles[0]]
	for _, d := range nMinus2Nibbles[1:] {
		r = montMul(&r, &r)
		r = montMul(&r, &r)
		r = montMul(&r, &r)
		r = montMul(&r, &r)
		if d != 0 { // the exponent is public
			r = montMul(&r, &table[d])
		}
	}
	return montMul(&r, &one)
}
