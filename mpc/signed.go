package mpc

import (
	"context"
	"fmt"
	"sync"

	"github.com/tandem-mpc/tandem/signer"
)

// signingPrefix is u8(25) ‖ "tandem/v1/signed-envelope", the first bytes of the signing input of
// SIGNED and ABORT envelopes (WIRE.md §10.6).
var signingPrefix = append([]byte{byte(len(labelSignedEnvelope))}, labelSignedEnvelope...)

// signedEnvelope is an opened SIGNED or ABORT envelope. epk and payload alias the frame.
type signedEnvelope struct {
	header  envHeader
	epk     []byte // the peer's X25519 public key (32 bytes) when EXT_KEX is set, else nil
	payload []byte
}

// sealSigned seals a SIGNED envelope (kind Signed) or, with kind kindAbort, an ABORT envelope
// (WIRE.md §10.6, §10.9). h supplies id, ttlCode and tag; kind, ext and flags (0) are set
// here. A non-nil epk (32 bytes) is carried in the EXT_KEX field, which is legal only on
// SIGNED. Ed25519 signs the signing input itself; P-256 signs its SHA-256 (the signer package
// hashes).
//
// P-256 signatures are randomised: the caller MUST seal each message once and cache the frame
// (§10.6). The returned frame is a sub-slice of a buffer that also holds the signing prefix.
func sealSigned(ctx context.Context, s signer.Signer, kind Kind, h envHeader, epk []byte, payload []byte) ([]byte, error) {
	h.kind, h.flags, h.ext = kind, 0, 0
	switch {
	case kind != Signed && kind != kindAbort:
		panic("mpc: internal error: sealSigned with kind " + kind.String())
	case epk != nil && (kind != Signed || len(epk) != epkSize):
		panic("mpc: internal error: EXT_KEX field on a non-SIGNED envelope or of the wrong size")
	case !tagAllowed(kind, h.tag):
		panic("mpc: internal error: sealing a tag not allowed for the kind")
	case epk != nil:
		h.ext = extKEX
	}
	n := envHeaderSize + len(epk) + len(payload) + signatureSize
	buf := make([]byte, len(signingPrefix)+n)
	copy(buf, signingPrefix)
	frame := buf[len(signingPrefix):]
	h.put(frame)
	off := envHeaderSize + copy(frame[envHeaderSize:], epk)
	copy(frame[off:], payload)
	sig, err := s.Sign(ctx, buf[:len(buf)-signatureSize])
	if err != nil {
		return nil, fmt.Errorf("mpc: sign envelope: %w", err)
	}
	if len(sig) != signatureSize {
		return nil, fmt.Errorf("mpc: sign envelope: signer returned %d bytes, want %d", len(sig), signatureSize)
	}
	copy(frame[n-signatureSize:], sig)
	return frame, nil
}

// openSigned opens a SIGNED or ABORT frame published under exp.id (WIRE.md §10.5, §10.6): the
// structural checks (errMalformed), then the peer's signature (errUnauthenticated), then, on
// an authenticated frame only, whether EXT_KEX is present exactly when exp.kex says so
// (*envelopeViolation). epk and payload of the result alias frame. The frame is not modified.
func openSigned(frame []byte, exp *expectation) (signedEnvelope, error) {
	if exp.kind != Signed && exp.kind != kindAbort {
		panic("mpc: internal error: openSigned for kind " + exp.kind.String())
	}
	h, err := checkFrame(frame, exp)
	if err != nil {
		return signedEnvelope{}, err
	}
	body, sig := frame[:len(frame)-signatureSize], frame[len(frame)-signatureSize:]
	if !verifySigned(exp.peer, body, sig) {
		return signedEnvelope{}, errBadSignature
	}
	env := signedEnvelope{header: h, payload: body[envHeaderSize:]}
	hasKEX := h.ext&extKEX != 0
	if hasKEX {
		env.epk = body[envHeaderSize : envHeaderSize+epkSize : envHeaderSize+epkSize]
		env.payload = body[envHeaderSize+epkSize:]
	}
	switch {
	case hasKEX && !exp.kex:
		return signedEnvelope{}, errUnexpectedKX
	case !hasKEX && exp.kex:
		return signedEnvelope{}, errMissingKEX
	}
	env.payload = env.payload[:len(env.payload):len(env.payload)]
	return env, nil
}

// signingInputPool recycles the buffers that hold signingPrefix ‖ frame[0:len−64] while a
// signature is verified. The verifiers take the message as one slice, and frames arrive
// without room in front for the prefix.
var signingInputPool = sync.Pool{New: func() any { return new([]byte) }}

// maxPooledSigningInput bounds the buffers kept in signingInputPool.
const maxPooledSigningInput = 1 << 20

// verifySigned verifies sig by vk over signingPrefix ‖ body (WIRE.md §10.6).
func verifySigned(vk signer.VerifyingKey, body, sig []byte) bool {
	bp := signingInputPool.Get().(*[]byte)
	msg := append(append((*bp)[:0], signingPrefix...), body...)
	ok := vk.Verify(msg, sig)
	if cap(msg) <= maxPooledSigningInput {
		*bp = msg[:0]
		signingInputPool.Put(bp)
	}
	return ok
}
