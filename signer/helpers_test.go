package signer_test

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"math/big"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tandem-mpc/tandem/signer"
)

// p256N is the P-256 group order, taken from crypto/elliptic as an independent reference.
var p256N = elliptic.P256().Params().N

func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	require.NoError(t, err)
	return b
}

// scalar32 encodes v as 32 bytes big-endian (v must fit).
func scalar32(v *big.Int) []byte { return v.FillBytes(make([]byte, 32)) }

// flipBit returns a copy of b with bit i flipped.
func flipBit(b []byte, i int) []byte {
	c := append([]byte(nil), b...)
	c[i/8] ^= 1 << (i % 8)
	return c
}

// secretOf returns the secret bytes of k, recovered through its PKCS #8 export: the 32-byte
// Ed25519 seed or the 32-byte P-256 scalar.
func secretOf(t testing.TB, k *signer.PrivateKey) []byte {
	t.Helper()
	p, err := k.MarshalPKCS8PEM()
	require.NoError(t, err)
	block, _ := pem.Decode(p)
	require.NotNil(t, block)
	parsed, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	require.NoError(t, err)
	switch s := parsed.(type) {
	case ed25519.PrivateKey:
		return append([]byte(nil), s.Seed()...)
	case *ecdsa.PrivateKey:
		b, err := s.Bytes()
		require.NoError(t, err)
		return b
	}
	t.Fatalf("unexpected key %T", parsed)
	return nil
}

// ecdsaOf returns k's crypto/ecdsa form (P-256 keys only).
func ecdsaOf(t testing.TB, k *signer.PrivateKey) *ecdsa.PrivateKey {
	t.Helper()
	d := secretOf(t, k)
	priv, err := ecdsa.ParseRawPrivateKey(elliptic.P256(), d)
	require.NoError(t, err)
	return priv
}

// genKeys returns one fresh key of each type.
func genKeys(t testing.TB) map[signer.KeyType]*signer.PrivateKey {
	t.Helper()
	ed, err := signer.GenerateEd25519()
	require.NoError(t, err)
	p, err := signer.GenerateP256()
	require.NoError(t, err)
	return map[signer.KeyType]*signer.PrivateKey{signer.Ed25519: ed, signer.ECDSAP256: p}
}

func hexOf(b []byte) string { return hex.EncodeToString(b) }

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
