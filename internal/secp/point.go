package secp

import (
	"fmt"
	"log/slog"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
)

// Point is a point of the secp256k1 group. The zero value is the identity.
//
// Points are held in projective coordinates and every arithmetic method runs
// in constant time (complete formulas, masked table lookups) unless its name
// starts with VarTime. A Point may be secret (a Diffie–Hellman value), so the
// formatting methods never print it. Methods set the receiver and return it;
// arguments may alias the receiver.
type Point struct {
	p projPoint
	// set is false only for a zero-value Point, which means the identity.
	// It records whether the Point was ever written, which is public.
	set bool
}

var identityProj = projPoint{y: fieldElement{1}}

// generatorAffine is G in affine coordinates.
var generatorAffine = func() affinePoint {
	var g affinePoint
	x := [32]byte{0x79, 0xbe, 0x66, 0x7e, 0xf9, 0xdc, 0xbb, 0xac, 0x55, 0xa0, 0x62, 0x95, 0xce, 0x87, 0x0b, 0x07,
		0x02, 0x9b, 0xfc, 0xdb, 0x2d, 0xce, 0x28, 0xd9, 0x59, 0xf2, 0x81, 0x5b, 0x16, 0xf8, 0x17, 0x98}
	y := [32]byte{0x48, 0x3a, 0xda, 0x77, 0x26, 0xa3, 0xc4, 0x65, 0x5d, 0xa4, 0xfb, 0xfc, 0x0e, 0x11, 0x08, 0xa8,
		0xfd, 0x17, 0xb4, 0x48, 0xa6, 0x85, 0x54, 0x19, 0x9c, 0x47, 0xd0, 0x8f, 0xfb, 0x10, 0xd4, 0xb8}
	g.x.setBytes(&x)
	g.y.setBytes(&y)
	return g
}()

// get returns the projective representation, mapping the zero value to the
// identity.
func (p *Point) get() *projPoint {
	if !p.set {
		return &identityProj
	}
	return &p.p
}

// put stores r in p.
func (p *Point) put(r *projPoint) *Point {
	p.p = *r
	p.set = true
	return p
}

// NewIdentityPoint returns a new Point set to the identity O.
func NewIdentityPoint() *Point { return new(Point).put(&identityProj) }

// NewGeneratorPoint returns a new Point set to the generator G.
func NewGeneratorPoint() *Point {
	return new(Point).put(&projPoint{x: generatorAffine.x, y: generatorAffine.y, z: fieldElement{1}})
}

// Set sets p = q and returns p.
func (p *Point) Set(q *Point) *Point { return p.put(q.get()) }

// Add sets p = a + b and returns p.
func (p *Point) Add(a, b *Point) *Point {
	var r projPoint
	r.add(a.get(), b.get())
	return p.put(&r)
}

// Double sets p = 2a and returns p.
func (p *Point) Double(a *Point) *Point {
	var r projPoint
	r.double(a.get())
	return p.put(&r)
}

// Negate sets p = −a and returns p.
func (p *Point) Negate(a *Point) *Point {
	var r projPoint
	r.neg(a.get())
	return p.put(&r)
}

// Subtract sets p = a − b and returns p.
func (p *Point) Subtract(a, b *Point) *Point {
	var r, nb projPoint
	nb.neg(b.get())
	r.add(a.get(), &nb)
	return p.put(&r)
}

// Equal returns 1 if p and q are the same point and 0 otherwise, in constant
// time (projective comparison, no inversion).
func (p *Point) Equal(q *Point) int { return p.get().equal(q.get()) }

// IsIdentity returns 1 if p is the identity and 0 otherwise, in constant time.
func (p *Point) IsIdentity() int { return p.get().isIdentity() }

// Select sets p = a if cond == 1 and p = b if cond == 0, in constant time.
func (p *Point) Select(a, b *Point, cond int) *Point {
	var r projPoint
	r.selectProj(a.get(), b.get(), cond)
	return p.put(&r)
}

// affine returns the affine coordinates of p, or ErrIdentity. It runs in
// constant time except for the identity check result.
func (p *Point) affine() (x, y fieldElement, err error) {
	q := p.get()
	if q.isIdentity() == 1 {
		return x, y, ErrIdentity
	}
	x, y = q.toAffine()
	return x, y, nil
}

// Bytes returns pt(p), the 33-byte SEC1 compressed encoding of PROTOCOL.md
// §2.2, or ErrIdentity for O (which has no encoding).
func (p *Point) Bytes() ([33]byte, error) {
	var out [33]byte
	x, y, err := p.affine()
	if err != nil {
		return out, err
	}
	out[0] = 2 | byte(y.isOdd())
	xb := x.bytes()
	copy(out[1:], xb[:])
	return out, nil
}

// BytesUncompressed returns the 65-byte SEC1 uncompressed encoding
// 0x04 ‖ x ‖ y, or ErrIdentity for O.
func (p *Point) BytesUncompressed() ([65]byte, error) {
	var out [65]byte
	x, y, err := p.affine()
	if err != nil {
		return out, err
	}
	out[0] = 4
	xb, yb := x.bytes(), y.bytes()
	copy(out[1:33], xb[:])
	copy(out[33:], yb[:])
	return out, nil
}

// XScalar returns the affine x-coordinate of p reduced mod n (the ECDSA r
// value), or ErrIdentity.
func (p *Point) XScalar() (*Scalar, error) {
	x, _, err := p.affine()
	if err != nil {
		return nil, err
	}
	xb := x.bytes()
	s := new(Scalar)
	s.s.SetBytes(&xb)
	return s, nil
}

// YIsOdd returns the parity (1 odd, 0 even) of the affine y-coordinate of p,
// or ErrIdentity.
func (p *Point) YIsOdd() (int, error) {
	_, y, err := p.affine()
	if err != nil {
		return 0, err
	}
	return y.isOdd(), nil
}

// curveRHS returns x³ + 7.
func curveRHS(x *fieldElement) fieldElement {
	var r fieldElement
	r.square(x)
	r.mul(&r, x)
	r.add(&r, &fieldElement{7})
	return r
}

// SetBytes sets p to the decoding of the 33-byte compressed encoding b
// (pt() of PROTOCOL.md §2.2): the prefix must be 0x02 or 0x03, x < p and
// x³ + 7 a square. Other lengths, 0x00, 0x04 and hybrid prefixes are rejected
// with ErrInvalidLength or ErrInvalidPoint; on error p is unchanged. The
// identity has no encoding. Wire input is public, so this may take variable
// time.
func (p *Point) SetBytes(b []byte) (*Point, error) {
	if len(b) != 33 {
		return nil, ErrInvalidLength
	}
	if b[0] != 2 && b[0] != 3 {
		return nil, ErrInvalidPoint
	}
	var xb [32]byte
	copy(xb[:], b[1:])
	var x, y fieldElement
	if x.setBytes(&xb) != 1 {
		return nil, ErrInvalidPoint
	}
	rhs := curveRHS(&x)
	if y.sqrt(&rhs) != 1 {
		return nil, ErrInvalidPoint
	}
	if y.isOdd() != int(b[0]&1) {
		y.neg(&y)
	}
	return p.put(&projPoint{x: x, y: y, z: fieldElement{1}}), nil
}

// SetUncompressedBytes sets p to the decoding of the 65-byte uncompressed
// encoding 0x04 ‖ x ‖ y (x, y < p, on the curve). Hybrid (0x06/0x07) and
// other forms are rejected; on error p is unchanged. Variable time (public
// input).
func (p *Point) SetUncompressedBytes(b []byte) (*Point, error) {
	if len(b) != 65 {
		return nil, ErrInvalidLength
	}
	if b[0] != 4 {
		return nil, ErrInvalidPoint
	}
	var xb, yb [32]byte
	copy(xb[:], b[1:33])
	copy(yb[:], b[33:])
	var x, y, y2 fieldElement
	if x.setBytes(&xb) != 1 || y.setBytes(&yb) != 1 {
		return nil, ErrInvalidPoint
	}
	rhs := curveRHS(&x)
	if y2.square(&y).equal(&rhs) != 1 {
		return nil, ErrInvalidPoint
	}
	return p.put(&projPoint{x: x, y: y, z: fieldElement{1}}), nil
}

// String returns a redacted placeholder: a Point may be a secret (a DH value).
func (p Point) String() string { return "secp.Point(" + redacted + ")" }

// GoString returns a redacted placeholder.
func (p Point) GoString() string { return p.String() }

// Format prints a redacted placeholder for every verb.
func (p Point) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(p.String())) }

// LogValue implements slog.LogValuer with a redacted placeholder.
func (p Point) LogValue() slog.Value { return slog.StringValue(redacted) }

// toDecred returns p as a decred Jacobian point (X·Z, Y·Z², Z); the identity
// maps to Z = 0. Package-internal interop for the variable-time paths.
func (p *Point) toDecred() secp256k1.JacobianPoint {
	q := p.get()
	var x, y, z2 fieldElement
	x.mul(&q.x, &q.z)
	z2.square(&q.z)
	y.mul(&q.y, &z2)
	var r secp256k1.JacobianPoint
	xb, yb, zb := x.bytes(), y.bytes(), q.z.bytes()
	r.X.SetBytes(&xb)
	r.Y.SetBytes(&yb)
	r.Z.SetBytes(&zb)
	return r
}

// setDecred sets p from a decred Jacobian point (X/Z², Y/Z³) →
// projective (X·Z : Y : Z³).
func (p *Point) setDecred(j *secp256k1.JacobianPoint) *Point {
	var jx, jy, jz fieldElement
	jX, jY, jZ := j.X, j.Y, j.Z
	jX.Normalize()
	jY.Normalize()
	jZ.Normalize()
	jx.setBytes(jX.Bytes())
	jy.setBytes(jY.Bytes())
	jz.setBytes(jZ.Bytes())
	if jz.isZero() == 1 { // public: only used on variable-time paths
		return p.put(&identityProj)
	}
	var r projPoint
	var z2 fieldElement
	r.x.mul(&jx, &jz)
	r.y = jy
	z2.square(&jz)
	r.z.mul(&z2, &jz)
	return p.put(&r)
}
