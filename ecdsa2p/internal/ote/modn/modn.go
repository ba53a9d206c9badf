// Package modn is constant-time arithmetic modulo the secp256k1 group order n with 64-bit
// limbs, for the hot loops of the OT extension and the RVOLE (PROTOCOL.md §5–§6): wide
// reduction of PRG output into pads and gadget entries, and sums of many products reduced once
// ([Acc]). The engine's general scalar type stays secp.Scalar; values cross over through
// their 32-byte encodings ([FromSecp], [Scalar.Secp]).
//
// # Constant time
//
// Every function runs in time independent of its operands: math/bits Add64, Sub64 and Mul64
// (single instructions on amd64 and arm64), loops with fixed bounds, and selections by masks.
// There are no branches or memory addresses that depend on a value.
package modn

import (
	"encoding/binary"
	"fmt"
	"log/slog"
	"math/bits"

	"github.com/tandem-mpc/tandem/internal/secp"
)

// Scalar is an integer modulo n in four little-endian 64-bit limbs, always fully reduced
// (< n). The zero value is 0. It may hold a secret and never prints.
type Scalar [4]uint64

// n, little-endian limbs.
const (
	n0 = 0xBFD25E8CD0364141
	n1 = 0xBAAEDCE6AF48A03B
	n2 = 0xFFFFFFFFFFFFFFFE
	n3 = 0xFFFFFFFFFFFFFFFF
)

// c = 2^256 − n = 0x1_4551231950B75FC4_402DA1732FC9BEBF, so 2^256 ≡ c (mod n).
const (
	c0 = 0x402DA1732FC9BEBF
	c1 = 0x4551231950B75FC4
)

// FromWide returns int(b) mod n for a 64-byte big-endian b: wide() of PROTOCOL.md §2.1.
func FromWide(b *[64]byte) Scalar {
	var x [9]uint64
	for i := range 8 {
		x[i] = binary.BigEndian.Uint64(b[56-8*i:])
	}
	return reduce512(&x)
}

// FromCanonical decodes a 32-byte big-endian scalar. ok is 1 if int(b) < n and 0 otherwise;
// when ok is 0 the returned value is unspecified. It runs in constant time.
func FromCanonical(b *[32]byte) (s Scalar, ok int) {
	for i := range 4 {
		s[i] = binary.BigEndian.Uint64(b[24-8*i:])
	}
	_, borrow := sub4(&s, &Scalar{n0, n1, n2, n3})
	return s, int(borrow)
}

// Bytes returns sc(s), the 32-byte big-endian encoding.
func (s *Scalar) Bytes() [32]byte {
	var b [32]byte
	s.PutBytes(&b)
	return b
}

// PutBytes writes sc(s) to b.
func (s *Scalar) PutBytes(b *[32]byte) {
	for i := range 4 {
		binary.BigEndian.PutUint64(b[24-8*i:], s[i])
	}
}

// FromSecp converts a secp.Scalar.
func FromSecp(a *secp.Scalar) Scalar {
	b := a.Bytes()
	s, _ := FromCanonical(&b)
	clear(b[:])
	return s
}

// Secp returns s as a new secp.Scalar.
func (s *Scalar) Secp() *secp.Scalar {
	b := s.Bytes()
	out, err := secp.NewScalar().SetCanonicalBytes(b[:])
	clear(b[:])
	if err != nil {
		panic("modn: internal error: a reduced scalar is not canonical")
	}
	return out
}

// sub4 returns a − b and the borrow (0 or 1).
func sub4(a, b *Scalar) (d Scalar, borrow uint64) {
	d[0], borrow = bits.Sub64(a[0], b[0], 0)
	d[1], borrow = bits.Sub64(a[1], b[1], borrow)
	d[2], borrow = bits.Sub64(a[2], b[2], borrow)
	d[3], borrow = bits.Sub64(a[3], b[3], borrow)
	return d, borrow
}

// Add returns a + b mod n.
func Add(a, b *Scalar) Scalar {
	var s Scalar
	var carry uint64
	s[0], carry = bits.Add64(a[0], b[0], 0)
	s[1], carry = bits.Add64(a[1], b[1], carry)
	s[2], carry = bits.Add64(a[2], b[2], carry)
	s[3], carry = bits.Add64(a[3], b[3], carry)
	return condSubN(&s, carry)
}

// condSubN returns s − n if carry·2^256 + s ≥ n, else s. carry·2^256 + s < 2n.
func condSubN(s *Scalar, carry uint64) Scalar {
	t, borrow := sub4(s, &Scalar{n0, n1, n2, n3})
	// Keep s exactly when the 257-bit value is below n: no carry and a borrow.
	keep := -(borrow &^ carry)
	return Scalar{
		t[0] ^ ((t[0] ^ s[0]) & keep), t[1] ^ ((t[1] ^ s[1]) & keep),
		t[2] ^ ((t[2] ^ s[2]) & keep), t[3] ^ ((t[3] ^ s[3]) & keep),
	}
}

// Sub returns a − b mod n.
func Sub(a, b *Scalar) Scalar {
	d, borrow := sub4(a, b)
	m := -borrow
	var carry uint64
	d[0], carry = bits.Add64(d[0], n0&m, 0)
	d[1], carry = bits.Add64(d[1], n1&m, carry)
	d[2], carry = bits.Add64(d[2], n2&m, carry)
	d[3], _ = bits.Add64(d[3], n3&m, carry)
	return d
}

// Neg returns −a mod n.
func Neg(a *Scalar) Scalar { return Sub(&Scalar{}, a) }

// Mask returns a if bit = 1 and 0 if bit = 0. bit must be 0 or 1.
func Mask(a *Scalar, bit uint64) Scalar {
	m := -bit
	return Scalar{a[0] & m, a[1] & m, a[2] & m, a[3] & m}
}

// Select returns a if bit = 1 and b if bit = 0. bit must be 0 or 1.
func Select(a, b *Scalar, bit uint64) Scalar {
	m := -bit
	return Scalar{
		b[0] ^ ((a[0] ^ b[0]) & m), b[1] ^ ((a[1] ^ b[1]) & m),
		b[2] ^ ((a[2] ^ b[2]) & m), b[3] ^ ((a[3] ^ b[3]) & m),
	}
}

// Equal returns 1 if a = b and 0 otherwise.
func Equal(a, b *Scalar) int {
	d := (a[0] ^ b[0]) | (a[1] ^ b[1]) | (a[2] ^ b[2]) | (a[3] ^ b[3])
	return int(1 ^ ((d | -d) >> 63))
}

// Mul returns a·b mod n.
func Mul(a, b *Scalar) Scalar {
	var acc Acc
	acc.MulAdd(a, b)
	x := [9]uint64(acc)
	return reduce512(&x) // a·b < n² < 2^512
}

// String returns a redacted placeholder.
func (s Scalar) String() string { return "modn.Scalar(REDACTED)" }

// GoString returns a redacted placeholder.
func (s Scalar) GoString() string { return s.String() }

// Format prints a redacted placeholder for every verb.
func (s Scalar) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(s.String())) }

// LogValue implements slog.LogValuer with a redacted placeholder.
func (s Scalar) LogValue() slog.Value { return slog.StringValue("REDACTED") }

// MarshalJSON encodes a redacted placeholder.
func (s Scalar) MarshalJSON() ([]byte, error) { return []byte(`"REDACTED"`), nil }
