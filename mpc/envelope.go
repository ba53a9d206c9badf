package mpc

import (
	"github.com/tandem-mpc/tandem/relay"
	"github.com/tandem-mpc/tandem/signer"
)

// expectation describes one pending id on the receiving side (WIRE.md §12.4): everything a
// frame published under that id must match. The driver builds one per Expect slot, one for the
// peer's abort id (kind kindAbort, tag AbortTag, broadcast) and, when needed, one for the
// peer's round-0 KEX carrier.
type expectation struct {
	id   relay.MsgID
	tag  uint64
	kind Kind                // Signed, Encrypted or kindAbort
	peer signer.VerifyingKey // the sender: verifies SIGNED and ABORT envelopes
	kex  bool                // Signed only: this slot is the peer's KEX carrier, so EXT_KEX must be set
}

// newExpectation builds the expectation for a message from peer to self (self nil for a
// broadcast slot) in the session (label, inst).
func newExpectation(label string, inst *InstanceID, r, seq uint32, kind Kind, peer signer.VerifyingKey, self *signer.VerifyingKey, kex bool) expectation {
	var selfEnc []byte
	if self != nil {
		selfEnc = self.Encoding()
	}
	tag := Tag(r, seq)
	return expectation{
		id:   messageID(label, inst, tag, peer.Encoding(), selfEnc),
		tag:  tag,
		kind: kind,
		peer: peer,
		kex:  kex,
	}
}

// abortExpectation builds the expectation for the peer's ABORT envelope (§10.9, §12.4).
func abortExpectation(label string, inst *InstanceID, peer signer.VerifyingKey) expectation {
	return expectation{
		id:   messageID(label, inst, AbortTag, peer.Encoding(), nil),
		tag:  AbortTag,
		kind: kindAbort,
		peer: peer,
	}
}

// checkFrame applies every structural check of WIRE.md §10.5–§10.9 against the expected slot,
// in order: header fields (parseEnvHeader), the id, the tag, the kind, and the minimum length
// of the kind (which, for SIGNED, depends on the frame's own EXT_KEX bit). It reads nothing but
// lengths and the 48-byte header, authenticates nothing, and returns only errors of class
// errMalformed.
func checkFrame(frame []byte, exp *expectation) (envHeader, error) {
	h, err := parseEnvHeader(frame)
	if err != nil {
		return envHeader{}, err
	}
	switch {
	case h.id != exp.id:
		return envHeader{}, errWrongID
	case h.tag != exp.tag:
		return envHeader{}, errWrongTag
	case h.kind != exp.kind:
		return envHeader{}, errWrongKind
	}
	minLen := minSignedLen
	switch {
	case h.kind == Encrypted:
		minLen = minEncryptedLen
	case h.ext&extKEX != 0:
		minLen = minSignedKEXLen
	}
	if len(frame) < minLen {
		return envHeader{}, errTooShort
	}
	return h, nil
}
