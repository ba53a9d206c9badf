package secp

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
)

// Errors returned by the decoders of this package.
var (
	// ErrInvalidLength is returned when an encoding has the wrong length.
	ErrInvalidLength = errors.New("secp: invalid encoding length")
	// ErrNonCanonicalScalar is returned for a 32-byte scalar encoding ≥ n.
	ErrNonCanonicalScalar = errors.New("secp: non-canonical scalar encoding")
	// ErrInvalidPoint is returned for a point encoding that is malformed or
	// not on the curve.
	ErrInvalidPoint = errors.New("secp: invalid point encoding")
	// ErrIdentity is returned when the identity would have to be encoded or
	// reduced to an affine coordinate; it has no encoding (PROTOCOL.md §2.2).
	ErrIdentity = errors.New("secp: the identity has no encoding")
)

// redacted is what every formatting method of a secret-capable type prints.
const redacted = "REDACTED"

// Scalar is an integer modulo the group order n. The zero value is 0.
//
// A Scalar may hold a secret: all methods run in constant time unless their
// name or documentation says otherwise, and the formatting methods never print
// the value. Methods set the receiver and return it, so calls chain
// (edwards25519 style); arguments may alias the receiver.
type Scalar struct {
	s secp256k1.ModNScalar
}

// NewScalar returns a new Scalar set to 0.
func NewScalar() *Scalar { return &Scalar{} }

// Set sets s = a and returns s.
func (s *Scalar) Set(a *Scalar) *Scalar {
	s.s.Set(&a.s)
	return s
}

// SetUint64 sets s = v mod n and returns s.
func (s *Scalar) SetUint64(v uint64) *Scalar {
	var b [32]byte
	for i := 0; i < 8; i++ {
		b[31-i] = byte(v >> (8 * i))
	}
	s.s.SetBytes(&b)
	return s
}

// SetCanonicalBytes sets s to the 32-byte big-endian encoding b (sc() of
// PROTOCOL.md §2.2). It returns ErrInvalidLength unless len(b) == 32 and
// ErrNonCanonicalScalar if int(b) ≥ n; on error s is unchanged. The check runs
// in constant time except for the returned error itself.
func (s *Scalar) SetCanonicalBytes(b []byte) (*Scalar, error) {
	if len(b) != 32 {
		return nil, ErrInvalidLength
	}
	var buf [32]byte
	copy(buf[:], b)
	var t secp256k1.ModNScalar
	if t.SetBytes(&buf) != 0 {
		return nil, ErrNonCanonicalScalar
	}
	s.s = t
	return s, nil
}

// SetBytesReduce32 sets s = int(b) mod n for a 32-byte big-endian b, in
// constant time. Use it to turn a message digest into the ECDSA "e" value; it
// never fails on content (only on length, with ErrInvalidLength, leaving s
// unchanged).
func (s *Scalar) SetBytesReduce32(b []byte) (*Scalar, error) {
	if len(b) != 32 {
		return nil, ErrInvalidLength
	}
	var buf [32]byte
	copy(buf[:], b)
	s.s.SetBytes(&buf)
	return s, nil
}

// twoTo256ModN is 2^256 mod n = 2^256 − n.
var twoTo256ModN = scalarFromHex("000000000000000000000000000000014551231950b75fc4402da1732fc9bebf")

// SetWideBytes sets s = int(b) mod n for a 64-byte big-endian b (wide() of
// PROTOCOL.md §2.1), in constant time. It returns ErrInvalidLength unless
// len(b) == 64, leaving s unchanged.
func (s *Scalar) SetWideBytes(b []byte) (*Scalar, error) {
	if len(b) != 64 {
		return nil, ErrInvalidLength
	}
	var hiB, loB [32]byte
	copy(hiB[:], b[:32])
	copy(loB[:], b[32:])
	var hi, lo secp256k1.ModNScalar
	hi.SetBytes(&hiB) // hi mod n
	lo.SetBytes(&loB) // lo mod n
	hi.Mul(&twoTo256ModN)
	s.s.Add2(&hi, &lo)
	return s, nil
}

// Bytes returns sc(s): the 32-byte big-endian encoding of s. For a secret
// scalar the result is secret.
func (s *Scalar) Bytes() [32]byte { return s.s.Bytes() }

// Add sets s = a + b and returns s.
func (s *Scalar) Add(a, b *Scalar) *Scalar {
	s.s.Add2(&a.s, &b.s)
	return s
}

// Sub sets s = a − b and returns s.
func (s *Scalar) Sub(a, b *Scalar) *Scalar {
	var nb secp256k1.ModNScalar
	nb.NegateVal(&b.s)
	s.s.Add2(&a.s, &nb)
	return s
}

// Mul sets s = a·b and returns s.
func (s *Scalar) Mul(a, b *Scalar) *Scalar {
	s.s.Mul2(&a.s, &b.s)
	return s
}

// Square sets s = a² and returns s.
func (s *Scalar) Square(a *Scalar) *Scalar {
	s.s.SquareVal(&a.s)
	return s
}

// Negate sets s = −a and returns s.
func (s *Scalar) Negate(a *Scalar) *Scalar {
	s.s.NegateVal(&a.s)
	return s
}

// nMinus2Nibbles are the 64 hex digits of n − 2, most significant first.
var nMinus2Nibbles = func() [64]byte {
	const h = "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd036413f"
	var d [64]byte
	for i := range h {
		c := h[i]
		if c >= 'a' {
			d[i] = c - 'a' + 10
		} else {
			d[i] = c - '0'
		}
	}
	return d
}()

// Invert sets s = 1/a (and 0 for a = 0) and returns s. It computes a^(n−2)
// with a fixed 4-bit window over the public exponent, in the Montgomery
// domain (scalarinv.go), so its running time does not depend on a.
func (s *Scalar) Invert(a *Scalar) *Scalar {
	b := a.s.Bytes()
	l := bytesToLimbs(&b)
	r := invertMont(&l)
	rb := limbsToBytes(&r)
	s.s.SetBytes(&rb)
	return s
}

// Equal returns 1 if s = a and 0 otherwise, in constant time.
func (s *Scalar) Equal(a *Scalar) int {
	x, y := s.s.Bytes(), a.s.Bytes()
	return subtle.ConstantTimeCompare(x[:], y[:])
}

// IsZero returns 1 if s = 0 and 0 otherwise, in constant time.
func (s *Scalar) IsZero() int { return int(s.s.IsZeroBit()) }

// Select sets s = a if cond == 1 and s = b if cond == 0, in constant time.
func (s *Scalar) Select(a, b *Scalar, cond int) *Scalar {
	x, y := a.s.Bytes(), b.s.Bytes()
	subtle.ConstantTimeCopy(cond&1, y[:], x[:])
	s.s.SetBytes(&y)
	return s
}

// IsHigh reports whether s > (n−1)/2. decred computes it in constant time, but
// it returns a bool and is meant for public low-s and recovery-id logic only.
func (s *Scalar) IsHigh() bool { return s.s.IsOverHalfOrder() }

// isHighBit is IsHigh as a constant-time 0/1 int for secret-dependent use.
func (s *Scalar) isHighBit() int {
	// (n−1)/2 − s borrows iff s > (n−1)/2.
	b := s.s.Bytes()
	var br uint64
	for i := 31; i >= 0; i-- {
		d := uint64(halfOrder[i]) - uint64(b[i]) - br
		br = (d >> 63) & 1
	}
	return int(br)
}

// halfOrder is (n−1)/2, big-endian.
var halfOrder = [32]byte{
	0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0x5d, 0x57, 0x6e, 0x73, 0x57, 0xa4, 0x50, 0x1d, 0xdf, 0xe9, 0x2f, 0x46, 0x68, 0x1b, 0x20, 0xa0,
}

// String returns a redacted placeholder: a Scalar may hold a secret.
func (s Scalar) String() string { return "secp.Scalar(" + redacted + ")" }

// GoString returns a redacted placeholder.
func (s Scalar) GoString() string { return s.String() }

// Format prints a redacted placeholder for every verb.
func (s Scalar) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(s.String())) }

// LogValue implements slog.LogValuer with a redacted placeholder.
func (s Scalar) LogValue() slog.Value { return slog.StringValue(redacted) }

// toDecred returns the underlying decred scalar (package-internal interop).
func (s *Scalar) toDecred() *secp256k1.ModNScalar { return &s.s }
