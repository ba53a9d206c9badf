package gf128

import (
	"crypto/subtle"
	"encoding/binary"
	"errors"
)

// Size is the length in bytes of an encoded element.
const Size = 16

// ErrLength is returned when decoding a byte string that is not exactly [Size] bytes long.
var ErrLength = errors.New("gf128: element encoding is not 16 bytes")

// ErrLengthMismatch is returned by [InnerProduct] for vectors of different lengths.
var ErrLengthMismatch = errors.New("gf128: vectors of different lengths")

// Element is an element of GF(2^128) = GF(2)[X]/(X^128 + X^7 + X^2 + X + 1). Element[0] holds
// the coefficients of X^0..X^63 (bit i is the coefficient of X^i) and Element[1] those of
// X^64..X^127. The zero value is the zero element.
type Element [2]uint64

// FromBytes decodes the 16-byte encoding of PROTOCOL.md §2.10: the coefficient of X^i is bit
// i of b, LSB-first within bytes and bytes in increasing degree. This is not the bit-reflected
// GHASH convention. Every 16-byte string is a valid encoding.
func FromBytes(b *[Size]byte) Element {
	return Element{binary.LittleEndian.Uint64(b[0:8]), binary.LittleEndian.Uint64(b[8:16])}
}

// SetBytes decodes b like [FromBytes], and fails unless len(b) == 16.
func SetBytes(b []byte) (Element, error) {
	if len(b) != Size {
		return Element{}, ErrLength
	}
	return FromBytes((*[Size]byte)(b)), nil
}

// Bytes returns the 16-byte encoding of e.
func (e Element) Bytes() [Size]byte {
	var b [Size]byte
	binary.LittleEndian.PutUint64(b[0:8], e[0])
	binary.LittleEndian.PutUint64(b[8:16], e[1])
	return b
}

// AppendBytes appends the 16-byte encoding of e to dst.
func (e Element) AppendBytes(dst []byte) []byte {
	dst = binary.LittleEndian.AppendUint64(dst, e[0])
	return binary.LittleEndian.AppendUint64(dst, e[1])
}

// Add returns a + b (XOR).
func Add(a, b Element) Element { return Element{a[0] ^ b[0], a[1] ^ b[1]} }

// Equal returns 1 if e == f and 0 otherwise, in constant time.
func (e Element) Equal(f Element) int {
	d := (e[0] ^ f[0]) | (e[1] ^ f[1])
	return subtle.ConstantTimeEq(int32(uint32(d)|uint32(d>>32)), 0)
}

// Mask returns e if bit == 1 and zero if bit == 0, in constant time. bit must be 0 or 1.
func (e Element) Mask(bit uint64) Element {
	m := -bit
	return Element{e[0] & m, e[1] & m}
}

// Mul returns a · b. It runs in constant time (see the package documentation).
func Mul(a, b Element) Element {
	if useAsm {
		var z [4]uint64
		mulAsm(&z, &a, &b)
		return reduce(z[0], z[1], z[2], z[3])
	}
	z0, z1, z2, z3 := mul256(a, b)
	return reduce(z0, z1, z2, z3)
}

// mul256 returns the unreduced 255-bit product a·b (z0 lowest), using one level of Karatsuba
// over 64-bit halves.
func mul256(a, b Element) (z0, z1, z2, z3 uint64) {
	lh, ll := clmul64(a[0], b[0])
	hh, hl := clmul64(a[1], b[1])
	mh, ml := clmul64(a[0]^a[1], b[0]^b[1])
	mh ^= lh ^ hh
	ml ^= ll ^ hl
	return ll, lh ^ ml, hl ^ mh, hh
}

// reduce returns z mod X^128 + X^7 + X^2 + X + 1, using X^128 ≡ X^7 + X^2 + X + 1.
func reduce(z0, z1, h0, h1 uint64) Element {
	// T = (h1:h0)·(1 + X + X^2 + X^7): at most 135 bits, t2 holds bits 128..134.
	t0 := h0 ^ h0<<1 ^ h0<<2 ^ h0<<7
	t1 := h1 ^ (h1<<1 | h0>>63) ^ (h1<<2 | h0>>62) ^ (h1<<7 | h0>>57)
	t2 := h1>>63 ^ h1>>62 ^ h1>>57
	// Fold t2·X^128 once more; t2 < 2^7, so the result fits in the low word.
	t0 ^= t2 ^ t2<<1 ^ t2<<2 ^ t2<<7
	return Element{z0 ^ t0, z1 ^ t1}
}

// An Accumulator computes sums of products Σ a_k·b_k with one reduction at the end. The
// OT-extension check (PROTOCOL.md §5) folds each row with four products plus one addend. The
// zero value is the zero sum.
type Accumulator struct {
	z [4]uint64
}

// MulAdd adds a·b to the sum.
func (acc *Accumulator) MulAdd(a, b Element) {
	if useAsm {
		mulAsm(&acc.z, &a, &b)
		return
	}
	z0, z1, z2, z3 := mul256(a, b)
	acc.z[0] ^= z0
	acc.z[1] ^= z1
	acc.z[2] ^= z2
	acc.z[3] ^= z3
}

// Add adds a to the sum.
func (acc *Accumulator) Add(a Element) {
	acc.z[0] ^= a[0]
	acc.z[1] ^= a[1]
}

// Sum returns the reduced sum. It does not change the accumulator.
func (acc *Accumulator) Sum() Element { return reduce(acc.z[0], acc.z[1], acc.z[2], acc.z[3]) }

// Reset sets the sum to zero.
func (acc *Accumulator) Reset() { acc.z = [4]uint64{} }

// InnerProduct returns Σ a[k]·b[k] with a single reduction. It fails with
// [ErrLengthMismatch] if the slices differ in length.
func InnerProduct(a, b []Element) (Element, error) {
	if len(a) != len(b) {
		return Element{}, ErrLengthMismatch
	}
	var acc Accumulator
	for k := range a {
		acc.MulAdd(a[k], b[k])
	}
	return acc.Sum(), nil
}
