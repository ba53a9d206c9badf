package secp

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"log/slog"
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	"github.com/stretchr/testify/require"
)

var bigN, _ = new(big.Int).SetString(orderHex, 16)

func scToBig(s *Scalar) *big.Int {
	b := s.Bytes()
	return new(big.Int).SetBytes(b[:])
}

func TestWideVectors(t *testing.T) {
	ff := bytes.Repeat([]byte{0xff}, 64)
	s, err := NewScalar().SetWideBytes(ff)
	require.NoError(t, err)
	b := s.Bytes()
	require.Equal(t, "9d671cd581c69bc5e697f5e45bcd07c6741496c20e7cf878896cf21467d7d13f", hex.EncodeToString(b[:]))
	require.Equal(t, "7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0", hex.EncodeToString(halfOrder[:]))
	h := new(big.Int).Rsh(new(big.Int).Sub(bigN, big.NewInt(1)), 1)
	require.Equal(t, h.Text(16), hex.EncodeToString(halfOrder[:]))
}

func TestSetWideBytesAgainstBig(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	inputs := [][]byte{make([]byte, 64), bytes.Repeat([]byte{0xff}, 64)}
	nb := bigN.FillBytes(make([]byte, 32))
	inputs = append(inputs, append(append([]byte{}, nb...), nb...), append(make([]byte, 32), nb...))
	for i := 0; i < 2000; i++ {
		b := make([]byte, 64)
		for j := range b {
			b[j] = byte(r.Uint32())
		}
		inputs = append(inputs, b)
	}
	for _, in := range inputs {
		s, err := NewScalar().SetWideBytes(in)
		require.NoError(t, err)
		want := new(big.Int).Mod(new(big.Int).SetBytes(in), bigN)
		require.Zero(t, want.Cmp(scToBig(s)))
	}
	_, err := NewScalar().SetWideBytes(make([]byte, 63))
	require.ErrorIs(t, err, ErrInvalidLength)
}

func TestScalarArithmeticAgainstBig(t *testing.T) {
	r := rand.New(rand.NewPCG(23, 24))
	ks := edgeScalars(t)
	for i := 0; i < 500; i++ {
		ks = append(ks, randScalar(r))
	}
	for i, a := range ks {
		b := ks[(i*11+1)%len(ks)]
		A, B := scToBig(a), scToBig(b)
		mod := func(v *big.Int) *big.Int { return v.Mod(v, bigN) }
		require.Zero(t, mod(new(big.Int).Add(A, B)).Cmp(scToBig(NewScalar().Add(a, b))))
		require.Zero(t, mod(new(big.Int).Sub(A, B)).Cmp(scToBig(NewScalar().Sub(a, b))))
		require.Zero(t, mod(new(big.Int).Mul(A, B)).Cmp(scToBig(NewScalar().Mul(a, b))))
		require.Zero(t, mod(new(big.Int).Mul(A, A)).Cmp(scToBig(NewScalar().Square(a))))
		require.Zero(t, mod(new(big.Int).Neg(A)).Cmp(scToBig(NewScalar().Negate(a))))
		inv := NewScalar().Invert(a)
		if A.Sign() == 0 {
			require.Equal(t, 1, inv.IsZero())
		} else {
			require.Zero(t, new(big.Int).ModInverse(A, bigN).Cmp(scToBig(inv)))
			var d secp256k1.ModNScalar
			d.InverseValNonConst(&a.s)
			require.True(t, d.Equals(&inv.s))
		}
		require.Equal(t, A.Cmp(B) == 0, a.Equal(b) == 1)
		require.Equal(t, A.Sign() == 0, a.IsZero() == 1)
		high := A.Cmp(new(big.Int).Rsh(bigN, 1)) > 0
		require.Equal(t, high, a.IsHigh())
		require.Equal(t, high, a.isHighBit() == 1)
		require.Equal(t, 1, NewScalar().Select(a, b, 1).Equal(a))
		require.Equal(t, 1, NewScalar().Select(a, b, 0).Equal(b))
	}
}

func TestScalarCanonicalBytes(t *testing.T) {
	nb := bigN.FillBytes(make([]byte, 32))
	nm1 := new(big.Int).Sub(bigN, big.NewInt(1)).FillBytes(make([]byte, 32))
	for _, tc := range []struct {
		name string
		in   []byte
		err  error
	}{
		{"zero", make([]byte, 32), nil},
		{"n-1", nm1, nil},
		{"n", nb, ErrNonCanonicalScalar},
		{"ff", bytes.Repeat([]byte{0xff}, 32), ErrNonCanonicalScalar},
		{"short", make([]byte, 31), ErrInvalidLength},
		{"long", make([]byte, 33), ErrInvalidLength},
		{"nil", nil, ErrInvalidLength},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := NewScalar().SetUint64(99)
			got, err := s.SetCanonicalBytes(tc.in)
			if tc.err != nil {
				require.ErrorIs(t, err, tc.err)
				require.Nil(t, got)
				require.Equal(t, 1, s.Equal(NewScalar().SetUint64(99)), "unchanged on error")
				return
			}
			require.NoError(t, err)
			b := got.Bytes()
			require.Equal(t, tc.in, b[:])
		})
	}
	// SetBytesReduce32 reduces instead of rejecting.
	s, err := NewScalar().SetBytesReduce32(nb)
	require.NoError(t, err)
	require.Equal(t, 1, s.IsZero())
	_, err = NewScalar().SetBytesReduce32(nb[:31])
	require.ErrorIs(t, err, ErrInvalidLength)
}

func FuzzScalarSetCanonicalBytes(f *testing.F) {
	f.Add(make([]byte, 32))
	f.Add(bigN.FillBytes(make([]byte, 32)))
	f.Add(bytes.Repeat([]byte{0xff}, 32))
	f.Add([]byte{1, 2, 3})
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := NewScalar().SetCanonicalBytes(b)
		valid := len(b) == 32 && new(big.Int).SetBytes(b).Cmp(bigN) < 0
		if !valid {
			require.Error(t, err)
			return
		}
		require.NoError(t, err)
		out := s.Bytes()
		require.Equal(t, b, out[:])
	})
}

// TestSecretsNeverPrint formats Scalars and Points with every verb and
// through slog and checks no byte of the value leaks.
func TestSecretsNeverPrint(t *testing.T) {
	k, err := NewScalar().SetCanonicalBytes(mustHex(t, "a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5"))
	require.NoError(t, err)
	p := NewIdentityPoint().ScalarBaseMult(k)
	pb, _ := p.Bytes()
	kb := k.Bytes()
	secrets := []string{hex.EncodeToString(kb[:8]), hex.EncodeToString(pb[1:9]), "a5a5", "165, 165", "10100101"}
	type holder struct {
		K  Scalar
		KP *Scalar
		P  Point
		PP *Point
	}
	values := []any{k, *k, p, *p, holder{*k, k, *p, p}, &holder{*k, k, *p, p}}
	verbs := []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%b", "%o", "%e", "%g", "%T", "%p", "%08x", "%v\n"}
	for _, v := range values {
		for _, verb := range verbs {
			out := fmt.Sprintf(verb, v)
			for _, s := range secrets {
				require.NotContains(t, strings.ToLower(out), s, "verb %s leaked: %s", verb, out)
			}
		}
		out := fmt.Sprint(v) + fmt.Sprintln(v)
		for _, s := range secrets {
			require.NotContains(t, strings.ToLower(out), s)
		}
	}
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, nil))
	logger.Info("x", "k", k, "kv", *k, "p", p, "pv", *p)
	tl := slog.New(slog.NewTextHandler(&buf, nil))
	tl.Info("x", "k", k, "p", p)
	for _, s := range secrets {
		require.NotContains(t, strings.ToLower(buf.String()), s)
	}
	require.Contains(t, buf.String(), redacted)
}

func TestMontMulAgainstBig(t *testing.T) {
	r := rand.New(rand.NewPCG(25, 26))
	rInv := new(big.Int).ModInverse(new(big.Int).Lsh(big.NewInt(1), 256), bigN)
	ks := edgeScalars(t)
	for i := 0; i < 3000; i++ {
		ks = append(ks, randScalar(r))
	}
	for i, a := range ks {
		b := ks[(i*3+2)%len(ks)]
		ab, bb := a.Bytes(), b.Bytes()
		al, bl := bytesToLimbs(&ab), bytesToLimbs(&bb)
		got := montMul(&al, &bl)
		gb := limbsToBytes(&got)
		want := new(big.Int).Mul(scToBig(a), scToBig(b))
		want.Mul(want, rInv).Mod(want, bigN)
		require.Zero(t, want.Cmp(new(big.Int).SetBytes(gb[:])))
	}
}
