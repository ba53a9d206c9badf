package mpc

import (
	"bytes"
	"crypto/cipher"
	"crypto/ecdh"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"

	"golang.org/x/crypto/chacha20poly1305"
)

// ephemeralKey is this party's X25519 key pair for one session's KEX (WIRE.md §10.7). It is
// used once, by deriveKeys, which wipes it.
type ephemeralKey struct {
	priv *ecdh.PrivateKey // nil once wiped
}

// newEphemeralKey generates a fresh ephemeral key pair from crypto/rand.
func newEphemeralKey() (*ephemeralKey, error) {
	var seed [32]byte
	defer clear(seed[:])
	rand.Read(seed[:]) // never fails since Go 1.24
	return ephemeralKeyFromSecret(seed[:])
}

// ephemeralKeyFromSecret builds the key pair from a 32-byte X25519 secret (known-answer tests
// drive it; the driver uses newEphemeralKey).
func ephemeralKeyFromSecret(secret []byte) (*ephemeralKey, error) {
	priv, err := ecdh.X25519().NewPrivateKey(secret)
	if err != nil {
		return nil, fmt.Errorf("mpc: ephemeral key: %w", err)
	}
	return &ephemeralKey{priv: priv}, nil
}

// public returns the 32-byte public key epk carried in EXT_KEX. It panics once wiped: the
// driver reads it before deriving.
func (e *ephemeralKey) public() []byte {
	if e == nil || e.priv == nil {
		panic("mpc: internal error: public key of a wiped ephemeral key")
	}
	return e.priv.PublicKey().Bytes()
}

// wipe drops the secret. crypto/ecdh keeps its own copy, which cannot be overwritten from
// outside; dropping the only reference is the best this package can do.
func (e *ephemeralKey) wipe() {
	if e != nil {
		e.priv = nil
	}
}

const redactedEphemeral = "mpc.ephemeralKey(REDACTED)"

// The redacting methods have value receivers so that both ephemeralKey and *ephemeralKey
// redact.
func (ephemeralKey) String() string             { return redactedEphemeral }
func (ephemeralKey) GoString() string           { return redactedEphemeral }
func (ephemeralKey) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(redactedEphemeral)) }
func (ephemeralKey) LogValue() slog.Value       { return slog.StringValue(redactedEphemeral) }

// p2pKeys are the two directional ChaCha20-Poly1305 keys of one session (WIRE.md §10.7) as seen
// by one party: it seals with its own direction's key and opens with the peer's. The keys never
// print, and wipe clears them when the session ends.
type p2pKeys struct {
	// keys is behind a pointer so that no print path shows the bytes: fmt's error paths
	// (for example %p on a p2pKeys value) bypass Format and print fields, but print a nested
	// pointer only as an address.
	keys    *p2pSecret
	selfIsA bool
	// ab and ba are the AEADs of kAB and kBA, built once so that opening a frame allocates
	// nothing but the plaintext. They hold their own key copies, which wipe can only drop.
	ab, ba cipher.AEAD
}

// p2pSecret holds the two key values.
type p2pSecret struct {
	kAB, kBA [32]byte // k_AB seals A→B messages, k_BA seals B→A messages
}

// The redacting methods have value receivers so that both p2pSecret and *p2pSecret redact.
func (p2pSecret) String() string             { return redactedKeys }
func (p2pSecret) GoString() string           { return redactedKeys }
func (p2pSecret) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(redactedKeys)) }
func (p2pSecret) LogValue() slog.Value       { return slog.StringValue(redactedKeys) }

// sender returns the AEAD of this party's sending direction.
func (k *p2pKeys) sender() cipher.AEAD {
	if k == nil || k.ab == nil {
		panic("mpc: internal error: sealing with missing or wiped keys")
	}
	if k.selfIsA {
		return k.ab
	}
	return k.ba
}

// receiver returns the AEAD of the peer's sending direction.
func (k *p2pKeys) receiver() cipher.AEAD {
	if k == nil || k.ab == nil {
		panic("mpc: internal error: opening with missing or wiped keys")
	}
	if k.selfIsA {
		return k.ba
	}
	return k.ab
}

// wipe clears both keys (best effort) and drops the AEADs. The keys are unusable afterwards.
func (k *p2pKeys) wipe() {
	if k == nil {
		return
	}
	if k.keys != nil {
		clear(k.keys.kAB[:])
		clear(k.keys.kBA[:])
	}
	k.ab, k.ba = nil, nil
}

const redactedKeys = "mpc.p2pKeys(REDACTED)"

// The redacting methods have value receivers so that both p2pKeys and *p2pKeys redact.
func (p2pKeys) String() string             { return redactedKeys }
func (p2pKeys) GoString() string           { return redactedKeys }
func (p2pKeys) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(redactedKeys)) }
func (p2pKeys) LogValue() slog.Value       { return slog.StringValue(redactedKeys) }

// kexSalt is the HKDF salt of WIRE.md §10.7:
// SHA256(lp("tandem/v1/p2p-kdf") ‖ lp(L) ‖ lp(I) ‖ lp(enc(vk_A)) ‖ lp(enc(vk_B)) ‖ lp(epk_A) ‖ lp(epk_B)).
func kexSalt(label string, inst *InstanceID, encA, encB, epkA, epkB []byte) [32]byte {
	b := make([]byte, 0, 4*7+len(labelKDFSalt)+len(label)+len(inst)+len(encA)+len(encB)+len(epkA)+len(epkB))
	b = appendLPString(b, labelKDFSalt)
	b = appendLPString(b, label)
	b = appendLP(b, inst[:])
	b = appendLP(b, encA)
	b = appendLP(b, encB)
	b = appendLP(b, epkA)
	b = appendLP(b, epkB)
	return sha256.Sum256(b)
}

// errSameIdentity: both parties have the same enc(vk), which Run rejects before the KEX.
var errSameIdentity = errors.New("mpc: internal error: self and peer have the same key encoding")

// deriveKeys runs the KEX key schedule of WIRE.md §10.7 for the party with ephemeral key eph
// and typed key encoding selfEnc, against the peer's encoding peerEnc and authenticated
// ephemeral public key peerEPK. It consumes eph: the secret is wiped on every path. An
// all-zero X25519 result (a low-order peerEPK) is the peer's fault: errZeroShared, an
// *envelopeViolation. Any other error means a broken caller.
func deriveKeys(eph *ephemeralKey, label string, inst *InstanceID, selfEnc, peerEnc, peerEPK []byte) (*p2pKeys, error) {
	defer eph.wipe()
	if eph == nil || eph.priv == nil {
		return nil, errors.New("mpc: internal error: deriving keys without an ephemeral key")
	}
	cmp := bytes.Compare(selfEnc, peerEnc)
	if cmp == 0 {
		return nil, errSameIdentity
	}
	pub, err := ecdh.X25519().NewPublicKey(peerEPK)
	if err != nil {
		return nil, fmt.Errorf("mpc: internal error: peer ephemeral key: %w", err)
	}
	// crypto/ecdh rejects an all-zero X25519 output itself; the explicit check below keeps the
	// rule of §10.7 visible and independent of that behaviour.
	shared, err := eph.priv.ECDH(pub)
	if err != nil {
		return nil, errZeroShared
	}
	defer clear(shared)
	var zero [32]byte
	if subtle.ConstantTimeCompare(shared, zero[:]) == 1 {
		return nil, errZeroShared
	}
	selfEPK := eph.priv.PublicKey().Bytes()
	var salt [32]byte
	if cmp < 0 {
		salt = kexSalt(label, inst, selfEnc, peerEnc, selfEPK, peerEPK)
	} else {
		salt = kexSalt(label, inst, peerEnc, selfEnc, peerEPK, selfEPK)
	}
	return keysFromShared(shared, salt[:], cmp < 0)
}

// keysFromShared is the HKDF part of §10.7: PRK = HKDF-Extract(SHA-256, salt, shared), then the
// two 32-byte directional keys.
func keysFromShared(shared, salt []byte, selfIsA bool) (*p2pKeys, error) {
	prk, err := hkdf.Extract(sha256.New, shared, salt)
	if err != nil {
		return nil, fmt.Errorf("mpc: internal error: hkdf extract: %w", err)
	}
	defer clear(prk)
	k := &p2pKeys{keys: new(p2pSecret), selfIsA: selfIsA}
	for _, d := range []struct {
		info string
		dst  *[32]byte
	}{{labelKeyAB, &k.keys.kAB}, {labelKeyBA, &k.keys.kBA}} {
		okm, err := hkdf.Expand(sha256.New, prk, d.info, len(d.dst))
		if err != nil {
			return nil, fmt.Errorf("mpc: internal error: hkdf expand: %w", err)
		}
		copy(d.dst[:], okm)
		clear(okm)
	}
	if k.ab, err = chacha20poly1305.New(k.keys.kAB[:]); err != nil {
		return nil, fmt.Errorf("mpc: internal error: %w", err)
	}
	if k.ba, err = chacha20poly1305.New(k.keys.kBA[:]); err != nil {
		return nil, fmt.Errorf("mpc: internal error: %w", err)
	}
	return k, nil
}
