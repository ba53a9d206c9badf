package signer

import "fmt"

// KeyType names a message-signature algorithm (WIRE.md §10.1). The values are the wire text of
// the key type, used in the text and JSON forms of a [VerifyingKey].
type KeyType string

const (
	// Ed25519 is pure Ed25519 (RFC 8032): 32-byte keys, 64-byte signatures over the message.
	Ed25519 KeyType = "ED25519"
	// ECDSAP256 is ECDSA on NIST P-256 with SHA-256: 33-byte SEC 1 compressed keys, 64-byte
	// r ‖ s signatures over SHA-256 of the message.
	ECDSAP256 KeyType = "ECDSA_P256_SEC1"
)

// Type codes of the typed encoding type_code ‖ raw (WIRE.md §10.1).
const (
	codeEd25519   byte = 0x01
	codeECDSAP256 byte = 0x02
)

// Sizes of the raw verifying keys and of the wire signatures.
const (
	ed25519KeySize      = 32
	p256CompressedSize  = 33
	p256UncompressedLen = 65
	// SignatureSize is the length of every signature on the wire: 64 bytes for both key types.
	SignatureSize = 64
	maxRawSize    = p256CompressedSize
)

// ParseKeyType maps a key type name to its KeyType. It accepts the wire names ("ED25519",
// "ECDSA_P256_SEC1") and the aliases "Ed25519" and "ECDSA_P256"; anything else, including
// other capitalisations, is ErrUnknownKeyType.
func ParseKeyType(name string) (KeyType, error) {
	switch name {
	case string(Ed25519), "Ed25519":
		return Ed25519, nil
	case string(ECDSAP256), "ECDSA_P256":
		return ECDSAP256, nil
	}
	return "", fmt.Errorf("%w: %q", ErrUnknownKeyType, truncate(name))
}

// String returns the wire name of the key type.
func (t KeyType) String() string { return string(t) }

// valid reports whether t is one of the two supported key types (wire names only).
func (t KeyType) valid() bool { return t == Ed25519 || t == ECDSAP256 }

// code returns the type code of t; t must be valid.
func (t KeyType) code() byte {
	switch t {
	case Ed25519:
		return codeEd25519
	case ECDSAP256:
		return codeECDSAP256
	}
	panic("signer: internal error: code of invalid key type")
}

// rawSize returns the length of the canonical raw key of t; t must be valid.
func (t KeyType) rawSize() int {
	switch t {
	case Ed25519:
		return ed25519KeySize
	case ECDSAP256:
		return p256CompressedSize
	}
	panic("signer: internal error: size of invalid key type")
}

// keyTypeFromCode maps a type code back to its KeyType.
func keyTypeFromCode(c byte) (KeyType, error) {
	switch c {
	case codeEd25519:
		return Ed25519, nil
	case codeECDSAP256:
		return ECDSAP256, nil
	}
	return "", fmt.Errorf("%w: type code 0x%02x", ErrUnknownKeyType, c)
}

// truncate shortens untrusted text quoted in an error message.
func truncate(s string) string {
	const max = 32
	if len(s) <= max {
		return s
	}
	return s[:max] + "…"
}
