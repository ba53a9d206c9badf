package mpc

import (
	"crypto/sha256"
	"encoding/binary"
)

// Domain-separation strings of the transport layer (WIRE.md §10). Every tagged hash, signature
// prefix and key-derivation label of package mpc is declared here, and labels_test.go checks
// that they are distinct.
const (
	// tagMsgID is the TH tag of message ids (§10.4).
	tagMsgID = "tandem/v1/msg-id"
	// tagSubInstance is the TH tag of SubInstance (§10.2).
	tagSubInstance = "tandem/v1/sub-instance"
	// labelSignedEnvelope prefixes the signing input of SIGNED and ABORT envelopes (§10.6),
	// preceded by its length as one byte.
	labelSignedEnvelope = "tandem/v1/signed-envelope"
	// labelKDFSalt is the first length-prefixed field of the KEX salt (§10.7).
	labelKDFSalt = "tandem/v1/p2p-kdf"
	// labelKeyAB and labelKeyBA are the HKDF-Expand info strings of the two directional keys
	// (§10.7).
	labelKeyAB = "tandem/v1/p2p-key A->B"
	labelKeyBA = "tandem/v1/p2p-key B->A"
)

// allLabels lists every constant above, for the uniqueness test.
var allLabels = []string{tagMsgID, tagSubInstance, labelSignedEnvelope, labelKDFSalt, labelKeyAB, labelKeyBA}

// taggedHash is WIRE.md §0's TH(tag, x) = SHA256(SHA256(tag) ‖ SHA256(tag) ‖ x), where x is the
// concatenation of parts. Callers length-prefix the parts themselves (appendLP), so that the
// encoding is injective.
func taggedHash(tag string, parts ...[]byte) [32]byte {
	t := sha256.Sum256([]byte(tag))
	h := sha256.New()
	h.Write(t[:])
	h.Write(t[:])
	for _, p := range parts {
		h.Write(p)
	}
	var out [32]byte
	h.Sum(out[:0])
	return out
}

// appendLP appends lp(x) = u32be(len(x)) ‖ x to b (WIRE.md §0). Every x this package
// length-prefixes is far below 2^32 bytes; a longer one is an internal error.
func appendLP(b, x []byte) []byte {
	if uint64(len(x)) > 0xFFFF_FFFF {
		panic("mpc: internal error: length prefix overflow")
	}
	b = binary.BigEndian.AppendUint32(b, uint32(len(x)))
	return append(b, x...)
}

// appendLPString is appendLP for a string, without converting it to a slice first.
func appendLPString(b []byte, s string) []byte {
	if uint64(len(s)) > 0xFFFF_FFFF {
		panic("mpc: internal error: length prefix overflow")
	}
	b = binary.BigEndian.AppendUint32(b, uint32(len(s)))
	return append(b, s...)
}
