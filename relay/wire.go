package relay

import (
	"encoding/binary"
	"encoding/hex"
	"errors"
	"time"
)

// Wire constants of the relay framing (WIRE.md §2.3, §2.5).
const (
	// HeaderSize is the length of the relay header: id(32) ‖ ttl(u16le) ‖ flags(u16le).
	HeaderSize = 36
	// FlagOneReceiver on a PUB: the candidate goes to at most one connection.
	FlagOneReceiver uint16 = 0x8000
	// FlagUnask on an ASK: tandem's extension that removes this connection's waiter.
	FlagUnask uint16 = 0x4000
	// ReservedFlagsMask are bits senders must leave at 0.
	ReservedFlagsMask uint16 = 0x3000
	// AppFlagsMask are application bits the relay ignores.
	AppFlagsMask uint16 = 0x0FFF
	// MaxTTL is the longest TTL the 16-bit code can express (code 0xFFFF).
	MaxTTL = 653050 * time.Second
)

// ErrInvalidFrame reports a frame shorter than the relay header, or a caller-supplied frame
// that is not a valid PUB.
var ErrInvalidFrame = errors.New("relay: invalid frame")

// MsgID is the 32-byte routing key of a frame. The relay treats it as opaque.
type MsgID [32]byte

// String returns the id in lowercase hex.
func (id MsgID) String() string { return hex.EncodeToString(id[:]) }

// Short returns the first 8 bytes in hex, the only form of an id that is logged (WIRE.md §9.4).
func (id MsgID) Short() string { return hex.EncodeToString(id[:8]) }

// Header is the parsed 36-byte relay header.
type Header struct {
	ID      MsgID
	TTLCode uint16
	Flags   uint16
}

// TTL decodes the header's TTL code (WIRE.md §2.4).
func (h Header) TTL() time.Duration { return DecodeTTL(h.TTLCode) }

// Marshal returns the 36-byte wire form of h.
func (h Header) Marshal() []byte {
	b := make([]byte, HeaderSize)
	h.put(b)
	return b
}

func (h Header) put(b []byte) {
	copy(b[:32], h.ID[:])
	binary.LittleEndian.PutUint16(b[32:34], h.TTLCode)
	binary.LittleEndian.PutUint16(b[34:36], h.Flags)
}

// ParseHeader reads the relay header at the start of frame. It fails only when the frame is
// shorter than HeaderSize; it never looks past byte 36.
func ParseHeader(frame []byte) (Header, error) {
	if len(frame) < HeaderSize {
		return Header{}, ErrInvalidFrame
	}
	var h Header
	copy(h.ID[:], frame[:32])
	h.TTLCode = binary.LittleEndian.Uint16(frame[32:34])
	h.Flags = binary.LittleEndian.Uint16(frame[34:36])
	return h, nil
}

// FrameKind is the class of a binary frame, decided by its length alone (WIRE.md §2.2).
type FrameKind uint8

// Frame classes.
const (
	FrameInvalid FrameKind = iota // shorter than the header
	FrameAsk                      // exactly the header
	FrameUnask                    // exactly the header, with FlagUnask
	FramePublish                  // header and at least one body byte
)

func (k FrameKind) String() string {
	switch k {
	case FrameAsk:
		return "ask"
	case FrameUnask:
		return "unask"
	case FramePublish:
		return "publish"
	default:
		return "invalid"
	}
}

// Classify returns the class of a binary frame from its length (and, for a 36-byte frame, the
// UNASK flag).
func Classify(frame []byte) FrameKind {
	switch {
	case len(frame) < HeaderSize:
		return FrameInvalid
	case len(frame) == HeaderSize:
		if binary.LittleEndian.Uint16(frame[34:36])&FlagUnask != 0 {
			return FrameUnask
		}
		return FrameAsk
	default:
		return FramePublish
	}
}

// AskFrame returns a 36-byte ASK for id with the TTL encoded by EncodeTTL and flags 0.
func AskFrame(id MsgID, ttl time.Duration) []byte {
	return Header{ID: id, TTLCode: EncodeTTL(ttl)}.Marshal()
}

// UnaskFrame returns a 36-byte UNASK for id (flags 0x4000, TTL code 0).
func UnaskFrame(id MsgID) []byte {
	return Header{ID: id, Flags: FlagUnask}.Marshal()
}

// PublishFrame returns header ‖ body for a PUB with the given TTL and flags. It fails with
// ErrInvalidFrame if body is empty.
func PublishFrame(id MsgID, ttl time.Duration, flags uint16, body []byte) ([]byte, error) {
	if len(body) == 0 {
		return nil, ErrInvalidFrame
	}
	b := make([]byte, HeaderSize+len(body))
	Header{ID: id, TTLCode: EncodeTTL(ttl), Flags: flags}.put(b)
	copy(b[HeaderSize:], body)
	return b, nil
}
