package signer_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tandem-mpc/tandem/signer"
)

// tee simulates a TEE's SHA256withECDSA API: it returns DER.
func tee(priv *ecdsa.PrivateKey) func(context.Context, []byte) ([]byte, error) {
	return func(_ context.Context, msg []byte) ([]byte, error) {
		h := sha256.Sum256(msg)
		return ecdsa.SignASN1(rand.Reader, priv, h[:])
	}
}

func TestExternalP256(t *testing.T) {
	k := mustGen(t, signer.GenerateP256)
	priv := ecdsaOf(t, k)
	vk := k.VerifyingKey()
	msg := []byte("external")

	rs := func(ctx context.Context, m []byte) ([]byte, error) { return k.Sign(ctx, m) }
	for name, cb := range map[string]func(context.Context, []byte) ([]byte, error){
		"DER": tee(priv), "r‖s": rs,
	} {
		t.Run(name, func(t *testing.T) {
			s := signer.External(vk, cb)
			assert.Equal(t, vk, s.VerifyingKey())
			for range 10 {
				sig, err := s.Sign(t.Context(), msg)
				require.NoError(t, err)
				require.Len(t, sig, 64)
				assert.True(t, vk.Verify(msg, sig))
			}
		})
	}

	// A result is copied, not aliased.
	buf := make([]byte, 64)
	s := signer.External(vk, func(ctx context.Context, m []byte) ([]byte, error) {
		sig, err := k.Sign(ctx, m)
		copy(buf, sig)
		return buf, err
	})
	sig, err := s.Sign(t.Context(), msg)
	require.NoError(t, err)
	clear(buf)
	assert.True(t, vk.Verify(msg, sig))
}

func TestExternalEd25519(t *testing.T) {
	_, priv, err := ed25519.GenerateKey(nil)
	require.NoError(t, err)
	vk, err := signer.NewVerifyingKey(signer.Ed25519, priv.Public().(ed25519.PublicKey))
	require.NoError(t, err)
	s := signer.External(vk, func(_ context.Context, m []byte) ([]byte, error) { return ed25519.Sign(priv, m), nil })
	sig, err := s.Sign(t.Context(), []byte("m"))
	require.NoError(t, err)
	assert.Equal(t, ed25519.Sign(priv, []byte("m")), sig)
}

func TestExternalBadResults(t *testing.T) {
	p := mustGen(t, signer.GenerateP256)
	other := mustGen(t, signer.GenerateP256)
	ed := mustGen(t, signer.GenerateEd25519)
	edOther := mustGen(t, signer.GenerateEd25519)
	msg := []byte("m")
	goodDER := func() []byte {
		sig, err := p.Sign(t.Context(), msg)
		require.NoError(t, err)
		der, err := signer.P256SignatureToDER(sig)
		require.NoError(t, err)
		return der
	}()
	returns := func(b []byte) func(context.Context, []byte) ([]byte, error) {
		return func(context.Context, []byte) ([]byte, error) { return b, nil }
	}
	signsWith := func(k *signer.PrivateKey) func(context.Context, []byte) ([]byte, error) {
		return func(ctx context.Context, m []byte) ([]byte, error) { return k.Sign(ctx, m) }
	}
	for _, tc := range []struct {
		name string
		vk   signer.VerifyingKey
		cb   func(context.Context, []byte) ([]byte, error)
	}{
		{"P-256 empty", p.VerifyingKey(), returns(nil)},
		{"P-256 63 bytes", p.VerifyingKey(), returns(make([]byte, 63))},
		{"P-256 65 bytes", p.VerifyingKey(), returns(make([]byte, 65))},
		{"P-256 64 zero bytes", p.VerifyingKey(), returns(make([]byte, 64))},
		{"P-256 DER with trailing byte", p.VerifyingKey(), returns(append(append([]byte(nil), goodDER...), 0))},
		{"P-256 truncated DER", p.VerifyingKey(), returns(goodDER[:len(goodDER)-1])},
		{"P-256 wrong key, r‖s", p.VerifyingKey(), signsWith(other)},
		{"P-256 wrong key, DER", p.VerifyingKey(), tee(ecdsaOf(t, other))},
		{"P-256 signs the message unhashed", p.VerifyingKey(), func(_ context.Context, m []byte) ([]byte, error) {
			return ecdsa.SignASN1(rand.Reader, ecdsaOf(t, p), append(make([]byte, 31), m...))
		}},
		{"Ed25519 63 bytes", ed.VerifyingKey(), returns(make([]byte, 63))},
		{"Ed25519 65 bytes", ed.VerifyingKey(), returns(make([]byte, 65))},
		{"Ed25519 DER-looking", ed.VerifyingKey(), returns(goodDER)},
		{"Ed25519 wrong key", ed.VerifyingKey(), signsWith(edOther)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sig, err := signer.External(tc.vk, tc.cb).Sign(t.Context(), msg)
			assert.Nil(t, sig)
			assert.ErrorIs(t, err, signer.ErrInvalidSignature)
			assert.True(t, strings.HasPrefix(err.Error(), "signer: external sign"), err.Error())
		})
	}
}

func TestExternalErrorsAndContext(t *testing.T) {
	k := mustGen(t, signer.GenerateEd25519)
	errTEE := errors.New("user cancelled")
	s := signer.External(k.VerifyingKey(), func(context.Context, []byte) ([]byte, error) { return nil, errTEE })
	_, err := s.Sign(t.Context(), nil)
	assert.ErrorIs(t, err, errTEE)
	assert.Contains(t, err.Error(), "user cancelled")

	called := false
	s = signer.External(k.VerifyingKey(), func(ctx context.Context, m []byte) ([]byte, error) {
		called = true
		return k.Sign(ctx, m)
	})
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err = s.Sign(ctx, nil)
	assert.ErrorIs(t, err, context.Canceled)
	assert.False(t, called)

	// The callback's own context errors come through.
	s = signer.External(k.VerifyingKey(), func(ctx context.Context, _ []byte) ([]byte, error) {
		<-ctx.Done()
		return nil, ctx.Err()
	})
	ctx, cancel = context.WithCancel(t.Context())
	go cancel()
	_, err = s.Sign(ctx, nil)
	assert.ErrorIs(t, err, context.Canceled)

	_, err = signer.External(signer.VerifyingKey{}, func(context.Context, []byte) ([]byte, error) { return nil, nil }).Sign(t.Context(), nil)
	assert.ErrorIs(t, err, signer.ErrInvalidKey)
	_, err = signer.External(k.VerifyingKey(), nil).Sign(t.Context(), nil)
	assert.ErrorIs(t, err, signer.ErrInvalidKey)
}
