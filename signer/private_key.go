package signer

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"log/slog"
)

// Signer signs tandem envelopes (WIRE.md §10.1) with a message key. Sign returns the 64-byte
// wire form: an RFC 8032 signature of msg for Ed25519, r ‖ s over SHA-256(msg) for P-256. It
// may block (a TEE, user presence) and should honour ctx.
type Signer interface {
	VerifyingKey() VerifyingKey
	Sign(ctx context.Context, msg []byte) ([]byte, error)
}

// PrivateKey is a local message signing key (Ed25519 or ECDSA P-256). It implements [Signer].
//
// It holds a secret: it never prints it (String, GoString, Format and LogValue show only the
// key type and the verifying key), and the only way to export it is MarshalPKCS8PEM, which is
// documented as secret. The zero PrivateKey is not a key: its Sign returns ErrInvalidKey.
// A PrivateKey is immutable and safe for concurrent use.
type PrivateKey struct {
	vk VerifyingKey
	ed ed25519.PrivateKey // Ed25519 only: seed ‖ public key, 64 bytes
	ec *ecdsa.PrivateKey  // P-256 only
}

// GenerateEd25519 returns a new random Ed25519 key (from crypto/rand).
func GenerateEd25519() (*PrivateKey, error) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("signer: generate Ed25519 key: %w", err)
	}
	return privateKeyFromEd25519(priv)
}

// GenerateP256 returns a new random ECDSA P-256 key (from crypto/rand).
func GenerateP256() (*PrivateKey, error) {
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("signer: generate P-256 key: %w", err)
	}
	return privateKeyFromECDSA(priv)
}

// NewEd25519PrivateKey copies a crypto/ed25519 private key into a PrivateKey. The key must be
// 64 bytes and its second half must be the public key of its seed (a mismatched key would
// produce signatures that leak the secret scalar). Errors wrap ErrInvalidKey.
func NewEd25519PrivateKey(priv ed25519.PrivateKey) (*PrivateKey, error) {
	if len(priv) != ed25519.PrivateKeySize {
		return nil, fmt.Errorf("%w: Ed25519 private key is %d bytes, want %d", ErrInvalidKey, len(priv), ed25519.PrivateKeySize)
	}
	own := ed25519.NewKeyFromSeed(priv.Seed())
	if subtle.ConstantTimeCompare(own[32:], priv[32:]) != 1 {
		return nil, fmt.Errorf("%w: Ed25519 private key does not match its public half", ErrInvalidKey)
	}
	return privateKeyFromEd25519(own)
}

// NewP256PrivateKey copies a crypto/ecdsa private key on P-256 into a PrivateKey. The scalar
// must be in [1, n−1] and the public point must be its public key. Errors wrap ErrInvalidKey
// (or ErrUnknownKeyType for another curve).
func NewP256PrivateKey(priv *ecdsa.PrivateKey) (*PrivateKey, error) {
	if priv == nil || priv.D == nil || priv.X == nil || priv.Y == nil {
		return nil, fmt.Errorf("%w: nil or incomplete ECDSA private key", ErrInvalidKey)
	}
	if priv.Curve != elliptic.P256() {
		return nil, fmt.Errorf("%w: ECDSA private key is not on P-256", ErrUnknownKeyType)
	}
	d, err := priv.Bytes()
	if err != nil {
		return nil, fmt.Errorf("%w: ECDSA private key: %v", ErrInvalidKey, err)
	}
	own, err := ecdsa.ParseRawPrivateKey(elliptic.P256(), d)
	clear(d)
	if err != nil {
		return nil, fmt.Errorf("%w: ECDSA private key: %v", ErrInvalidKey, err)
	}
	if !own.PublicKey.Equal(&priv.PublicKey) {
		return nil, fmt.Errorf("%w: ECDSA private key does not match its public key", ErrInvalidKey)
	}
	return privateKeyFromECDSA(own)
}

// NewEd25519Signer returns a Signer for a crypto/ed25519 private key (copied). A malformed key
// gives a Signer whose VerifyingKey is zero and whose Sign returns the error of
// NewEd25519PrivateKey; use NewEd25519PrivateKey to see the error at once.
func NewEd25519Signer(priv ed25519.PrivateKey) Signer {
	k, err := NewEd25519PrivateKey(priv)
	if err != nil {
		return errSigner{err}
	}
	return k
}

// NewP256Signer returns a Signer for a crypto/ecdsa P-256 private key (copied). A malformed
// key gives a Signer whose VerifyingKey is zero and whose Sign returns the error of
// NewP256PrivateKey; use NewP256PrivateKey to see the error at once.
func NewP256Signer(priv *ecdsa.PrivateKey) Signer {
	k, err := NewP256PrivateKey(priv)
	if err != nil {
		return errSigner{err}
	}
	return k
}

// privateKeyFromEd25519 wraps a 64-byte key known to be consistent (not copied).
func privateKeyFromEd25519(priv ed25519.PrivateKey) (*PrivateKey, error) {
	vk, err := NewVerifyingKey(Ed25519, priv[32:])
	if err != nil {
		// Only a seed whose public key has small order could get here; it cannot happen for a
		// seed hashed by SHA-512 as RFC 8032 requires, but it is an error, not a panic.
		return nil, err
	}
	return &PrivateKey{vk: vk, ed: priv}, nil
}

// privateKeyFromECDSA wraps a P-256 key known to be valid and consistent (not copied).
func privateKeyFromECDSA(priv *ecdsa.PrivateKey) (*PrivateKey, error) {
	c, err := compressP256(&priv.PublicKey)
	if err != nil {
		return nil, err
	}
	return &PrivateKey{vk: VerifyingKey{typ: ECDSAP256, raw: c}, ec: priv}, nil
}

// VerifyingKey returns the public key of k (the zero VerifyingKey for a nil or zero k).
func (k *PrivateKey) VerifyingKey() VerifyingKey {
	if k == nil {
		return VerifyingKey{}
	}
	return k.vk
}

// Type returns the key type of k ("" for a nil or zero k).
func (k *PrivateKey) Type() KeyType { return k.VerifyingKey().Type() }

// Sign signs msg (WIRE.md §10.1): pure Ed25519 over msg, or ECDSA P-256 over SHA-256(msg) with
// fresh randomness, returned as 64-byte r ‖ s. It returns ctx.Err() if ctx is already done.
func (k *PrivateKey) Sign(ctx context.Context, msg []byte) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	switch {
	case k == nil || k.vk.IsZero():
		return nil, fmt.Errorf("%w: sign with a nil or zero PrivateKey", ErrInvalidKey)
	case k.ed != nil:
		return ed25519.Sign(k.ed, msg), nil
	case k.ec != nil:
		h := sha256.Sum256(msg)
		der, err := ecdsa.SignASN1(rand.Reader, k.ec, h[:])
		if err != nil {
			return nil, fmt.Errorf("signer: P-256 sign: %w", err)
		}
		sig, err := P256SignatureFromDER(der)
		if err != nil {
			panic("signer: internal error: crypto/ecdsa produced an unparsable signature")
		}
		return sig, nil
	}
	panic("signer: internal error: PrivateKey with a verifying key but no secret")
}

// errSigner is the Signer returned by NewEd25519Signer and NewP256Signer for a malformed key.
type errSigner struct{ err error }

func (s errSigner) VerifyingKey() VerifyingKey                   { return VerifyingKey{} }
func (s errSigner) Sign(context.Context, []byte) ([]byte, error) { return nil, s.err }

// The redacting methods have value receivers so that a PrivateKey value (not only a pointer)
// never prints its fields.

func (k PrivateKey) redacted() string {
	if k.vk.IsZero() {
		return "signer.PrivateKey(<zero>)"
	}
	return "signer.PrivateKey(" + string(k.vk.typ) + ", REDACTED, verifying key " + k.vk.String() + ")"
}

// String returns a redacted description of k: its type and verifying key, never the secret.
func (k PrivateKey) String() string { return k.redacted() }

// GoString is the redacted description for %#v.
func (k PrivateKey) GoString() string { return k.redacted() }

// Format writes the redacted description for every verb and flag (%v, %+v, %#v, %s, %q, %x,
// %X, %d, …), so no formatting of a PrivateKey can reveal the secret.
func (k PrivateKey) Format(f fmt.State, verb rune) { _, _ = f.Write([]byte(k.redacted())) }

// LogValue makes log/slog print the key type and verifying key only.
func (k PrivateKey) LogValue() slog.Value {
	if k.vk.IsZero() {
		return slog.StringValue("<zero>")
	}
	return slog.GroupValue(
		slog.String("type", string(k.vk.typ)),
		slog.String("secret", "REDACTED"),
		slog.String("verifying_key", k.vk.String()),
	)
}
