package secp

import (
	"bytes"
	"encoding/hex"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	"github.com/stretchr/testify/require"
)

func TestPointEncodingRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(31, 32))
	for _, p := range testPoints(t, r, 200) {
		c, err := p.Bytes()
		require.NoError(t, err)
		q, err := new(Point).SetBytes(c[:])
		require.NoError(t, err)
		require.Equal(t, 1, q.Equal(p))
		u, err := p.BytesUncompressed()
		require.NoError(t, err)
		q2, err := new(Point).SetUncompressedBytes(u[:])
		require.NoError(t, err)
		require.Equal(t, 1, q2.Equal(p))
		// decred agrees on both encodings.
		pk, err := secp256k1.ParsePubKey(c[:])
		require.NoError(t, err)
		require.Equal(t, u[:], pk.SerializeUncompressed())
		// XScalar / YIsOdd.
		xs, err := p.XScalar()
		require.NoError(t, err)
		want := new(big.Int).Mod(new(big.Int).SetBytes(c[1:]), bigN)
		require.Zero(t, want.Cmp(scToBig(xs)))
		odd, err := p.YIsOdd()
		require.NoError(t, err)
		require.Equal(t, int(c[0]&1), odd)
	}
	o := NewIdentityPoint()
	_, err := o.BytesUncompressed()
	require.ErrorIs(t, err, ErrIdentity)
	_, err = o.XScalar()
	require.ErrorIs(t, err, ErrIdentity)
	_, err = o.YIsOdd()
	require.ErrorIs(t, err, ErrIdentity)
}

func TestPointSetBytesRejects(t *testing.T) {
	g, err := NewGeneratorPoint().Bytes()
	require.NoError(t, err)
	gu, err := NewGeneratorPoint().BytesUncompressed()
	require.NoError(t, err)
	pBytes := bigP.FillBytes(make([]byte, 32))
	// x = 5: 5³+7 = 132 is not a square mod p? Checked below via big.
	notOnCurve := func() []byte {
		for x := int64(1); ; x++ {
			rhs := new(big.Int).Add(new(big.Int).Exp(big.NewInt(x), big.NewInt(3), bigP), big.NewInt(7))
			if new(big.Int).ModSqrt(rhs, bigP) == nil {
				b := make([]byte, 33)
				b[0] = 2
				big.NewInt(x).FillBytes(b[1:])
				return b
			}
		}
	}()
	hybrid := append([]byte{6 | (gu[64] & 1)}, gu[1:]...)
	for _, tc := range []struct {
		name string
		in   []byte
		err  error
	}{
		{"empty", nil, ErrInvalidLength},
		{"prefix00", append([]byte{0}, g[1:]...), ErrInvalidPoint},
		{"prefix04 len33", append([]byte{4}, g[1:]...), ErrInvalidPoint},
		{"prefix01", append([]byte{1}, g[1:]...), ErrInvalidPoint},
		{"prefix05", append([]byte{5}, g[1:]...), ErrInvalidPoint},
		{"uncompressed", gu[:], ErrInvalidLength},
		{"hybrid", hybrid, ErrInvalidLength},
		{"short", g[:32], ErrInvalidLength},
		{"long", append(g[:], 0), ErrInvalidLength},
		{"x=p", append([]byte{2}, pBytes...), ErrInvalidPoint},
		{"x=ff..", append([]byte{3}, bytes.Repeat([]byte{0xff}, 32)...), ErrInvalidPoint},
		{"not on curve", notOnCurve, ErrInvalidPoint},
		{"zero x", make([]byte, 33), ErrInvalidPoint},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := NewGeneratorPoint()
			got, err := p.SetBytes(tc.in)
			require.ErrorIs(t, err, tc.err)
			require.Nil(t, got)
			require.Equal(t, 1, p.Equal(NewGeneratorPoint()), "unchanged on error")
		})
	}
	// Uncompressed decoder negatives.
	bad := gu
	bad[64] ^= 1
	for _, in := range [][]byte{gu[:64], hybrid, append([]byte{2}, gu[1:]...), bad[:],
		append(append([]byte{4}, pBytes...), gu[33:]...)} {
		_, err := new(Point).SetUncompressedBytes(in)
		require.Error(t, err)
	}
	// Both parities decode to negations of each other.
	g3 := g
	g3[0] ^= 1
	q, err := new(Point).SetBytes(g3[:])
	require.NoError(t, err)
	require.Equal(t, 1, q.Equal(NewIdentityPoint().Negate(NewGeneratorPoint())))
	require.Equal(t, "0379be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798", hex.EncodeToString(g3[:]))
}

func FuzzPointSetBytes(f *testing.F) {
	g, _ := NewGeneratorPoint().Bytes()
	f.Add(g[:])
	f.Add(make([]byte, 33))
	f.Add(append([]byte{3}, bytes.Repeat([]byte{0xff}, 32)...))
	gu, _ := NewGeneratorPoint().BytesUncompressed()
	f.Add(gu[:])
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := new(Point).SetBytes(b)
		_, refErr := secp256k1.ParsePubKey(b)
		if len(b) != 33 {
			require.Error(t, err)
			return
		}
		require.Equal(t, refErr == nil, err == nil, "decred disagrees on %x", b)
		if err != nil {
			return
		}
		out, err := p.Bytes()
		require.NoError(t, err)
		require.Equal(t, b, out[:])
	})
}
