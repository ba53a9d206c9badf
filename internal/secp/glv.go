package secp

import (
	"encoding/binary"
	"math/bits"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
)

// GLV endomorphism (Gallant–Lambert–Vanstone 2001): for β a cube root of
// unity mod p and λ the matching cube root of unity mod n,
// λ·(x, y) = (β·x, y). A scalar k is split into k = k1 + k2·λ (mod n) with
// |k1|, |k2| < 2^128 using the short lattice basis
// (a1, b1), (a2, b2) of {(u, v) : u + v·λ ≡ 0 (mod n)}.
//
// The split follows the usual Babai rounding: c1 = round(b2·k / n),
// c2 = round(−b1·k / n), computed as (k·g + 2^383) >> 384 with the public
// constants g1 = round(2^384·b2/n), g2 = round(2^384·(−b1)/n); then
// k1 = k − c1·a1 − c2·a2 and k2 = −c1·b1 − c2·b2. Every step is fixed-width
// limb arithmetic without data-dependent branches.

// glvBeta is β (mod p), the cube root of unity with λ·(x, y) = (β·x, y).
var glvBeta = feFromHex("7ae96a2b657c07106e64479eac3434e99cf0497512f58995c1396c28719501ee")

var (
	glvG1 = limbsFromHex("3086d221a7d46bcde86c90e49284eb153daa8a1471e8ca7fe893209a45dbb031")
	glvG2 = limbsFromHex("e4437ed6010e88286f547fa90abfe4c4221208ac9df506c61571b4ae8ac47f71")

	glvA1      = scalarFromHex("000000000000000000000000000000003086d221a7d46bcde86c90e49284eb15")
	glvA2      = scalarFromHex("0000000000000000000000000000000114ca50f7a8e2f3f657c1108d9d44cfd8")
	glvMinusB1 = scalarFromHex("00000000000000000000000000000000e4437ed6010e88286f547fa90abfe4c3")
	glvB2      = glvA1
)

// hexNibble decodes one hex digit of a package constant.
func hexNibble(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	}
	panic("secp: internal error: bad hex constant")
}

// hex32 decodes a 64-digit hex package constant.
func hex32(h string) [32]byte {
	if len(h) != 64 {
		panic("secp: internal error: bad hex constant length")
	}
	var b [32]byte
	for i := range b {
		b[i] = hexNibble(h[2*i])<<4 | hexNibble(h[2*i+1])
	}
	return b
}

func feFromHex(h string) fieldElement {
	b := hex32(h)
	var e fieldElement
	if e.setBytes(&b) != 1 {
		panic("secp: internal error: non-canonical field constant")
	}
	return e
}

func limbsFromHex(h string) [4]uint64 {
	b := hex32(h)
	return bytesToLimbs(&b)
}

func scalarFromHex(h string) secp256k1.ModNScalar {
	b := hex32(h)
	var s secp256k1.ModNScalar
	if s.SetBytes(&b) != 0 {
		panic("secp: internal error: non-canonical scalar constant")
	}
	return s
}

// bytesToLimbs converts 32 big-endian bytes to little-endian 64-bit limbs.
func bytesToLimbs(b *[32]byte) [4]uint64 {
	return [4]uint64{
		binary.BigEndian.Uint64(b[24:32]),
		binary.BigEndian.Uint64(b[16:24]),
		binary.BigEndian.Uint64(b[8:16]),
		binary.BigEndian.Uint64(b[0:8]),
	}
}

// limbsToBytes converts little-endian 64-bit limbs to 32 big-endian bytes.
func limbsToBytes(l *[4]uint64) [32]byte {
	var b [32]byte
	binary.BigEndian.PutUint64(b[0:8], l[3])
	binary.BigEndian.PutUint64(b[8:16], l[2])
	binary.BigEndian.PutUint64(b[16:24], l[1])
	binary.BigEndian.PutUint64(b[24:32], l[0])
	return b
}

// mulShift384Round returns round(a·b / 2^384) for 256-bit a and b, in
// constant time. The result is below 2^128 + 1 for the GLV constants.
func mulShift384Round(a, b *[4]uint64) [4]uint64 {
	var t [8]uint64
	for i := 0; i < 4; i++ {
		var carry uint64
		for j := 0; j < 4; j++ {
			hi, lo := bits.Mul64(a[i], b[j])
			var c uint64
			lo, c = bits.Add64(lo, carry, 0)
			hi += c
			t[i+j], c = bits.Add64(t[i+j], lo, 0)
			carry = hi + c
		}
		t[i+4] = carry
	}
	// Add 2^383 (bit 63 of limb 5) for rounding, keep limbs 6 and 7.
	_, c := bits.Add64(t[5], 1<<63, 0)
	r0, c := bits.Add64(t[6], 0, c)
	r1, _ := bits.Add64(t[7], 0, c)
	return [4]uint64{r0, r1, 0, 0}
}

// glvSplit splits k into (k1, k2) with k ≡ k1 + k2·λ (mod n), returned as
// non-negative magnitudes below 2^129 together with their signs (1 when the
// component is negative), in constant time.
func glvSplit(k *secp256k1.ModNScalar) (k1, k2 [4]uint64, neg1, neg2 int) {
	kb := k.Bytes()
	kl := bytesToLimbs(&kb)
	c1l := mulShift384Round(&kl, &glvG1)
	c2l := mulShift384Round(&kl, &glvG2)
	c1b, c2b := limbsToBytes(&c1l), limbsToBytes(&c2l)
	var c1, c2, s1, s2, t secp256k1.ModNScalar
	c1.SetBytes(&c1b)
	c2.SetBytes(&c2b)

	// s1 = k − c1·a1 − c2·a2
	t.Mul2(&c1, &glvA1)
	s1.Mul2(&c2, &glvA2).Add(&t).Negate().Add(k)
	// s2 = c1·(−b1) − c2·b2
	t.Mul2(&c2, &glvB2).Negate()
	s2.Mul2(&c1, &glvMinusB1).Add(&t)

	var sc1, sc2 Scalar
	sc1.s, sc2.s = s1, s2
	neg1, neg2 = sc1.isHighBit(), sc2.isHighBit()
	var n1, n2 Scalar
	n1.Negate(&sc1)
	n2.Negate(&sc2)
	sc1.Select(&n1, &sc1, neg1)
	sc2.Select(&n2, &sc2, neg2)
	b1, b2 := sc1.s.Bytes(), sc2.s.Bytes()
	return bytesToLimbs(&b1), bytesToLimbs(&b2), neg1, neg2
}
