package mpc

import "encoding/binary"

// nonceSize is the ChaCha20-Poly1305 nonce length.
const nonceSize = 12

// aeadNonce returns the ENCRYPTED nonce of a tag: 00 00 00 00 ‖ u64be(tag) (WIRE.md §10.8). It
// is never sent; the receiver takes it from the header tag it has checked against the id.
func aeadNonce(tag uint64) [nonceSize]byte {
	var n [nonceSize]byte
	putNonce(n[:], tag)
	return n
}

// putNonce writes the nonce of tag to b[:12].
func putNonce(b []byte, tag uint64) {
	clear(b[:4])
	binary.BigEndian.PutUint64(b[4:nonceSize], tag)
}

// growForAEAD returns dst with capacity for n more bytes of output followed by a 12-byte nonce
// slot, and that slot. A nonce in a local array would escape to the heap through the
// cipher.AEAD interface call (one allocation per message); keeping it in the spare capacity
// of the output buffer makes the output the only allocation. The slot lies beyond the n output
// bytes, so the AEAD never writes over it.
func growForAEAD(dst []byte, n int) (out, nonce []byte) {
	need := len(dst) + n + nonceSize
	if cap(dst) < need {
		nd := make([]byte, len(dst), need)
		copy(nd, dst)
		dst = nd
	}
	return dst, dst[cap(dst)-nonceSize : cap(dst)]
}

// sealEncrypted seals an ENCRYPTED envelope from this party to the peer (WIRE.md §10.8) with
// the sending key of keys. h supplies id, ttlCode and tag; kind, ext (0) and flags (0) are set
// here. AAD is the whole 48-byte header.
//
// Nonce uniqueness rests on the caller: seal each (round, seq) of a session at most once and
// cache the frame (§10.8). The tag must be a protocol tag (never round 0 or ABORT).
func sealEncrypted(keys *p2pKeys, h envHeader, plaintext []byte) []byte {
	h.kind, h.ext, h.flags = Encrypted, 0, 0
	if !tagAllowed(Encrypted, h.tag) {
		panic("mpc: internal error: sealing an ENCRYPTED envelope with a tag not allowed for it")
	}
	frame, nonce := growForAEAD(make([]byte, envHeaderSize, envHeaderSize+len(plaintext)+aeadOverhead+nonceSize), len(plaintext)+aeadOverhead)
	h.put(frame)
	putNonce(nonce, h.tag)
	frame = keys.sender().Seal(frame, nonce, plaintext, frame[:envHeaderSize])
	return frame[:len(frame):len(frame)]
}

// openEncrypted opens an ENCRYPTED frame published under exp.id with the receiving key of keys
// (WIRE.md §10.8) and appends the plaintext to dst, which must not overlap frame. The
// structural checks come first (errMalformed); a failed AEAD open is errUnauthenticated. An
// ENCRYPTED envelope has no post-authentication checks. With a nil dst it allocates once (the
// plaintext); with a dst whose spare capacity covers the plaintext plus 12 bytes (the nonce
// slot of growForAEAD), nothing. The frame is not modified.
func openEncrypted(dst, frame []byte, exp *expectation, keys *p2pKeys) ([]byte, error) {
	if exp.kind != Encrypted {
		panic("mpc: internal error: openEncrypted for kind " + exp.kind.String())
	}
	h, err := checkFrame(frame, exp)
	if err != nil {
		return nil, err
	}
	dst, nonce := growForAEAD(dst, len(frame)-minEncryptedLen)
	putNonce(nonce, h.tag)
	out, err := keys.receiver().Open(dst, nonce, frame[envHeaderSize:], frame[:envHeaderSize])
	if err != nil {
		return nil, errBadAEAD
	}
	return out[:len(out):len(out)], nil
}
