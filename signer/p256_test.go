package signer_test

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/asn1"
	"math/big"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tandem-mpc/tandem/signer"
)

// sigParts splits a wire signature into r and s.
func sigParts(sig []byte) (r, s *big.Int) {
	return new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])
}

// sigOf builds a wire signature from r and s (each must fit in 32 bytes).
func sigOf(r, s *big.Int) []byte { return append(scalar32(r), scalar32(s)...) }

// refDER is encoding/asn1's DER encoding of (r, s), the reference for the hand-written code.
func refDER(t testing.TB, r, s *big.Int) []byte {
	t.Helper()
	der, err := asn1.Marshal(struct{ R, S *big.Int }{r, s})
	require.NoError(t, err)
	return der
}

func TestP256SignVerify(t *testing.T) {
	k, err := signer.GenerateP256()
	require.NoError(t, err)
	priv := ecdsaOf(t, k)
	msg := []byte("P-256 message")
	h := sha256.Sum256(msg)

	// Our signatures verify with crypto/ecdsa over SHA-256(msg), as r ‖ s.
	sig, err := k.Sign(t.Context(), msg)
	require.NoError(t, err)
	require.Len(t, sig, 64)
	r, s := sigParts(sig)
	assert.True(t, ecdsa.Verify(&priv.PublicKey, h[:], r, s))
	assert.True(t, k.VerifyingKey().Verify(msg, sig))

	// crypto/ecdsa signatures verify with ours once put in r ‖ s form (fixed width, leading
	// zeros kept).
	for range 20 {
		r, s, err := ecdsa.Sign(rand.Reader, priv, h[:])
		require.NoError(t, err)
		assert.True(t, k.VerifyingKey().Verify(msg, sigOf(r, s)))
	}

	// Signatures are randomised.
	sig2, err := k.Sign(t.Context(), msg)
	require.NoError(t, err)
	assert.NotEqual(t, sig, sig2)

	testBitFlips(t, k)
}

func TestP256HighSAccepted(t *testing.T) {
	k, err := signer.GenerateP256()
	require.NoError(t, err)
	msg := []byte("high s")
	sig, err := k.Sign(t.Context(), msg)
	require.NoError(t, err)
	r, s := sigParts(sig)
	negS := new(big.Int).Sub(p256N, s)
	other := sigOf(r, negS)
	assert.True(t, k.VerifyingKey().Verify(msg, sig))
	assert.True(t, k.VerifyingKey().Verify(msg, other), "(r, n − s) verifies too")

	// Exactly one of the two is high-s; both convert to DER and back.
	half := new(big.Int).Rsh(p256N, 1)
	assert.NotEqual(t, s.Cmp(half) > 0, negS.Cmp(half) > 0)
	for _, sg := range [][]byte{sig, other} {
		der, err := signer.P256SignatureToDER(sg)
		require.NoError(t, err)
		back, err := signer.P256SignatureFromDER(der)
		require.NoError(t, err)
		assert.Equal(t, sg, back)
	}
}

func TestP256ScalarRange(t *testing.T) {
	k, err := signer.GenerateP256()
	require.NoError(t, err)
	msg := []byte("range")
	sig, err := k.Sign(t.Context(), msg)
	require.NoError(t, err)
	r, s := sigParts(sig)
	vk := k.VerifyingKey()
	require.True(t, vk.Verify(msg, sig))

	zero := big.NewInt(0)
	max := new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 256), big.NewInt(1))
	nPlus1 := new(big.Int).Add(p256N, big.NewInt(1))
	cases := map[string][]byte{
		"r = 0":         sigOf(zero, s),
		"s = 0":         sigOf(r, zero),
		"r = s = 0":     make([]byte, 64),
		"r = n":         sigOf(p256N, s),
		"s = n":         sigOf(r, p256N),
		"r = n + 1":     sigOf(nPlus1, s),
		"s = n + 1":     sigOf(r, nPlus1),
		"r = 2^256 − 1": sigOf(max, s),
		"s = 2^256 − 1": sigOf(r, max),
	}
	// r + n and s + n are congruent to valid values but out of range.
	if rn := new(big.Int).Add(r, p256N); rn.BitLen() <= 256 {
		cases["r + n"] = sigOf(rn, s)
	}
	if sn := new(big.Int).Add(s, p256N); sn.BitLen() <= 256 {
		cases["s + n"] = sigOf(r, sn)
	}
	for name, bad := range cases {
		assert.False(t, vk.Verify(msg, bad), name)
		_, err := signer.P256SignatureToDER(bad)
		assert.ErrorIs(t, err, signer.ErrInvalidSignature, name)
		rr, ss := sigParts(bad)
		_, err = signer.P256SignatureFromDER(refDER(t, rr, ss))
		assert.ErrorIs(t, err, signer.ErrInvalidSignature, name)
	}
}

func TestP256DERConversion(t *testing.T) {
	one := big.NewInt(1)
	nMinus1 := new(big.Int).Sub(p256N, one)
	high := new(big.Int).Lsh(big.NewInt(1), 255) // top bit set: DER needs a 0x00 pad
	small := big.NewInt(0x7f)                    // one byte, no pad
	pad := big.NewInt(0x80)                      // one byte value, two bytes in DER
	short := new(big.Int).Lsh(big.NewInt(1), 200)

	for _, tc := range []struct {
		name string
		r, s *big.Int
	}{
		{"1, 1", one, one},
		{"n−1, n−1", nMinus1, nMinus1},
		{"high bit", high, high},
		{"0x7f, 0x80", small, pad},
		{"short", short, one},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := sigOf(tc.r, tc.s)
			der := refDER(t, tc.r, tc.s)
			got, err := signer.P256SignatureFromDER(der)
			require.NoError(t, err)
			assert.Equal(t, want, got)
			back, err := signer.P256SignatureToDER(want)
			require.NoError(t, err)
			assert.Equal(t, der, back)
		})
	}

	// crypto/ecdsa's DER output converts, verifies, and converts back byte for byte.
	k, err := signer.GenerateP256()
	require.NoError(t, err)
	priv := ecdsaOf(t, k)
	for i := range 50 {
		msg := []byte{byte(i)}
		h := sha256.Sum256(msg)
		der, err := ecdsa.SignASN1(rand.Reader, priv, h[:])
		require.NoError(t, err)
		sig, err := signer.P256SignatureFromDER(der)
		require.NoError(t, err)
		assert.True(t, k.VerifyingKey().Verify(msg, sig))
		back, err := signer.P256SignatureToDER(sig)
		require.NoError(t, err)
		assert.Equal(t, der, back)
		assert.True(t, ecdsa.VerifyASN1(&priv.PublicKey, h[:], back))
	}
}

func TestP256SignatureFromDERMalformed(t *testing.T) {
	one := big.NewInt(1)
	good := refDER(t, big.NewInt(0x1234), big.NewInt(0x5678)) // 30 08 02 02 1234 02 02 5678
	require.Equal(t, "3008020212340202"+"5678", hexOf(good))
	over := new(big.Int).Lsh(one, 256) // 33 significant bytes
	for _, tc := range []struct {
		name string
		der  string
	}{
		{"empty", ""},
		{"one byte", "30"},
		{"not a SEQUENCE", "3108020212340202" + "5678"},
		{"long-form length", "308108020212340202" + "5678"},
		{"length too long", "3009020212340202" + "5678"},
		{"length too short", "3007020212340202" + "5678"},
		{"trailing byte after SEQUENCE", hexOf(good) + "00"},
		{"trailing byte inside SEQUENCE", "300902021234020256" + "7800"},
		{"third INTEGER", "300b020212340202" + "5678020101"},
		{"one INTEGER", "300402021234"},
		{"empty SEQUENCE", "3000"},
		{"BIT STRING instead of INTEGER", "3008030212340202" + "5678"},
		{"zero-length INTEGER", "3006020002025678"},
		{"negative r", "3008020292340202" + "5678"},
		{"negative s", "3008020212340202" + "d678"},
		{"non-minimal r", "3009020300123402025678"},
		{"non-minimal zero pad", "300902030000800202" + "5678"},
		{"INTEGER length past end", "3008020912340202" + "5678"},
		{"r = 0", "3007020100020256" + "78"},
		{"s = 0", "30070202123402" + "0100"},
		{"r too long", hexOf(refDER(t, over, one))},
		{"r = n", hexOf(refDER(t, p256N, one))},
		{"s = n", hexOf(refDER(t, one, p256N))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := signer.P256SignatureFromDER(mustHex(t, tc.der))
			assert.ErrorIs(t, err, signer.ErrInvalidSignature)
		})
	}
	_, err := signer.P256SignatureFromDER(good)
	assert.NoError(t, err)

	for _, n := range []int{0, 63, 65, 72} {
		_, err := signer.P256SignatureToDER(make([]byte, n))
		assert.ErrorIs(t, err, signer.ErrInvalidSignature, n)
	}
}

func TestP256UncompressedKeyNormalised(t *testing.T) {
	for range 20 {
		k, err := signer.GenerateP256()
		require.NoError(t, err)
		pub := ecdsaOf(t, k).PublicKey
		u, err := pub.Bytes()
		require.NoError(t, err)
		require.Len(t, u, 65)

		// The compressed form, computed independently: 0x02 | parity(y) ‖ x.
		want := append([]byte{0x02 | byte(pub.Y.Bit(0))}, scalar32(pub.X)...)
		assert.Equal(t, want, elliptic.MarshalCompressed(elliptic.P256(), pub.X, pub.Y))

		vk, err := signer.NewVerifyingKey(signer.ECDSAP256, u)
		require.NoError(t, err)
		assert.Equal(t, want, vk.Raw())
		assert.Equal(t, k.VerifyingKey(), vk)

		// Text and JSON inputs may be uncompressed too; the output is compressed.
		text := "ECDSA_P256_SEC1:" + b64(u)
		parsed, err := signer.ParseVerifyingKey(text)
		require.NoError(t, err)
		assert.Equal(t, vk, parsed)
		assert.Equal(t, "ECDSA_P256_SEC1:"+b64(want), parsed.String())

		// The typed encoding is canonical: only the compressed form.
		_, err = signer.ParseVerifyingKeyEncoding(append([]byte{0x02}, u...))
		assert.ErrorIs(t, err, signer.ErrInvalidKey)
	}
}

func TestP256InvalidKeysRejected(t *testing.T) {
	k, err := signer.GenerateP256()
	require.NoError(t, err)
	pub := ecdsaOf(t, k).PublicKey
	u, err := pub.Bytes()
	require.NoError(t, err)
	c := k.VerifyingKey().Raw()
	params := elliptic.P256().Params()

	offCurveU := bytes.Clone(u)
	offCurveU[64] ^= 1 // y + 1 or y − 1: not on the curve
	yPlusP := new(big.Int).Add(pub.Y, params.P)
	var yOverflow []byte
	if yPlusP.BitLen() <= 256 {
		yOverflow = append(append([]byte{0x04}, scalar32(pub.X)...), scalar32(yPlusP)...)
	}

	// An x with no point: x³ − 3x + b is not a square mod p.
	var offX []byte
	for x := int64(1); offX == nil; x++ {
		bx := big.NewInt(x)
		rhs := new(big.Int).Exp(bx, big.NewInt(3), params.P)
		rhs.Sub(rhs, new(big.Int).Mul(big.NewInt(3), bx))
		rhs.Add(rhs, params.B)
		rhs.Mod(rhs, params.P)
		if big.Jacobi(rhs, params.P) == -1 {
			offX = scalar32(bx)
		}
	}

	cases := map[string][]byte{
		"compressed, x not on curve (02)": append([]byte{0x02}, offX...),
		"compressed, x not on curve (03)": append([]byte{0x03}, offX...),
		"compressed, x = p":               append([]byte{0x02}, scalar32(params.P)...),
		"compressed, x = 2^256 − 1":       append([]byte{0x03}, bytes.Repeat([]byte{0xff}, 32)...),
		"compressed, prefix 0x04":         append([]byte{0x04}, c[1:]...),
		"compressed, prefix 0x00":         append([]byte{0x00}, c[1:]...),
		"compressed, prefix 0x05":         append([]byte{0x05}, c[1:]...),
		"uncompressed, off curve":         offCurveU,
		"uncompressed, identity (zeros)":  append([]byte{0x04}, make([]byte, 64)...),
		"uncompressed, prefix 0x02":       append([]byte{0x02}, u[1:]...),
		"uncompressed, hybrid 0x06":       append([]byte{0x06}, u[1:]...),
		"uncompressed, hybrid 0x07":       append([]byte{0x07}, u[1:]...),
		"identity (single zero byte)":     {0x00},
		"all zero, 33 bytes":              make([]byte, 33),
	}
	if yOverflow != nil {
		cases["uncompressed, y + p"] = yOverflow
	}
	for name, raw := range cases {
		_, err := signer.NewVerifyingKey(signer.ECDSAP256, raw)
		assert.ErrorIs(t, err, signer.ErrInvalidKey, name)
		_, err = signer.ParseVerifyingKey("ECDSA_P256:" + b64(raw))
		assert.ErrorIs(t, err, signer.ErrInvalidKey, name)
		if len(raw) == 33 {
			_, err = signer.ParseVerifyingKeyEncoding(append([]byte{0x02}, raw...))
			assert.ErrorIs(t, err, signer.ErrInvalidKey, name)
		}
	}
}
