package transcript

import "encoding/binary"

// U8 returns the 1-byte encoding u8(v) of PROTOCOL.md §1.4.
func U8(v uint8) [1]byte { return [1]byte{v} }

// U16 returns the 2-byte big-endian encoding u16(v) of PROTOCOL.md §1.4.
func U16(v uint16) [2]byte {
	var b [2]byte
	binary.BigEndian.PutUint16(b[:], v)
	return b
}

// U32 returns the 4-byte big-endian encoding u32(v) of PROTOCOL.md §1.4.
func U32(v uint32) [4]byte {
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], v)
	return b
}

// U64 returns the 8-byte big-endian encoding u64(v) of PROTOCOL.md §1.4.
func U64(v uint64) [8]byte {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], v)
	return b
}

// EncodedLen returns len(E(label, fields...)).
func EncodedLen(label Label, fields ...[]byte) int {
	n := 8 + len(label)
	for _, f := range fields {
		n += 8 + len(f)
	}
	return n
}

// AppendE appends the injective encoding
//
//	E(label, f1, …, fm) = u64(len(label)) ‖ label ‖ u64(len(f1)) ‖ f1 ‖ … ‖ u64(len(fm)) ‖ fm
//
// of PROTOCOL.md §2.3 to dst and returns the extended slice.
func AppendE(dst []byte, label Label, fields ...[]byte) []byte {
	dst = binary.BigEndian.AppendUint64(dst, uint64(len(label)))
	dst = append(dst, label...)
	for _, f := range fields {
		dst = binary.BigEndian.AppendUint64(dst, uint64(len(f)))
		dst = append(dst, f...)
	}
	return dst
}

// E returns E(label, fields...) of PROTOCOL.md §2.3 in a new slice. It is the message that
// [H] hashes and that [H2C] maps to the curve.
func E(label Label, fields ...[]byte) []byte {
	return AppendE(make([]byte, 0, EncodedLen(label, fields...)), label, fields...)
}
