package secp

import (
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	"github.com/stretchr/testify/require"
)

var bigP, _ = new(big.Int).SetString("fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f", 16)

func feToBig(e *fieldElement) *big.Int {
	b := e.bytes()
	return new(big.Int).SetBytes(b[:])
}

func feFromBig(v *big.Int) fieldElement {
	var b [32]byte
	new(big.Int).Mod(v, bigP).FillBytes(b[:])
	var e fieldElement
	e.setBytes(&b)
	return e
}

// fieldEdgeValues are limb-boundary values mod p used by every field test.
func fieldEdgeValues() []*big.Int {
	one := big.NewInt(1)
	vals := []*big.Int{big.NewInt(0), one, big.NewInt(2), big.NewInt(0x1000003D1),
		new(big.Int).Sub(bigP, one), new(big.Int).Sub(bigP, big.NewInt(2)),
		new(big.Int).Rsh(bigP, 1), new(big.Int).Lsh(one, 255), new(big.Int).Lsh(one, 64),
		new(big.Int).Sub(new(big.Int).Lsh(one, 192), one), new(big.Int).Sub(new(big.Int).Lsh(one, 128), one)}
	return vals
}

func randomFieldValues(r *rand.Rand, n int) []*big.Int {
	vals := fieldEdgeValues()
	for i := 0; i < n; i++ {
		var b [32]byte
		for j := range b {
			b[j] = byte(r.Uint32())
		}
		// Bias some towards all-ones limbs to stress carries.
		if i%7 == 0 {
			for j := 0; j < 24; j++ {
				b[j] = 0xff
			}
		}
		vals = append(vals, new(big.Int).Mod(new(big.Int).SetBytes(b[:]), bigP))
	}
	return vals
}

func TestFieldArithmeticAgainstBig(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	vals := randomFieldValues(r, 300)
	for i, a := range vals {
		b := vals[(i*7+3)%len(vals)]
		fa, fb := feFromBig(a), feFromBig(b)
		var got fieldElement
		check := func(name string, want *big.Int) {
			t.Helper()
			want = new(big.Int).Mod(want, bigP)
			require.Equalf(t, want.Text(16), feToBig(&got).Text(16), "%s(%x, %x)", name, a, b)
		}
		got.add(&fa, &fb)
		check("add", new(big.Int).Add(a, b))
		got.sub(&fa, &fb)
		check("sub", new(big.Int).Sub(a, b))
		got.mul(&fa, &fb)
		check("mul", new(big.Int).Mul(a, b))
		got.square(&fa)
		check("square", new(big.Int).Mul(a, a))
		got.neg(&fa)
		check("neg", new(big.Int).Neg(a))
		got.mulSmall(&fa, 21)
		check("mulSmall", new(big.Int).Mul(a, big.NewInt(21)))
		got.invert(&fa)
		if a.Sign() == 0 {
			check("invert0", big.NewInt(0))
		} else {
			check("invert", new(big.Int).ModInverse(a, bigP))
		}
		ok := got.sqrt(&fa)
		wantSq := new(big.Int).ModSqrt(a, bigP) != nil
		require.Equal(t, wantSq, ok == 1, "sqrt ok %x", a)
		if ok == 1 {
			sq := new(big.Int).Mul(feToBig(&got), feToBig(&got))
			require.Zero(t, sq.Mod(sq, bigP).Cmp(a))
		}
		require.Equal(t, a.Cmp(b) == 0, fa.equal(&fb) == 1)
		require.Equal(t, a.Sign() == 0, fa.isZero() == 1)
	}
}

func TestFieldMulAgainstDecred(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	vals := randomFieldValues(r, 500)
	for i, a := range vals {
		b := vals[(i*13+5)%len(vals)]
		fa, fb := feFromBig(a), feFromBig(b)
		ab, bb := fa.bytes(), fb.bytes()
		var da, db secp256k1.FieldVal
		da.SetBytes(&ab)
		db.SetBytes(&bb)
		da.Mul(&db).Normalize()
		var got fieldElement
		got.mul(&fa, &fb)
		require.Equal(t, *da.Bytes(), got.bytes())
	}
}

func TestFieldSetBytesCanonical(t *testing.T) {
	pb := bigP.FillBytes(make([]byte, 32))
	var b [32]byte
	copy(b[:], pb)
	var e fieldElement
	require.Equal(t, 0, e.setBytes(&b), "p is not canonical")
	require.Equal(t, 1, e.isZero())
	b[31]--
	require.Equal(t, 1, e.setBytes(&b), "p-1 is canonical")
	for i := range b {
		b[i] = 0xff
	}
	require.Equal(t, 0, e.setBytes(&b))
	require.Equal(t, "1000003d0", feToBig(&e).Text(16))
}

// TestFieldReductionCorners drives mul and square with limbs drawn from
// boundary values (0, 1, all ones, the limbs of p) so the rare final-carry
// paths of the reduction are exercised.
func TestFieldReductionCorners(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 18))
	choices := []uint64{0, 1, 2, ^uint64(0), ^uint64(0) - 1, fieldP[0], fieldP[0] - 1, fieldP[0] + 1, 1 << 63, fieldC}
	pick := func() fieldElement {
		var e fieldElement
		for i := range e {
			if r.IntN(4) == 0 {
				e[i] = r.Uint64()
			} else {
				e[i] = choices[r.IntN(len(choices))]
			}
		}
		// Canonicalise through big to respect the < p invariant.
		v := new(big.Int).SetBytes(func() []byte { b := e.bytes(); return b[:] }())
		return feFromBig(v)
	}
	for i := 0; i < 20000; i++ {
		a, b := pick(), pick()
		A, B := feToBig(&a), feToBig(&b)
		var got fieldElement
		want := new(big.Int).Mul(A, B)
		want.Mod(want, bigP)
		require.Zero(t, want.Cmp(feToBig(got.mul(&a, &b))), "mul %x %x", A, B)
		want.Mul(A, A).Mod(want, bigP)
		require.Zero(t, want.Cmp(feToBig(got.square(&a))), "square %x", A)
		want.Add(A, B).Mod(want, bigP)
		require.Zero(t, want.Cmp(feToBig(got.add(&a, &b))))
		want.Sub(A, B).Mod(want, bigP)
		require.Zero(t, want.Cmp(feToBig(got.sub(&a, &b))))
	}
}
