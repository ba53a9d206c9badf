package mpc

import "math"

// AbortTag is the tag of every ABORT envelope (WIRE.md §10.3, §10.9): all ones.
const AbortTag uint64 = math.MaxUint64

// Round numbers with a reserved meaning (WIRE.md §10.3).
const (
	// KEXRound is round 0: only the standalone KEX message (round 0, seq 0) uses it.
	KEXRound uint32 = 0
	// MaxProtocolRound is the last round a protocol message may use.
	MaxProtocolRound uint32 = 0xFFFF_FFFE
	// reservedRound is round 0xFFFF_FFFF, used only by AbortTag.
	reservedRound uint32 = 0xFFFF_FFFF
)

// Tag returns the 64-bit tag of (round, seq): u64(round) << 32 | u64(seq) (WIRE.md §10.3). It
// travels as u64be in the message id, the envelope header and the ENCRYPTED nonce.
func Tag(round, seq uint32) uint64 { return uint64(round)<<32 | uint64(seq) }

// TagRound returns the round half of a tag.
func TagRound(tag uint64) uint32 { return uint32(tag >> 32) }

// TagSeq returns the seq half of a tag.
func TagSeq(tag uint64) uint32 { return uint32(tag) }

// tagClass is the meaning of a tag value (WIRE.md §10.3).
type tagClass uint8

const (
	tagReserved tagClass = iota // round 0 with seq ≠ 0, or round 0xFFFF_FFFF other than AbortTag
	tagKEX                      // round 0, seq 0: the standalone KEX carrier
	tagProtocol                 // rounds 1 … 0xFFFF_FFFE, any seq
	tagAbort                    // AbortTag
)

// classifyTag returns the class of tag.
//
// Deviation note (spec gap): §10.3 lists (0, 0) and says round 0xFFFF_FFFF is reserved apart
// from AbortTag, but is silent on round 0 with seq ≠ 0. Nothing may use those tags (the driver
// inserts only (0, 0)), so they are reserved here too.
func classifyTag(tag uint64) tagClass {
	switch r := TagRound(tag); {
	case tag == AbortTag:
		return tagAbort
	case r == reservedRound:
		return tagReserved
	case r == KEXRound && TagSeq(tag) == 0:
		return tagKEX
	case r == KEXRound:
		return tagReserved
	default:
		return tagProtocol
	}
}

// tagAllowed reports whether an envelope of kind k may carry tag (WIRE.md §10.3, §10.8, §10.9):
// SIGNED uses the KEX tag or protocol tags, ENCRYPTED only protocol tags (round-0 tags are
// never encrypted), ABORT only AbortTag.
func tagAllowed(k Kind, tag uint64) bool {
	switch c := classifyTag(tag); k {
	case Signed:
		return c == tagKEX || c == tagProtocol
	case Encrypted:
		return c == tagProtocol
	case kindAbort:
		return c == tagAbort
	default:
		return false
	}
}
