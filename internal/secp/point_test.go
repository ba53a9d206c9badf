package secp

import (
	"encoding/hex"
	"math/rand/v2"
	"testing"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	"github.com/stretchr/testify/require"
)

const orderHex = "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141"

func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	require.NoError(t, err)
	return b
}

// randScalar returns a uniformly random scalar from r (tests only).
func randScalar(r *rand.Rand) *Scalar {
	var b [64]byte
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	s, err := NewScalar().SetWideBytes(b[:])
	if err != nil {
		panic(err)
	}
	return s
}

// edgeScalars returns 0, 1, 2, small values, n−1, n−2, (n−1)/2, (n+1)/2 and
// values around 2^128 (the GLV halves' size).
func edgeScalars(t testing.TB) []*Scalar {
	var out []*Scalar
	for _, v := range []uint64{0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 255, 256, 1 << 63, ^uint64(0)} {
		out = append(out, NewScalar().SetUint64(v))
	}
	one := NewScalar().SetUint64(1)
	n1 := NewScalar().Negate(one)
	n2 := NewScalar().Sub(n1, one)
	half, err := NewScalar().SetCanonicalBytes(halfOrder[:])
	require.NoError(t, err)
	out = append(out, n1, n2, half, NewScalar().Add(half, one), NewScalar().Sub(half, one))
	for _, h := range []string{
		"0000000000000000000000000000000100000000000000000000000000000000",
		"00000000000000000000000000000000ffffffffffffffffffffffffffffffff",
		"5363ad4cc05c30e0a5261c028812645a122e22ea20816678df02967c1b23bd72", // λ
		"ac9c52b33fa3cf1f5ad9e3fd77ed9ba4a880b9fc8ec739c2e0cfc810b51283ce", // n−λ
		"8888888888888888888888888888888888888888888888888888888888888888",
		"7777777777777777777777777777777777777777777777777777777777777777",
		"0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f",
	} {
		s, err := NewScalar().SetCanonicalBytes(mustHex(t, h))
		require.NoError(t, err)
		out = append(out, s)
	}
	return out
}

// refEncode returns the compressed encoding of a decred Jacobian point, or
// nil for the identity.
func refEncode(j *secp256k1.JacobianPoint) []byte {
	p := *j
	if (p.X.IsZero() && p.Y.IsZero()) || p.Z.IsZero() {
		return nil
	}
	p.ToAffine()
	return secp256k1.NewPublicKey(&p.X, &p.Y).SerializeCompressed()
}

// enc returns pt(p) or nil for the identity.
func enc(t testing.TB, p *Point) []byte {
	t.Helper()
	b, err := p.Bytes()
	if err != nil {
		require.ErrorIs(t, err, ErrIdentity)
		require.Equal(t, 1, p.IsIdentity())
		return nil
	}
	require.Equal(t, 0, p.IsIdentity())
	return b[:]
}

func refBaseMult(k *Scalar) []byte {
	var j secp256k1.JacobianPoint
	secp256k1.ScalarBaseMultNonConst(&k.s, &j)
	return refEncode(&j)
}

func refMult(k *Scalar, p *Point) []byte {
	var j secp256k1.JacobianPoint
	q := p.toDecred()
	secp256k1.ScalarMultNonConst(&k.s, &q, &j)
	return refEncode(&j)
}

// testPoints returns random points, G, −G, and points with special x
// (β·Gx, which is λ·G), as Points.
func testPoints(t testing.TB, r *rand.Rand, n int) []*Point {
	lam, err := NewScalar().SetCanonicalBytes(mustHex(t, "5363ad4cc05c30e0a5261c028812645a122e22ea20816678df02967c1b23bd72"))
	require.NoError(t, err)
	pts := []*Point{NewGeneratorPoint(), NewIdentityPoint().Negate(NewGeneratorPoint()),
		NewIdentityPoint().ScalarBaseMult(lam), NewIdentityPoint().ScalarBaseMult(NewScalar().SetUint64(2))}
	for i := 0; i < n; i++ {
		pts = append(pts, NewIdentityPoint().ScalarBaseMult(randScalar(r)))
	}
	return pts
}

func TestGenerator(t *testing.T) {
	g := NewGeneratorPoint()
	b, err := g.Bytes()
	require.NoError(t, err)
	require.Equal(t, "0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798", hex.EncodeToString(b[:]))
	require.Equal(t, 1, g.Equal(NewIdentityPoint().ScalarBaseMult(NewScalar().SetUint64(1))))
}

func TestZeroValuePointIsIdentity(t *testing.T) {
	var p Point
	require.Equal(t, 1, p.IsIdentity())
	require.Equal(t, 1, p.Equal(NewIdentityPoint()))
	g := NewGeneratorPoint()
	var s Point
	require.Equal(t, 1, s.Add(&p, g).Equal(g))
	var q Point
	require.Equal(t, 1, q.Double(&Point{}).IsIdentity())
	_, err := p.Bytes()
	require.ErrorIs(t, err, ErrIdentity)
	var k Scalar // zero value is 0
	require.Equal(t, 1, k.IsZero())
	require.Equal(t, 1, new(Point).ScalarBaseMult(&k).IsIdentity())
	require.Equal(t, 1, new(Point).ScalarMult(NewScalar().SetUint64(5), &p).IsIdentity())
}

func TestAddDoubleAgainstDecred(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	pts := testPoints(t, r, 60)
	pts = append(pts, NewIdentityPoint())
	for i, a := range pts {
		for _, b := range []*Point{pts[(i+1)%len(pts)], a, NewIdentityPoint().Negate(a), NewIdentityPoint()} {
			ja, jb := a.toDecred(), b.toDecred()
			var sum, dbl secp256k1.JacobianPoint
			secp256k1.AddNonConst(&ja, &jb, &sum)
			require.Equal(t, refEncode(&sum), enc(t, NewIdentityPoint().Add(a, b)))
			secp256k1.DoubleNonConst(&ja, &dbl)
			require.Equal(t, refEncode(&dbl), enc(t, NewIdentityPoint().Double(a)))
			// Subtract and aliasing.
			d := NewIdentityPoint().Set(a)
			d.Subtract(d, b)
			require.Equal(t, 1, d.Add(d, b).Equal(a))
			// Mixed addition against the full formula.
			if b.IsIdentity() == 0 {
				x, y, err := b.affine()
				require.NoError(t, err)
				var m projPoint
				m.addAffine(a.get(), &affinePoint{x, y})
				require.Equal(t, 1, m.equal(NewIdentityPoint().Add(a, b).get()))
			}
		}
	}
}

func TestEqualSelect(t *testing.T) {
	g := NewGeneratorPoint()
	g2 := NewIdentityPoint().Double(g)
	g2b := NewIdentityPoint().Add(g, g)
	o := NewIdentityPoint()
	require.Equal(t, 1, g2.Equal(g2b))
	require.Equal(t, 0, g2.Equal(g))
	require.Equal(t, 0, g.Equal(o))
	require.Equal(t, 0, o.Equal(g))
	require.Equal(t, 1, o.Equal(NewIdentityPoint().Subtract(g, g)))
	require.Equal(t, 1, NewIdentityPoint().Select(g, g2, 1).Equal(g))
	require.Equal(t, 1, NewIdentityPoint().Select(g, g2, 0).Equal(g2))
}

func TestScalarBaseMultAgainstDecred(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	ks := edgeScalars(t)
	for i := 0; i < 1500; i++ {
		ks = append(ks, randScalar(r))
	}
	for _, k := range ks {
		require.Equal(t, refBaseMult(k), enc(t, NewIdentityPoint().ScalarBaseMult(k)))
	}
}

func TestScalarMultAgainstDecred(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	pts := testPoints(t, r, 20)
	ks := edgeScalars(t)
	for i := 0; i < 60; i++ {
		ks = append(ks, randScalar(r))
	}
	for _, p := range pts {
		for _, k := range ks {
			require.Equal(t, refMult(k, p), enc(t, NewIdentityPoint().ScalarMult(k, p)))
		}
	}
	// The identity as input.
	for _, k := range ks {
		require.Equal(t, 1, NewIdentityPoint().ScalarMult(k, NewIdentityPoint()).IsIdentity())
	}
	// Aliasing: p = k·p.
	p := NewGeneratorPoint()
	p.ScalarMult(NewScalar().SetUint64(3), p)
	require.Equal(t, refBaseMult(NewScalar().SetUint64(3)), enc(t, p))
}

func TestVarTimeDoubleScalarBaseMultAgainstDecred(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	pts := testPoints(t, r, 10)
	pts = append(pts, NewIdentityPoint())
	ks := edgeScalars(t)
	for i := 0; i < 10; i++ {
		ks = append(ks, randScalar(r))
	}
	for _, q := range pts {
		for i, a := range ks {
			b := ks[(i*5+1)%len(ks)]
			var ag, bq, sum secp256k1.JacobianPoint
			qj := q.toDecred()
			secp256k1.ScalarBaseMultNonConst(&a.s, &ag)
			secp256k1.ScalarMultNonConst(&b.s, &qj, &bq)
			secp256k1.AddNonConst(&ag, &bq, &sum)
			got := NewIdentityPoint().VarTimeDoubleScalarBaseMult(a, b, q)
			require.Equal(t, refEncode(&sum), enc(t, got))
		}
	}
	// a·G − a·G = O.
	a := randScalar(r)
	na := NewScalar().Negate(a)
	require.Equal(t, 1, NewIdentityPoint().VarTimeDoubleScalarBaseMult(a, na, NewGeneratorPoint()).IsIdentity())
}

func TestGLVSplit(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	lam := scalarFromHex("5363ad4cc05c30e0a5261c028812645a122e22ea20816678df02967c1b23bd72")
	ks := edgeScalars(t)
	for i := 0; i < 20000; i++ {
		ks = append(ks, randScalar(r))
	}
	for _, k := range ks {
		k1, k2, neg1, neg2 := glvSplit(&k.s)
		for _, v := range [][4]uint64{k1, k2} {
			require.Zero(t, v[2]|v[3], "GLV half above 2^128")
		}
		// Recombine: ±k1 ± k2·λ = k.
		b1, b2 := limbsToBytes(&k1), limbsToBytes(&k2)
		var s1, s2 secp256k1.ModNScalar
		s1.SetBytes(&b1)
		s2.SetBytes(&b2)
		if neg1 == 1 {
			s1.Negate()
		}
		if neg2 == 1 {
			s2.Negate()
		}
		s2.Mul(&lam).Add(&s1)
		require.True(t, s2.Equals(&k.s))
	}
}

func TestEndomorphism(t *testing.T) {
	// λ·G = (β·Gx, Gy).
	lam, err := NewScalar().SetCanonicalBytes(mustHex(t, "5363ad4cc05c30e0a5261c028812645a122e22ea20816678df02967c1b23bd72"))
	require.NoError(t, err)
	var want projPoint
	want.x.mul(&generatorAffine.x, &glvBeta)
	want.y = generatorAffine.y
	want.z = fieldElement{1}
	require.Equal(t, 1, NewIdentityPoint().ScalarBaseMult(lam).get().equal(&want))
}

func TestScalarMultNoAllocs(t *testing.T) {
	k := randScalar(rand.New(rand.NewPCG(1, 1)))
	p := NewGeneratorPoint()
	var out Point
	out.ScalarBaseMult(k) // build the table first
	require.Zero(t, testing.AllocsPerRun(20, func() { out.ScalarMult(k, p) }))
	require.Zero(t, testing.AllocsPerRun(20, func() { out.ScalarBaseMult(k) }))
	require.Zero(t, testing.AllocsPerRun(20, func() { _, _ = out.Bytes() }))
}

func TestDecredInteropRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 16))
	pts := append(testPoints(t, r, 20), NewIdentityPoint(), &Point{})
	for _, p := range pts {
		// Make Z ≠ 1 to exercise the conversion.
		q := NewIdentityPoint().Add(p, NewIdentityPoint())
		j := q.toDecred()
		require.Equal(t, enc(t, q), refEncode(&j))
		require.Equal(t, 1, new(Point).setDecred(&j).Equal(p))
	}
}
