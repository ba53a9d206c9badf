package mpc

import (
	"encoding/binary"

	"github.com/tandem-mpc/tandem/relay"
)

// Kind is the kind of a slot in a plan, and the kind byte of its envelope (WIRE.md §10.5,
// §12.1). The zero value is invalid.
type Kind uint8

// Slot kinds. The values are the envelope kind bytes.
const (
	// Signed: a SIGNED envelope (§10.6), readable by anyone who knows the id.
	Signed Kind = 0x01
	// Encrypted: an ENCRYPTED envelope (§10.8) under the peer-to-peer keys; always directed.
	Encrypted Kind = 0x02
	// kindAbort is the ABORT envelope (§10.9). It is never a plan slot.
	kindAbort Kind = 0x03
)

// String returns "signed", "encrypted", "abort" or "kind(0xNN)".
func (k Kind) String() string {
	switch k {
	case Signed:
		return "signed"
	case Encrypted:
		return "encrypted"
	case kindAbort:
		return "abort"
	default:
		const hexdigits = "0123456789abcdef"
		return "kind(0x" + string([]byte{hexdigits[k>>4], hexdigits[k&15]}) + ")"
	}
}

// Envelope layout (WIRE.md §10.5–§10.9).
const (
	envHeaderSize   = 48 // the common header, relay header included
	envVersion      = 0x01
	extKEX          = 0x01                                    // ext bit 0: the SIGNED envelope carries the sender's X25519 key
	epkSize         = 32                                      // X25519 public key in the EXT_KEX field
	signatureSize   = 64                                      // signer.SignatureSize for both key types
	aeadOverhead    = 16                                      // Poly1305 tag
	minSignedLen    = envHeaderSize + signatureSize           // 112
	minSignedKEXLen = envHeaderSize + epkSize + signatureSize // 144
	minEncryptedLen = envHeaderSize + aeadOverhead            // 64

	offVersion  = relay.HeaderSize // 36
	offKind     = offVersion + 1
	offExt      = offVersion + 2
	offReserved = offVersion + 3
	offTag      = offVersion + 4 // 40
)

// envHeader is the parsed 48-byte common envelope header (WIRE.md §10.5). The version byte
// (always envVersion) and the reserved byte (always 0) are implied.
type envHeader struct {
	id      relay.MsgID
	ttlCode uint16 // u16le, the relay's TTL code (§2.4)
	flags   uint16 // u16le relay flags: senders write 0, receivers ignore them (authenticated anyway)
	kind    Kind
	ext     uint8
	tag     uint64
}

// put writes h to b[:envHeaderSize].
func (h *envHeader) put(b []byte) {
	_ = b[envHeaderSize-1]
	copy(b[:32], h.id[:])
	binary.LittleEndian.PutUint16(b[32:34], h.ttlCode)
	binary.LittleEndian.PutUint16(b[34:36], h.flags)
	b[offVersion] = envVersion
	b[offKind] = byte(h.kind)
	b[offExt] = h.ext
	b[offReserved] = 0
	binary.BigEndian.PutUint64(b[offTag:envHeaderSize], h.tag)
}

// marshal returns the 48-byte wire form of h.
func (h *envHeader) marshal() []byte {
	b := make([]byte, envHeaderSize)
	h.put(b)
	return b
}

// parseEnvHeader parses the first 48 bytes of frame and applies every check of §10.5 that
// needs no expected slot: version 0x01, a known kind, ext bits allowed for that kind (EXT_KEX
// only on SIGNED), reserved 0, and a tag allowed for the kind (§10.3). Bytes after the header
// are not looked at. Every failure is errMalformed: the frame is dropped without blame.
//
// Deviation note (spec gap): §10.5 drops "unknown ext bits" before authentication and checks
// EXT_KEX after it. EXT_KEX has a meaning only on SIGNED (§10.5, §10.8, §10.9 fix ext = 0 on
// ENCRYPTED and ABORT), so on those kinds bit 0 counts as unknown and is dropped here, without
// blame. Only a SIGNED envelope's EXT_KEX is judged after authentication.
func parseEnvHeader(frame []byte) (envHeader, error) {
	if len(frame) < envHeaderSize {
		return envHeader{}, errShortFrame
	}
	if frame[offVersion] != envVersion {
		return envHeader{}, errBadVersion
	}
	var h envHeader
	h.kind = Kind(frame[offKind])
	h.ext = frame[offExt]
	switch h.kind {
	case Signed:
		if h.ext&^extKEX != 0 {
			return envHeader{}, errBadExt
		}
	case Encrypted, kindAbort:
		if h.ext != 0 {
			return envHeader{}, errBadExt
		}
	default:
		return envHeader{}, errBadKind
	}
	if frame[offReserved] != 0 {
		return envHeader{}, errBadReserved
	}
	h.tag = binary.BigEndian.Uint64(frame[offTag:envHeaderSize])
	if !tagAllowed(h.kind, h.tag) {
		return envHeader{}, errBadTag
	}
	copy(h.id[:], frame[:32])
	h.ttlCode = binary.LittleEndian.Uint16(frame[32:34])
	h.flags = binary.LittleEndian.Uint16(frame[34:36])
	return h, nil
}
