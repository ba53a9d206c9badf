package signer

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
)

// VerifyingKey is a validated public key of one of the supported [KeyType]s, held in its
// canonical raw form (32 bytes for Ed25519, the 33-byte compressed point for P-256).
//
// The zero value is "no key": IsZero reports true, Verify always fails, and the encodings
// refuse it. Because the raw form is canonical, VerifyingKey is comparable and == agrees with
// Equal; it can be used as a map key.
type VerifyingKey struct {
	typ KeyType
	raw [maxRawSize]byte // first typ.rawSize() bytes used, the rest zero
}

// NewVerifyingKey validates raw as a public key of type t and returns it in canonical form.
// t may be a wire name or an alias ("Ed25519", "ECDSA_P256").
//
// Ed25519 keys must be 32 bytes, canonical (y < p, no sign bit on x = 0), on the curve, and not
// one of the 8 points of small order. P-256 keys are a 33-byte compressed or 65-byte
// uncompressed SEC 1 point on the curve; the uncompressed form is normalised to compressed.
// Errors wrap ErrUnknownKeyType or ErrInvalidKey.
func NewVerifyingKey(t KeyType, raw []byte) (VerifyingKey, error) {
	t, err := ParseKeyType(string(t))
	if err != nil {
		return VerifyingKey{}, err
	}
	k := VerifyingKey{typ: t}
	switch t {
	case Ed25519:
		if err := checkEd25519Key(raw); err != nil {
			return VerifyingKey{}, err
		}
		copy(k.raw[:], raw)
	case ECDSAP256:
		c, err := normaliseP256Key(raw)
		if err != nil {
			return VerifyingKey{}, err
		}
		k.raw = c
	}
	return k, nil
}

// ParseVerifyingKey parses the text form "<KEYTYPE>:<standard base64 with padding of raw>",
// for example "ED25519:11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=". The key type may be an
// alias; the base64 must be canonical (padding present, no line breaks, zero trailing bits).
// A P-256 key may be given uncompressed; String then returns it compressed.
func ParseVerifyingKey(text string) (VerifyingKey, error) {
	// The longest valid text: "ECDSA_P256_SEC1:" plus base64 of a 65-byte point (88 chars).
	const maxText = 16 + 88
	if len(text) > maxText {
		return VerifyingKey{}, fmt.Errorf("%w: verifying key text is %d bytes, longer than %d", ErrInvalidKey, len(text), maxText)
	}
	name, b64, ok := strings.Cut(text, ":")
	if !ok {
		return VerifyingKey{}, fmt.Errorf("%w: verifying key text %q has no ':'", ErrInvalidKey, truncate(text))
	}
	t, err := ParseKeyType(name)
	if err != nil {
		return VerifyingKey{}, err
	}
	raw, err := decodeStdBase64(b64)
	if err != nil {
		return VerifyingKey{}, err
	}
	return NewVerifyingKey(t, raw)
}

// ParseVerifyingKeyEncoding parses the typed encoding type_code ‖ raw (0x01 ‖ 32 bytes for
// Ed25519, 0x02 ‖ 33-byte compressed point for P-256). Only the canonical form is accepted, so
// Encoding of the result reproduces enc exactly.
func ParseVerifyingKeyEncoding(enc []byte) (VerifyingKey, error) {
	if len(enc) == 0 {
		return VerifyingKey{}, fmt.Errorf("%w: empty key encoding", ErrInvalidKey)
	}
	t, err := keyTypeFromCode(enc[0])
	if err != nil {
		return VerifyingKey{}, err
	}
	if len(enc)-1 != t.rawSize() {
		return VerifyingKey{}, fmt.Errorf("%w: %s key encoding is %d bytes, want %d", ErrInvalidKey, t, len(enc), 1+t.rawSize())
	}
	return NewVerifyingKey(t, enc[1:])
}

// Type returns the key type, or "" for the zero VerifyingKey.
func (k VerifyingKey) Type() KeyType { return k.typ }

// IsZero reports whether k is the zero VerifyingKey (no key).
func (k VerifyingKey) IsZero() bool { return k.typ == "" }

// Raw returns a copy of the canonical raw key: 32 bytes (Ed25519) or 33 bytes (P-256,
// compressed). It returns nil for the zero VerifyingKey.
func (k VerifyingKey) Raw() []byte {
	if k.IsZero() {
		return nil
	}
	return append([]byte(nil), k.raw[:k.typ.rawSize()]...)
}

// Encoding returns the typed encoding type_code ‖ raw (33 or 34 bytes) that WIRE.md uses in
// message ids and transcripts and PROTOCOL.md uses as the party identity. It returns nil for
// the zero VerifyingKey.
func (k VerifyingKey) Encoding() []byte {
	if k.IsZero() {
		return nil
	}
	n := k.typ.rawSize()
	out := make([]byte, 1+n)
	out[0] = k.typ.code()
	copy(out[1:], k.raw[:n])
	return out
}

// String returns the text form "<KEYTYPE>:<base64>", or "<zero VerifyingKey>" for the zero
// value (which ParseVerifyingKey rejects).
func (k VerifyingKey) String() string {
	if k.IsZero() {
		return "<zero VerifyingKey>"
	}
	return string(k.typ) + ":" + base64.StdEncoding.EncodeToString(k.raw[:k.typ.rawSize()])
}

// Equal reports whether k and o are the same key (same type and raw bytes). It is the same as
// k == o; the bytes are public, so the comparison is not constant time.
func (k VerifyingKey) Equal(o VerifyingKey) bool { return k == o }

// Verify reports whether sig is a valid 64-byte wire signature of msg under k: pure Ed25519
// over msg (crypto/ed25519.Verify), or ECDSA P-256 over SHA-256(msg) with r ‖ s, where low-s
// and high-s are both accepted and r or s outside [1, n−1] are rejected. The zero key verifies
// nothing.
func (k VerifyingKey) Verify(msg, sig []byte) bool {
	switch k.typ {
	case Ed25519:
		return len(sig) == ed25519.SignatureSize && ed25519.Verify(k.raw[:ed25519.PublicKeySize], msg, sig)
	case ECDSAP256:
		return verifyP256(k.raw[:p256CompressedSize], msg, sig)
	}
	return false
}

// MarshalText returns the text form. The zero VerifyingKey cannot be marshalled.
func (k VerifyingKey) MarshalText() ([]byte, error) {
	if k.IsZero() {
		return nil, fmt.Errorf("%w: cannot marshal the zero VerifyingKey", ErrInvalidKey)
	}
	return []byte(k.String()), nil
}

// UnmarshalText parses the text form (see ParseVerifyingKey). On error k is unchanged.
func (k *VerifyingKey) UnmarshalText(text []byte) error {
	v, err := ParseVerifyingKey(string(text))
	if err != nil {
		return err
	}
	*k = v
	return nil
}

// verifyingKeyJSON is the JSON object shape shared with the mobile SDK.
type verifyingKeyJSON struct {
	KeyType string `json:"keyType"`
	Value   string `json:"value"`
}

// MarshalJSON returns {"keyType":"<KEYTYPE>","value":"<standard base64 of raw>"}. The zero
// VerifyingKey marshals as null.
func (k VerifyingKey) MarshalJSON() ([]byte, error) {
	if k.IsZero() {
		return []byte("null"), nil
	}
	return json.Marshal(verifyingKeyJSON{
		KeyType: string(k.typ),
		Value:   base64.StdEncoding.EncodeToString(k.raw[:k.typ.rawSize()]),
	})
}

// UnmarshalJSON parses the object form written by MarshalJSON. The key type may be an alias
// and a P-256 value may be uncompressed; unknown members are ignored. It also accepts a JSON
// string holding the text form, which is how encoding/json hands over a VerifyingKey used as
// a map key. null leaves k unchanged, like encoding/json does for other types. On error k is
// unchanged.
func (k *VerifyingKey) UnmarshalJSON(data []byte) error {
	if string(data) == "null" {
		return nil
	}
	if len(data) > 0 && data[0] == '"' {
		var text string
		if err := json.Unmarshal(data, &text); err != nil {
			return fmt.Errorf("%w: verifying key JSON: %v", ErrInvalidKey, err)
		}
		return k.UnmarshalText([]byte(text))
	}
	var j verifyingKeyJSON
	if err := json.Unmarshal(data, &j); err != nil {
		return fmt.Errorf("%w: verifying key JSON: %v", ErrInvalidKey, err)
	}
	t, err := ParseKeyType(j.KeyType)
	if err != nil {
		return err
	}
	raw, err := decodeStdBase64(j.Value)
	if err != nil {
		return err
	}
	v, err := NewVerifyingKey(t, raw)
	if err != nil {
		return err
	}
	*k = v
	return nil
}

// decodeStdBase64 decodes canonical standard base64 with padding: it rejects line breaks
// (which encoding/base64 would silently skip) and non-zero trailing bits, so that every key has
// exactly one text form.
func decodeStdBase64(s string) ([]byte, error) {
	raw, err := base64.StdEncoding.Strict().DecodeString(s)
	if err != nil || base64.StdEncoding.EncodeToString(raw) != s {
		return nil, fmt.Errorf("%w: key value is not canonical standard base64", ErrInvalidKey)
	}
	return raw, nil
}
