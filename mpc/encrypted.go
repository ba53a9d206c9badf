package mpc

import "encoding/binary"

// aeadNonce returns the ENCRYPTED nonce of a tag: 00 00 00 00 ‖ u64be(tag) (WIRE.md §10.8). It
// is never sent; the receiver takes it from the header tag it has checked against the id.
func aeadNonce(tag uint64) [12]byte {
	var n [12]byte
	binary.BigEndian.PutUint64(n[4:], tag)
	return n
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
	frame := make([]byte, envHeaderSize, envHeaderSize+len(plaintext)+aeadOverhead)
	h.put(frame)
	nonce := aeadNonce(h.tag)
	return keys.sender().Seal(frame, nonce[:], plaintext, frame[:envHeaderSize])
}

// openEncrypted opens an ENCRYPTED frame published under exp.id with the receiving key of keys
// (WIRE.md §10.8) and appends the plaintext to dst, which must not overlap frame. The
// structural checks come first (errMalformed); a failed AEAD open is errUnauthenticated. An
// ENCRYPTED envelope has no post-authentication checks. With a dst of sufficient capacity it
// allocates nothing; with a nil dst, only the plaintext. The frame is not modified.
func openEncrypted(dst, frame []byte, exp *expectation, keys *p2pKeys) ([]byte, error) {
	if exp.kind != Encrypted {
		panic("mpc: internal error: openEncrypted for kind " + exp.kind.String())
	}
	h, err := checkFrame(frame, exp)
	if err != nil {
		return nil, err
	}
	nonce := aeadNonce(h.tag)
	out, err := keys.receiver().Open(dst, nonce[:], frame[envHeaderSize:], frame[:envHeaderSize])
	if err != nil {
		return nil, errBadAEAD
	}
	return out, nil
}
