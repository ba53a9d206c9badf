package secp

import "math/bits"

// mul sets e = a·b mod p: an unrolled 4×4 operand-scanning product
// followed by the reduction 2^256 ≡ 2^32 + 977.
func (e *fieldElement) mul(a, b *fieldElement) *fieldElement {
	a0, a1, a2, a3 := a[0], a[1], a[2], a[3]
	b0, b1, b2, b3 := b[0], b[1], b[2], b[3]
	var hi, lo, c, carry uint64
	var t0, t1, t2, t3, t4, t5, t6, t7 uint64

	t1, t0 = bits.Mul64(a0, b0)
	hi, lo = bits.Mul64(a0, b1)
	t1, c = bits.Add64(t1, lo, 0)
	t2 = hi + c
	hi, lo = bits.Mul64(a0, b2)
	t2, c = bits.Add64(t2, lo, 0)
	t3 = hi + c
	hi, lo = bits.Mul64(a0, b3)
	t3, c = bits.Add64(t3, lo, 0)
	t4 = hi + c

	hi, lo = bits.Mul64(a1, b0)
	t1, c = bits.Add64(t1, lo, 0)
	carry = hi + c
	hi, lo = bits.Mul64(a1, b1)
	lo, c = bits.Add64(lo, carry, 0)
	hi += c
	t2, c = bits.Add64(t2, lo, 0)
	carry = hi + c
	hi, lo = bits.Mul64(a1, b2)
	lo, c = bits.Add64(lo, carry, 0)
	hi += c
	t3, c = bits.Add64(t3, lo, 0)
	carry = hi + c
	hi, lo = bits.Mul64(a1, b3)
	lo, c = bits.Add64(lo, carry, 0)
	hi += c
	t4, c = bits.Add64(t4, lo, 0)
	t5 = hi + c

	hi, lo = bits.Mul64(a2, b0)
	t2, c = bits.Add64(t2, lo, 0)
	carry = hi + c
	hi, lo = bits.Mul64(a2, b1)
	lo, c = bits.Add64(lo, carry, 0)
	hi += c
	t3, c = bits.Add64(t3, lo, 0)
	carry = hi + c
	hi, lo = bits.Mul64(a2, b2)
	lo, c = bits.Add64(lo, carry, 0)
	hi += c
	t4, c = bits.Add64(t4, lo, 0)
	carry = hi + c
	hi, lo = bits.Mul64(a2, b3)
	lo, c = bits.Add64(lo, carry, 0)
	hi += c
	t5, c = bits.Add64(t5, lo, 0)
	t6 = hi + c

	hi, lo = bits.Mul64(a3, b0)
	t3, c = bits.Add64(t3, lo, 0)
	carry = hi + c
	hi, lo = bits.Mul64(a3, b1)
	lo, c = bits.Add64(lo, carry, 0)
	hi += c
	t4, c = bits.Add64(t4, lo, 0)
	carry = hi + c
	hi, lo = bits.Mul64(a3, b2)
	lo, c = bits.Add64(lo, carry, 0)
	hi += c
	t5, c = bits.Add64(t5, lo, 0)
	carry = hi + c
	hi, lo = bits.Mul64(a3, b3)
	lo, c = bits.Add64(lo, carry, 0)
	hi += c
	t6, c = bits.Add64(t6, lo, 0)
	t7 = hi + c

	reduce512Vals(e, t0, t1, t2, t3, t4, t5, t6, t7)
	return e
}

// reduce512Vals sets e = t mod p for the 512-bit t = t0 + t1·2^64 + … +
// t7·2^448, fully reduced, in constant time.
func reduce512Vals(e *fieldElement, t0, t1, t2, t3, t4, t5, t6, t7 uint64) {
	h0, l0 := bits.Mul64(t4, fieldC)
	h1, l1 := bits.Mul64(t5, fieldC)
	h2, l2 := bits.Mul64(t6, fieldC)
	h3, l3 := bits.Mul64(t7, fieldC)
	var c uint64
	l1, c = bits.Add64(l1, h0, 0)
	l2, c = bits.Add64(l2, h1, c)
	l3, c = bits.Add64(l3, h2, c)
	top := h3 + c
	r0, c := bits.Add64(t0, l0, 0)
	r1, c := bits.Add64(t1, l1, c)
	r2, c := bits.Add64(t2, l2, c)
	r3, c := bits.Add64(t3, l3, c)
	top += c
	th, tl := bits.Mul64(top, fieldC)
	r0, c = bits.Add64(r0, tl, 0)
	r1, c = bits.Add64(r1, th, c)
	r2, c = bits.Add64(r2, 0, c)
	r3, c = bits.Add64(r3, 0, c)
	// The value is now r + c·2^256. Let s = r + fieldC (mod 2^256) with
	// carry c2. If c = 1, r < 2^68 and the value ≡ r + fieldC = s < p. If
	// c = 0, the value is r, and r ≥ p iff c2 = 1, in which case
	// r − p = s. So the reduced result is s when c|c2, else r.
	s0, c2 := bits.Add64(r0, fieldC, 0)
	s1, c2 := bits.Add64(r1, 0, c2)
	s2, c2 := bits.Add64(r2, 0, c2)
	s3, c2 := bits.Add64(r3, 0, c2)
	m := -(c | c2)
	e[0] = r0 ^ (m & (r0 ^ s0))
	e[1] = r1 ^ (m & (r1 ^ s1))
	e[2] = r2 ^ (m & (r2 ^ s2))
	e[3] = r3 ^ (m & (r3 ^ s3))
}
