package modn

import (
	"encoding/hex"
	"math/big"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tandem-mpc/tandem/ecdsa2p/internal/testrng"
	"github.com/tandem-mpc/tandem/internal/secp"
)

var order, _ = new(big.Int).SetString("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141", 16)

func toBig(s *Scalar) *big.Int {
	b := s.Bytes()
	return new(big.Int).SetBytes(b[:])
}

func fromBig(t testing.TB, v *big.Int) Scalar {
	t.Helper()
	var b [32]byte
	v.FillBytes(b[:])
	s, ok := FromCanonical(&b)
	require.Equal(t, 1, ok)
	return s
}

// edge returns the edge values 0, 1, 2, n−2, n−1, 2^128, 2^255 and c.
func edge(t testing.TB) []Scalar {
	var out []Scalar
	for _, v := range []*big.Int{
		big.NewInt(0), big.NewInt(1), big.NewInt(2),
		new(big.Int).Sub(order, big.NewInt(2)), new(big.Int).Sub(order, big.NewInt(1)),
		new(big.Int).Lsh(big.NewInt(1), 128), new(big.Int).Lsh(big.NewInt(1), 255),
		new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 256), order),
	} {
		out = append(out, fromBig(t, v))
	}
	return out
}

func randomScalars(t testing.TB, k int) []Scalar {
	r := testrng.New("modn/random")
	out := edge(t)
	for range k {
		var w [64]byte
		r.RandomBytes(w[:])
		out = append(out, FromWide(&w))
	}
	return out
}

// TestArithmetic checks every operation against math/big on edge and random values.
func TestArithmetic(t *testing.T) {
	vals := randomScalars(t, 60)
	for i := range vals {
		for j := range vals {
			a, b := &vals[i], &vals[j]
			A, B := toBig(a), toBig(b)
			want := new(big.Int)
			add, sub, mul := Add(a, b), Sub(a, b), Mul(a, b)
			requireBig(t, want.Add(A, B).Mod(want, order), toBig(&add), "add")
			requireBig(t, want.Sub(A, B).Mod(want, order), toBig(&sub), "sub")
			requireBig(t, want.Mul(A, B).Mod(want, order), toBig(&mul), "mul")
			require.Equal(t, boolInt(A.Cmp(B) == 0), Equal(a, b))
		}
		neg := Neg(&vals[i])
		requireBig(t, new(big.Int).Mod(new(big.Int).Neg(toBig(&vals[i])), order), toBig(&neg))
		m0, m1 := Mask(&vals[i], 0), Mask(&vals[i], 1)
		require.Equal(t, Scalar{}, m0)
		require.Equal(t, vals[i], m1)
		s0, s1 := Select(&vals[i], &vals[0], 0), Select(&vals[i], &vals[0], 1)
		require.Equal(t, vals[0], s0)
		require.Equal(t, vals[i], s1)
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestAcc checks long sums of products (and addends) against math/big.
func TestAcc(t *testing.T) {
	vals := randomScalars(t, 600)
	var acc Acc
	want := new(big.Int)
	for i := 0; i+1 < len(vals); i++ {
		acc.MulAdd(&vals[i], &vals[i+1])
		want.Add(want, new(big.Int).Mul(toBig(&vals[i]), toBig(&vals[i+1])))
		acc.Add(&vals[i])
		want.Add(want, toBig(&vals[i]))
		if i%97 == 0 {
			got := acc.Reduce()
			requireBig(t, new(big.Int).Mod(want, order), toBig(&got), "after %d terms", i)
		}
	}
	// Partial sums combine.
	var half [2]Acc
	for i := 0; i+1 < len(vals); i++ {
		half[i%2].MulAdd(&vals[i], &vals[i+1])
		half[i%2].Add(&vals[i])
	}
	half[0].AddAcc(&half[1])
	combined := half[0].Reduce()
	requireBig(t, new(big.Int).Mod(want, order), toBig(&combined), "AddAcc")

	// Worst case: 512 products of n−1 and 512 addends n−1.
	nm1 := fromBig(t, new(big.Int).Sub(order, big.NewInt(1)))
	acc.Reset()
	want.SetInt64(0)
	for range 512 {
		acc.MulAdd(&nm1, &nm1)
		acc.Add(&nm1)
		want.Add(want, new(big.Int).Mul(toBig(&nm1), toBig(&nm1)))
		want.Add(want, toBig(&nm1))
	}
	got := acc.Reduce()
	requireBig(t, new(big.Int).Mod(want, order), toBig(&got))
}

// TestWide checks FromWide against math/big and secp.Scalar.SetWideBytes, including the
// vector wide(ff × 64) of PROTOCOL.md §12.4(a).
func TestWide(t *testing.T) {
	var ff [64]byte
	for i := range ff {
		ff[i] = 0xff
	}
	s := FromWide(&ff)
	b := s.Bytes()
	require.Equal(t, "9d671cd581c69bc5e697f5e45bcd07c6741496c20e7cf878896cf21467d7d13f", hex.EncodeToString(b[:]))
	r := testrng.New("modn/wide")
	for i := range 2000 {
		var w [64]byte
		r.RandomBytes(w[:])
		switch i {
		case 0:
			w = [64]byte{}
		case 1:
			copy(w[32:], order.Bytes())
		case 2:
			copy(w[:32], order.Bytes())
			copy(w[32:], order.Bytes())
		}
		got := FromWide(&w)
		want := new(big.Int).Mod(new(big.Int).SetBytes(w[:]), order)
		requireBig(t, want, toBig(&got))
		ref, err := secp.NewScalar().SetWideBytes(w[:])
		require.NoError(t, err)
		require.Equal(t, 1, got.Secp().Equal(ref))
		back := FromSecp(ref)
		require.Equal(t, got, back)
	}
}

func TestCanonical(t *testing.T) {
	for _, tc := range []struct {
		hex string
		ok  int
	}{
		{"0000000000000000000000000000000000000000000000000000000000000000", 1},
		{"fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140", 1},
		{"fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141", 0},
		{"fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364142", 0},
		{"ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", 0},
	} {
		var b [32]byte
		_, err := hex.Decode(b[:], []byte(tc.hex))
		require.NoError(t, err)
		s, ok := FromCanonical(&b)
		require.Equal(t, tc.ok, ok, tc.hex)
		if ok == 1 {
			require.Equal(t, b, s.Bytes())
		}
	}
}

func BenchmarkMul(b *testing.B) {
	vals := randomScalars(b, 2)
	x := vals[len(vals)-1]
	for b.Loop() {
		x = Mul(&x, &vals[len(vals)-2])
	}
}

func BenchmarkFromWide(b *testing.B) {
	var w [64]byte
	for i := range w {
		w[i] = byte(i * 7)
	}
	for b.Loop() {
		s := FromWide(&w)
		w[0] ^= byte(s[0])
	}
}

func BenchmarkAccMulAdd(b *testing.B) {
	vals := randomScalars(b, 2)
	var acc Acc
	for b.Loop() {
		acc.MulAdd(&vals[9], &vals[8])
	}
}

func requireBig(t *testing.T, want, got *big.Int, msg ...any) {
	t.Helper()
	require.Zero(t, want.Cmp(got), msg...)
}

func BenchmarkSecpMul(b *testing.B) {
	vals := randomScalars(b, 2)
	x, y := vals[len(vals)-1].Secp(), vals[len(vals)-2].Secp()
	for b.Loop() {
		x.Mul(x, y)
	}
}

func BenchmarkSecpSetWide(b *testing.B) {
	var w [64]byte
	for i := range w {
		w[i] = byte(i * 7)
	}
	s := secp.NewScalar()
	for b.Loop() {
		_, _ = s.SetWideBytes(w[:])
	}
}
