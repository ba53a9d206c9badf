package gf128

import "math/bits"

// Masks selecting the bit positions congruent to r modulo 5 in a 64-bit word.
const (
	m0 = 0x1084210842108421
	m1 = 0x2108421084210842
	m2 = 0x4210842108421084
	m3 = 0x8421084210842108
	m4 = 0x0842108421084210
)

// clmul64 returns the 128-bit carry-less product of x and y as (hi, lo).
//
// It uses integer multiplication with "holes" (the BearSSL idea, extended to a full 64×64
// product): each operand is split into five sparse words whose set bits are 5 positions apart.
// In the integer product of two such words, at most 13 one-bit partial products land on any
// bit position, and a column sum of at most 13 needs only 4 bits, so carries never reach the
// next position of the same residue class modulo 5. The parity of each kept position is thus
// exactly the carry-less product bit. The positions of residue r collect the products
// x_i·y_j with i+j ≡ r (mod 5) and are masked out of their XOR.
//
// There are no branches and no memory accesses indexed by data; bits.Mul64 is a single
// constant-time multiply instruction on amd64 and arm64.
func clmul64(x, y uint64) (hi, lo uint64) {
	x0, x1, x2, x3, x4 := x&m0, x&m1, x&m2, x&m3, x&m4
	y0, y1, y2, y3, y4 := y&m0, y&m1, y&m2, y&m3, y&m4

	// Residue 0: x_i·y_j with i+j ≡ 0 (mod 5).
	h0, l0 := bits.Mul64(x0, y0)
	th, tl := bits.Mul64(x1, y4)
	h0 ^= th
	l0 ^= tl
	th, tl = bits.Mul64(x2, y3)
	h0 ^= th
	l0 ^= tl
	th, tl = bits.Mul64(x3, y2)
	h0 ^= th
	l0 ^= tl
	th, tl = bits.Mul64(x4, y1)
	h0 ^= th
	l0 ^= tl

	// Residue 1: x_i·y_j with i+j ≡ 1 (mod 5).
	h1, l1 := bits.Mul64(x0, y1)
	th, tl = bits.Mul64(x1, y0)
	h1 ^= th
	l1 ^= tl
	th, tl = bits.Mul64(x2, y4)
	h1 ^= th
	l1 ^= tl
	th, tl = bits.Mul64(x3, y3)
	h1 ^= th
	l1 ^= tl
	th, tl = bits.Mul64(x4, y2)
	h1 ^= th
	l1 ^= tl

	// Residue 2: x_i·y_j with i+j ≡ 2 (mod 5).
	h2, l2 := bits.Mul64(x0, y2)
	th, tl = bits.Mul64(x1, y1)
	h2 ^= th
	l2 ^= tl
	th, tl = bits.Mul64(x2, y0)
	h2 ^= th
	l2 ^= tl
	th, tl = bits.Mul64(x3, y4)
	h2 ^= th
	l2 ^= tl
	th, tl = bits.Mul64(x4, y3)
	h2 ^= th
	l2 ^= tl

	// Residue 3: x_i·y_j with i+j ≡ 3 (mod 5).
	h3, l3 := bits.Mul64(x0, y3)
	th, tl = bits.Mul64(x1, y2)
	h3 ^= th
	l3 ^= tl
	th, tl = bits.Mul64(x2, y1)
	h3 ^= th
	l3 ^= tl
	th, tl = bits.Mul64(x3, y0)
	h3 ^= th
	l3 ^= tl
	th, tl = bits.Mul64(x4, y4)
	h3 ^= th
	l3 ^= tl

	// Residue 4: x_i·y_j with i+j ≡ 4 (mod 5).
	h4, l4 := bits.Mul64(x0, y4)
	th, tl = bits.Mul64(x1, y3)
	h4 ^= th
	l4 ^= tl
	th, tl = bits.Mul64(x2, y2)
	h4 ^= th
	l4 ^= tl
	th, tl = bits.Mul64(x3, y1)
	h4 ^= th
	l4 ^= tl
	th, tl = bits.Mul64(x4, y0)
	h4 ^= th
	l4 ^= tl

	// In the high word, position 64+k has residue r when k ≡ r+1 (mod 5).
	lo = l0&m0 | l1&m1 | l2&m2 | l3&m3 | l4&m4
	hi = h0&m1 | h1&m2 | h2&m3 | h3&m4 | h4&m0
	return hi, lo
}
