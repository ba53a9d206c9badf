package signer_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"math/big"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tandem-mpc/tandem/signer"
)

func TestSignersFromStdlibKeys(t *testing.T) {
	ctx := t.Context()
	_, edPriv, err := ed25519.GenerateKey(nil)
	require.NoError(t, err)
	ecPriv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)

	edS := signer.NewEd25519Signer(edPriv)
	assert.Equal(t, []byte(edPriv.Public().(ed25519.PublicKey)), edS.VerifyingKey().Raw())
	ecS := signer.NewP256Signer(ecPriv)
	assert.Equal(t, elliptic.MarshalCompressed(elliptic.P256(), ecPriv.X, ecPriv.Y), ecS.VerifyingKey().Raw())

	for _, s := range []signer.Signer{edS, ecS} {
		sig, err := s.Sign(ctx, []byte("hello"))
		require.NoError(t, err)
		assert.True(t, s.VerifyingKey().Verify([]byte("hello"), sig))
	}

	// Ed25519 is pure RFC 8032 over msg: crypto/ed25519 produces the same signature.
	sig, err := edS.Sign(ctx, []byte("hello"))
	require.NoError(t, err)
	assert.Equal(t, ed25519.Sign(edPriv, []byte("hello")), sig)

	// The signers copied the keys: changing the caller's copy changes nothing.
	vk := edS.VerifyingKey()
	clear(edPriv)
	sig, err = edS.Sign(ctx, []byte("hello"))
	require.NoError(t, err)
	assert.True(t, vk.Verify([]byte("hello"), sig))
}

func TestSignersRejectBadKeys(t *testing.T) {
	_, edPriv, err := ed25519.GenerateKey(nil)
	require.NoError(t, err)
	_, otherEd, err := ed25519.GenerateKey(nil)
	require.NoError(t, err)
	mismatched := append(append(ed25519.PrivateKey(nil), edPriv[:32]...), otherEd[32:]...)

	p384, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	require.NoError(t, err)
	ecPriv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	wrongPub := *ecPriv
	wrongPub.PublicKey = ecdsaOf(t, mustGen(t, signer.GenerateP256)).PublicKey
	zeroD := *ecPriv
	zeroD.D = new(big.Int)
	bigD := *ecPriv
	bigD.D = new(big.Int).Set(p256N)

	for _, tc := range []struct {
		name string
		s    signer.Signer
		want error
	}{
		{"Ed25519 nil", signer.NewEd25519Signer(nil), signer.ErrInvalidKey},
		{"Ed25519 seed only", signer.NewEd25519Signer(edPriv[:32]), signer.ErrInvalidKey},
		{"Ed25519 mismatched public half", signer.NewEd25519Signer(mismatched), signer.ErrInvalidKey},
		{"P-256 nil", signer.NewP256Signer(nil), signer.ErrInvalidKey},
		{"P-256 empty", signer.NewP256Signer(&ecdsa.PrivateKey{}), signer.ErrInvalidKey},
		{"P-384", signer.NewP256Signer(p384), signer.ErrUnknownKeyType},
		{"P-256 wrong public key", signer.NewP256Signer(&wrongPub), signer.ErrInvalidKey},
		{"P-256 zero scalar", signer.NewP256Signer(&zeroD), signer.ErrInvalidKey},
		{"P-256 scalar = n", signer.NewP256Signer(&bigD), signer.ErrInvalidKey},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.True(t, tc.s.VerifyingKey().IsZero())
			sig, err := tc.s.Sign(t.Context(), []byte("m"))
			assert.Nil(t, sig)
			assert.ErrorIs(t, err, tc.want)
		})
	}

	_, err = signer.NewEd25519PrivateKey(mismatched)
	assert.ErrorIs(t, err, signer.ErrInvalidKey)
	_, err = signer.NewP256PrivateKey(p384)
	assert.ErrorIs(t, err, signer.ErrUnknownKeyType)
}

func mustGen(t testing.TB, gen func() (*signer.PrivateKey, error)) *signer.PrivateKey {
	t.Helper()
	k, err := gen()
	require.NoError(t, err)
	return k
}

func TestPrivateKeyZeroAndNil(t *testing.T) {
	var nilKey *signer.PrivateKey
	assert.True(t, nilKey.VerifyingKey().IsZero())
	assert.Equal(t, signer.KeyType(""), nilKey.Type())
	_, err := nilKey.Sign(t.Context(), nil)
	assert.ErrorIs(t, err, signer.ErrInvalidKey)
	_, err = nilKey.MarshalPKCS8PEM()
	assert.ErrorIs(t, err, signer.ErrInvalidKey)

	var zero signer.PrivateKey
	_, err = zero.Sign(t.Context(), nil)
	assert.ErrorIs(t, err, signer.ErrInvalidKey)
	_, err = zero.MarshalPKCS8PEM()
	assert.ErrorIs(t, err, signer.ErrInvalidKey)
}

func TestSignHonoursContext(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	for typ, k := range genKeys(t) {
		_, err := k.Sign(ctx, []byte("m"))
		assert.ErrorIs(t, err, context.Canceled, typ)
	}
}

func TestGeneratedKeysDiffer(t *testing.T) {
	for _, gen := range []func() (*signer.PrivateKey, error){signer.GenerateEd25519, signer.GenerateP256} {
		a, b := mustGen(t, gen), mustGen(t, gen)
		assert.Equal(t, a.Type(), b.Type())
		assert.False(t, a.VerifyingKey().Equal(b.VerifyingKey()))
	}
}

func TestSignConcurrently(t *testing.T) {
	for typ, k := range genKeys(t) {
		var wg sync.WaitGroup
		for i := range 8 {
			wg.Go(func() {
				for j := range 10 {
					msg := []byte{byte(i), byte(j)}
					sig, err := k.Sign(t.Context(), msg)
					if !assert.NoError(t, err, typ) || !assert.True(t, k.VerifyingKey().Verify(msg, sig), typ) {
						return
					}
				}
			})
		}
		wg.Wait()
	}
}
