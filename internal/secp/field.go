package secp

import (
	"crypto/subtle"
	"encoding/binary"
	"math/bits"
)

// fieldElement is an element of GF(p), p = 2^256 − 2^32 − 977, held as four
// little-endian 64-bit limbs. Every operation returns a fully reduced value
// (< p), so equality, encoding and parity need no normalisation step. All
// operations run in time independent of the values (math/bits intrinsics
// only, no data-dependent branches or table indices).
//
// The zero value is 0.
type fieldElement [4]uint64

// fieldC is 2^256 mod p = 2^32 + 977.
const fieldC = 0x1000003D1

// fieldP holds the limbs of p.
var fieldP = fieldElement{0xFFFFFFFEFFFFFC2F, 0xFFFFFFFFFFFFFFFF, 0xFFFFFFFFFFFFFFFF, 0xFFFFFFFFFFFFFFFF}

// reduceOnce maps a value v < 2^256 to v mod p, assuming v < 2p (always true
// for a 256-bit value since 2^256 < 2p).
func (e *fieldElement) reduceOnce() {
	// t = v + c; a carry out means v ≥ p and t (mod 2^256) = v − p.
	t0, c := bits.Add64(e[0], fieldC, 0)
	t1, c := bits.Add64(e[1], 0, c)
	t2, c := bits.Add64(e[2], 0, c)
	t3, c := bits.Add64(e[3], 0, c)
	m := -c
	e[0] ^= m & (e[0] ^ t0)
	e[1] ^= m & (e[1] ^ t1)
	e[2] ^= m & (e[2] ^ t2)
	e[3] ^= m & (e[3] ^ t3)
}

// setBytes sets e to the 32-byte big-endian value b reduced mod p and reports
// (as 1/0) whether b was already < p. Constant time.
func (e *fieldElement) setBytes(b *[32]byte) int {
	e[3] = binary.BigEndian.Uint64(b[0:8])
	e[2] = binary.BigEndian.Uint64(b[8:16])
	e[1] = binary.BigEndian.Uint64(b[16:24])
	e[0] = binary.BigEndian.Uint64(b[24:32])
	// canonical iff v − p borrows.
	_, br := bits.Sub64(e[0], fieldP[0], 0)
	_, br = bits.Sub64(e[1], fieldP[1], br)
	_, br = bits.Sub64(e[2], fieldP[2], br)
	_, br = bits.Sub64(e[3], fieldP[3], br)
	e.reduceOnce()
	return int(br)
}

// bytes returns the 32-byte big-endian encoding of e.
func (e *fieldElement) bytes() [32]byte {
	var b [32]byte
	binary.BigEndian.PutUint64(b[0:8], e[3])
	binary.BigEndian.PutUint64(b[8:16], e[2])
	binary.BigEndian.PutUint64(b[16:24], e[1])
	binary.BigEndian.PutUint64(b[24:32], e[0])
	return b
}

// setUint64 sets e = v.
func (e *fieldElement) setUint64(v uint64) *fieldElement {
	*e = fieldElement{v, 0, 0, 0}
	return e
}

// isZero returns 1 if e = 0 and 0 otherwise, in constant time.
func (e *fieldElement) isZero() int {
	v := e[0] | e[1] | e[2] | e[3]
	return int(1 ^ ((v | -v) >> 63))
}

// equal returns 1 if e = a and 0 otherwise, in constant time.
func (e *fieldElement) equal(a *fieldElement) int {
	v := (e[0] ^ a[0]) | (e[1] ^ a[1]) | (e[2] ^ a[2]) | (e[3] ^ a[3])
	return int(1 ^ ((v | -v) >> 63))
}

// isOdd returns the low bit of e (sgn0 of RFC 9380 for this field).
func (e *fieldElement) isOdd() int { return int(e[0] & 1) }

// selectFe sets e = a if cond == 1 and e = b if cond == 0, in constant time.
func (e *fieldElement) selectFe(a, b *fieldElement, cond int) *fieldElement {
	m := -uint64(cond & 1)
	e[0] = b[0] ^ (m & (a[0] ^ b[0]))
	e[1] = b[1] ^ (m & (a[1] ^ b[1]))
	e[2] = b[2] ^ (m & (a[2] ^ b[2]))
	e[3] = b[3] ^ (m & (a[3] ^ b[3]))
	return e
}

// add sets e = a + b mod p.
//
// It computes t = a + b + fieldC = a + b − p + 2^256. Since a + b < 2p, at
// most one of the two carry chains overflows, and it does iff a + b ≥ p, in
// which case t mod 2^256 is the result; otherwise the result is t − fieldC,
// which cannot borrow.
func (e *fieldElement) add(a, b *fieldElement) *fieldElement {
	t0, c := bits.Add64(a[0], b[0], 0)
	t1, c := bits.Add64(a[1], b[1], c)
	t2, c := bits.Add64(a[2], b[2], c)
	t3, c1 := bits.Add64(a[3], b[3], c)
	t0, c = bits.Add64(t0, fieldC, 0)
	t1, c = bits.Add64(t1, 0, c)
	t2, c = bits.Add64(t2, 0, c)
	t3, c2 := bits.Add64(t3, 0, c)
	k := ((c1 | c2) - 1) & fieldC
	e[0], c = bits.Sub64(t0, k, 0)
	e[1], c = bits.Sub64(t1, 0, c)
	e[2], c = bits.Sub64(t2, 0, c)
	e[3], _ = bits.Sub64(t3, 0, c)
	return e
}

// sub sets e = a − b mod p.
func (e *fieldElement) sub(a, b *fieldElement) *fieldElement {
	d0, br := bits.Sub64(a[0], b[0], 0)
	d1, br := bits.Sub64(a[1], b[1], br)
	d2, br := bits.Sub64(a[2], b[2], br)
	d3, br := bits.Sub64(a[3], b[3], br)
	// On borrow, d = a − b + 2^256; the result is d − 2^256 + p = d − fieldC,
	// and d ≥ 2^256 − p + 1 > fieldC, so this cannot borrow again.
	k := -br & fieldC
	e[0], br = bits.Sub64(d0, k, 0)
	e[1], br = bits.Sub64(d1, 0, br)
	e[2], br = bits.Sub64(d2, 0, br)
	e[3], _ = bits.Sub64(d3, 0, br)
	return e
}

// neg sets e = −a mod p.
func (e *fieldElement) neg(a *fieldElement) *fieldElement {
	var zero fieldElement
	return e.sub(&zero, a)
}

// double sets e = 2a mod p.
func (e *fieldElement) double(a *fieldElement) *fieldElement { return e.add(a, a) }

// square sets e = a² mod p: the six cross products once, doubled, plus the
// four squares, then the same reduction as mul.
func (e *fieldElement) square(a *fieldElement) *fieldElement {
	a0, a1, a2, a3 := a[0], a[1], a[2], a[3]
	var hi, lo, c, h2, l2 uint64
	var t1, t2, t3, t4, t5, t6, t7 uint64

	// Cross products a_i·a_j, i < j.
	t2, t1 = bits.Mul64(a0, a1)
	hi, lo = bits.Mul64(a0, a2)
	t2, c = bits.Add64(t2, lo, 0)
	t3 = hi + c
	hi, lo = bits.Mul64(a0, a3)
	t3, c = bits.Add64(t3, lo, 0)
	t4 = hi + c
	hi, lo = bits.Mul64(a1, a2)
	t3, c = bits.Add64(t3, lo, 0)
	hi += c
	h2, l2 = bits.Mul64(a1, a3)
	l2, c = bits.Add64(l2, hi, 0)
	h2 += c
	t4, c = bits.Add64(t4, l2, 0)
	t5 = h2 + c
	hi, lo = bits.Mul64(a2, a3)
	t5, c = bits.Add64(t5, lo, 0)
	t6 = hi + c

	// Double them.
	t7 = t6 >> 63
	t6 = t6<<1 | t5>>63
	t5 = t5<<1 | t4>>63
	t4 = t4<<1 | t3>>63
	t3 = t3<<1 | t2>>63
	t2 = t2<<1 | t1>>63
	t1 <<= 1

	// Add the squares a_i².
	hi, t0 := bits.Mul64(a0, a0)
	t1, c = bits.Add64(t1, hi, 0)
	hi, lo = bits.Mul64(a1, a1)
	t2, c = bits.Add64(t2, lo, c)
	t3, c = bits.Add64(t3, hi, c)
	hi, lo = bits.Mul64(a2, a2)
	t4, c = bits.Add64(t4, lo, c)
	t5, c = bits.Add64(t5, hi, c)
	hi, lo = bits.Mul64(a3, a3)
	t6, c = bits.Add64(t6, lo, c)
	t7, _ = bits.Add64(t7, hi, c) // a² < 2^512: no carry out

	reduce512Vals(e, t0, t1, t2, t3, t4, t5, t6, t7)
	return e
}

// mulSmall sets e = a·k mod p for a small constant k < 2^31.
func (e *fieldElement) mulSmall(a *fieldElement, k uint64) *fieldElement {
	h0, l0 := bits.Mul64(a[0], k)
	h1, l1 := bits.Mul64(a[1], k)
	h2, l2 := bits.Mul64(a[2], k)
	h3, l3 := bits.Mul64(a[3], k)
	var c uint64
	l1, c = bits.Add64(l1, h0, 0)
	l2, c = bits.Add64(l2, h1, c)
	l3, c = bits.Add64(l3, h2, c)
	top := h3 + c // < 2^31
	th, tl := bits.Mul64(top, fieldC)
	l0, c = bits.Add64(l0, tl, 0)
	l1, c = bits.Add64(l1, th, c)
	l2, c = bits.Add64(l2, 0, c)
	l3, c = bits.Add64(l3, 0, c)
	l0, c = bits.Add64(l0, -c&fieldC, 0)
	l1, c = bits.Add64(l1, 0, c)
	l2, c = bits.Add64(l2, 0, c)
	l3, _ = bits.Add64(l3, 0, c)
	*e = fieldElement{l0, l1, l2, l3}
	e.reduceOnce()
	return e
}

// sqrN sets e = a^(2^n).
func (e *fieldElement) sqrN(a *fieldElement, n int) *fieldElement {
	e.square(a)
	for i := 1; i < n; i++ {
		e.square(e)
	}
	return e
}

// powChain223 returns a^(2^223 − 1) and a^(2^22 − 1), a^(2^2 − 1): the shared
// prefix of the addition chains for p−2, (p+1)/4 and (p−3)/4, whose binary
// expansions all start with 223 ones, a zero and 22 ones.
func powChain223(a *fieldElement) (x223, x22, x2 fieldElement) {
	var x3, x6, x9, x11, x44, x88, x176, x220, t fieldElement
	x2.mul(t.square(a), a)
	x3.mul(t.square(&x2), a)
	x6.mul(t.sqrN(&x3, 3), &x3)
	x9.mul(t.sqrN(&x6, 3), &x3)
	x11.mul(t.sqrN(&x9, 2), &x2)
	x22.mul(t.sqrN(&x11, 11), &x11)
	x44.mul(t.sqrN(&x22, 22), &x22)
	x88.mul(t.sqrN(&x44, 44), &x44)
	x176.mul(t.sqrN(&x88, 88), &x88)
	x220.mul(t.sqrN(&x176, 44), &x44)
	x223.mul(t.sqrN(&x220, 3), &x3)
	return x223, x22, x2
}

// invert sets e = a^(p−2) = 1/a (and 0 for a = 0), in constant time.
//
// p − 2 = [223 ones] 0 [22 ones] 0000 1 0 11 0 1.
func (e *fieldElement) invert(a *fieldElement) *fieldElement {
	x223, x22, x2 := powChain223(a)
	var t fieldElement
	t.mul(t.sqrN(&x223, 23), &x22)
	t.mul(t.sqrN(&t, 5), a)
	t.mul(t.sqrN(&t, 3), &x2)
	t.mul(t.sqrN(&t, 2), a)
	*e = t
	return e
}

// powPm3d4 sets e = a^((p−3)/4), the exponent of RFC 9380's sqrt_ratio for
// p ≡ 3 (mod 4). (p−3)/4 = [223 ones] 0 [22 ones] 0000 1 011.
func (e *fieldElement) powPm3d4(a *fieldElement) *fieldElement {
	x223, x22, x2 := powChain223(a)
	var t fieldElement
	t.mul(t.sqrN(&x223, 23), &x22)
	t.mul(t.sqrN(&t, 5), a)
	t.mul(t.sqrN(&t, 3), &x2)
	*e = t
	return e
}

// sqrt sets e to a candidate square root a^((p+1)/4) of a and returns 1 if it
// is a square root (a is a square), 0 otherwise. Constant time.
// (p+1)/4 = [223 ones] 0 [22 ones] 0000 11 00.
func (e *fieldElement) sqrt(a *fieldElement) int {
	x223, x22, x2 := powChain223(a)
	var t, chk fieldElement
	t.mul(t.sqrN(&x223, 23), &x22)
	t.mul(t.sqrN(&t, 6), &x2)
	t.sqrN(&t, 2)
	ok := chk.square(&t).equal(a)
	*e = t
	return ok
}

// feEqualBytes compares two 32-byte encodings in constant time.
func feEqualBytes(a, b *[32]byte) int { return subtle.ConstantTimeCompare(a[:], b[:]) }
