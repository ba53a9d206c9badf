package gf128

import (
	"encoding/hex"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// refMul is a slow bit-by-bit reference: shift-and-add multiplication with reduction after
// every shift, straight from the definition of the field.
func refMul(a, b Element) Element {
	var z Element
	for i := range 128 {
		if (b[i/64]>>(i%64))&1 == 1 {
			z = Add(z, a)
		}
		// a ← a·X mod (X^128 + X^7 + X^2 + X + 1)
		carry := a[1] >> 63
		a[1] = a[1]<<1 | a[0]>>63
		a[0] <<= 1
		if carry == 1 {
			a[0] ^= 0x87
		}
	}
	return z
}

// refClmul64 is a bit-by-bit carry-less product.
func refClmul64(x, y uint64) (hi, lo uint64) {
	for i := range 64 {
		if (y>>i)&1 == 1 {
			lo ^= x << i
			if i > 0 {
				hi ^= x >> (64 - i)
			}
		}
	}
	return hi, lo
}

func randElement(r *rand.Rand) Element {
	// Mix dense, sparse and extreme values: carries are worst for dense operands.
	switch r.IntN(6) {
	case 0:
		return Element{^uint64(0), ^uint64(0)}
	case 1:
		return Element{1 << r.IntN(64), 1 << r.IntN(64)}
	default:
		return Element{r.Uint64(), r.Uint64()}
	}
}

func mustHex16(t *testing.T, s string) Element {
	t.Helper()
	b, err := hex.DecodeString(s)
	require.NoError(t, err)
	e, err := SetBytes(b)
	require.NoError(t, err)
	return e
}

func TestVectors(t *testing.T) {
	var a, b [16]byte
	for i := range 16 {
		a[i] = byte(1 + i)
		b[i] = byte(0x11 + i)
	}
	got := Mul(FromBytes(&a), FromBytes(&b)).Bytes()
	require.Equal(t, "e60ff6078b4e6cc9d58052882fc1482e", hex.EncodeToString(got[:]))

	x127 := mustHex16(t, "00000000000000000000000000000080")
	x := mustHex16(t, "02000000000000000000000000000000")
	got = Mul(x127, x).Bytes()
	require.Equal(t, "87000000000000000000000000000000", hex.EncodeToString(got[:]))
	require.Equal(t, Element{0, 1 << 63}, x127, "X^127 is the top bit of the high word")
}

func TestClmul64(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	edge := []uint64{0, 1, ^uint64(0), 1 << 63, m0, m1, m2, m3, m4, 0x8000000000000001}
	for _, x := range edge {
		for _, y := range edge {
			wh, wl := refClmul64(x, y)
			gh, gl := clmul64(x, y)
			require.Equal(t, [2]uint64{wh, wl}, [2]uint64{gh, gl}, "%x·%x", x, y)
		}
	}
	for range 20000 {
		x, y := r.Uint64(), r.Uint64()
		wh, wl := refClmul64(x, y)
		gh, gl := clmul64(x, y)
		require.Equal(t, [2]uint64{wh, wl}, [2]uint64{gh, gl}, "%x·%x", x, y)
	}
}

func TestMulMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(2, 2))
	for range 5000 {
		a, b := randElement(r), randElement(r)
		require.Equal(t, refMul(a, b), Mul(a, b), "%x·%x", a, b)
	}
}

func TestFieldLaws(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 3))
	one := Element{1, 0}
	for range 1000 {
		a, b, c := randElement(r), randElement(r), randElement(r)
		require.Equal(t, Mul(a, b), Mul(b, a), "commutativity")
		require.Equal(t, Mul(Mul(a, b), c), Mul(a, Mul(b, c)), "associativity")
		require.Equal(t, Add(Mul(a, b), Mul(a, c)), Mul(a, Add(b, c)), "distributivity")
		require.Equal(t, a, Mul(a, one), "identity")
		require.Equal(t, Element{}, Mul(a, Element{}), "zero")
	}
}

// a^(2^128) = a: 128 squarings are the identity map (the Frobenius of GF(2^128)).
func TestFrobenius(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 4))
	for range 50 {
		a := randElement(r)
		x := a
		for range 128 {
			x = Mul(x, x)
		}
		require.Equal(t, a, x)
		// And fewer squarings do not give a back for a generic element: X has degree 128.
	}
	x := Element{2, 0}
	y := x
	for i := 1; i < 128; i++ {
		y = Mul(y, y)
		require.NotEqual(t, x, y, "X^(2^%d) = X", i)
	}
}

func TestAccumulator(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 5))
	for _, n := range []int{0, 1, 2, 5, 640, 2000} {
		var acc Accumulator
		var want Element
		for range n {
			a, b, c := randElement(r), randElement(r), randElement(r)
			acc.MulAdd(a, b)
			acc.Add(c)
			want = Add(want, Add(Mul(a, b), c))
		}
		require.Equal(t, want, acc.Sum(), "n=%d", n)
		require.Equal(t, want, acc.Sum(), "Sum is idempotent")
		acc.Reset()
		require.Equal(t, Element{}, acc.Sum())
	}
}

func TestInnerProduct(t *testing.T) {
	r := rand.New(rand.NewPCG(6, 6))
	a, b := make([]Element, 9), make([]Element, 9)
	var want Element
	for i := range a {
		a[i], b[i] = randElement(r), randElement(r)
		want = Add(want, Mul(a[i], b[i]))
	}
	got, err := InnerProduct(a, b)
	require.NoError(t, err)
	require.Equal(t, want, got)
	_, err = InnerProduct(a, b[1:])
	require.ErrorIs(t, err, ErrLengthMismatch)
}

func TestEqualAndMask(t *testing.T) {
	a := Element{1, 2}
	require.Equal(t, 1, a.Equal(Element{1, 2}))
	require.Equal(t, 0, a.Equal(Element{1, 3}))
	require.Equal(t, 0, a.Equal(Element{1 << 40, 2}))
	require.Equal(t, 0, a.Equal(Element{1, 2 | 1<<63}))
	require.Equal(t, a, a.Mask(1))
	require.Equal(t, Element{}, a.Mask(0))
}

func TestSetBytes(t *testing.T) {
	for _, n := range []int{0, 1, 15, 17, 32} {
		_, err := SetBytes(make([]byte, n))
		require.ErrorIs(t, err, ErrLength, "len %d", n)
	}
	b := []byte{1, 0, 0, 0, 0, 0, 0, 0x80, 2, 0, 0, 0, 0, 0, 0, 0x40}
	e, err := SetBytes(b)
	require.NoError(t, err)
	require.Equal(t, Element{1 | 1<<63, 2 | 1<<62}, e)
	require.Equal(t, b, e.AppendBytes(nil))
}

func FuzzSetBytes(f *testing.F) {
	f.Add([]byte{})
	f.Add(make([]byte, 16))
	f.Add([]byte("0123456789abcdef"))
	f.Add(make([]byte, 17))
	f.Fuzz(func(t *testing.T, b []byte) {
		e, err := SetBytes(b)
		if len(b) != Size {
			if err == nil {
				t.Fatal("accepted a wrong length")
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		if got := e.Bytes(); string(got[:]) != string(b) {
			t.Fatal("round trip changed the bytes")
		}
		// Bit i of the encoding is the coefficient of X^i.
		for i := range 128 {
			if (b[i>>3]>>(i&7))&1 != byte(e[i/64]>>(i%64))&1 {
				t.Fatalf("bit %d", i)
			}
		}
	})
}

func BenchmarkMul(b *testing.B) {
	x, y := Element{0x0123456789abcdef, 0xfedcba9876543210}, Element{0x1111111111111111, 0xa5a5a5a5a5a5a5a5}
	for b.Loop() {
		x = Mul(x, y)
	}
}

func BenchmarkMulAccumulate640(b *testing.B) {
	r := rand.New(rand.NewPCG(7, 7))
	a, c := make([]Element, 640), make([]Element, 640)
	for i := range a {
		a[i], c[i] = randElement(r), randElement(r)
	}
	for b.Loop() {
		var acc Accumulator
		for i := range a {
			acc.MulAdd(a[i], c[i])
		}
		_ = acc.Sum()
	}
}
