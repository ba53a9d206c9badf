package mpc

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/tandem-mpc/tandem/signer"
)

// AbortCode is the code of an ABORT envelope (WIRE.md §10.9). Codes this version does not know
// are accepted from the peer and reported as they are.
type AbortCode uint16

// Abort codes (WIRE.md §10.9).
const (
	AbortUnspecified       AbortCode = 0 // —
	AbortProtocolViolation AbortCode = 1 // an authenticated message from the peer failed a protocol check (culprit 2)
	AbortLocalError        AbortCode = 2 // local failure: signer, RNG, engine bug (culprit 1)
	AbortCancelled         AbortCode = 3 // the caller cancelled the context
	AbortTimeout           AbortCode = 4 // the session deadline passed
	AbortRejected          AbortCode = 5 // policy or user declined
	AbortTransport         AbortCode = 6 // terminal transport failure
	AbortUnsupported       AbortCode = 7 // version or plan mismatch detected
	AbortInputMismatch     AbortCode = 8 // the parties' inputs disagree, no culprit
)

var abortCodeNames = [...]string{
	"UNSPECIFIED", "PROTOCOL_VIOLATION", "LOCAL_ERROR", "CANCELLED", "TIMEOUT",
	"REJECTED", "TRANSPORT", "UNSUPPORTED", "INPUT_MISMATCH",
}

// String returns the code's name from §10.9, or "UNKNOWN_<n>" for a code this version does not
// know. The name is also the default reason text of an ABORT.
func (c AbortCode) String() string {
	if int(c) < len(abortCodeNames) {
		return abortCodeNames[c]
	}
	return "UNKNOWN_" + strconv.Itoa(int(c))
}

// Culprit says who is at fault for an abort, from the point of view of whoever holds the
// value (WIRE.md §12.8). On the wire (§10.9) the culprit byte is the sender's claim with the
// same numbering from the sender's side: 1 = the sender itself, 2 = the receiver.
type Culprit uint8

// Culprits.
const (
	CulpritNone Culprit = 0
	CulpritSelf Culprit = 1
	CulpritPeer Culprit = 2
)

// String returns "none", "self", "peer" or "culprit(n)".
func (c Culprit) String() string {
	switch c {
	case CulpritNone:
		return "none"
	case CulpritSelf:
		return "self"
	case CulpritPeer:
		return "peer"
	default:
		return "culprit(" + strconv.Itoa(int(c)) + ")"
	}
}

// flip returns the same culprit seen from the other party: a sender's claim "the receiver"
// (CulpritPeer) is CulpritSelf for the receiver, and vice versa.
func (c Culprit) flip() Culprit {
	switch c {
	case CulpritSelf:
		return CulpritPeer
	case CulpritPeer:
		return CulpritSelf
	default:
		return c
	}
}

// Abort payload layout (WIRE.md §10.9).
const (
	abortPayloadFixed = 10  // code(2) ‖ culprit(1) ‖ detail(1) ‖ round(4) ‖ reason length(2)
	MaxAbortReason    = 256 // bytes of reason text
)

// errAbortPayload reports an invalid ABORT payload, ours or the peer's.
var errAbortPayload = errors.New("mpc: invalid abort payload")

// abortPayload is the payload of an ABORT envelope (WIRE.md §10.9). culprit is the sender's
// claim from the sender's side. reason is kept exactly as received (raw bytes, possibly not
// UTF-8) so that parse→marshal reproduces the input; display it only through SanitizeReason.
type abortPayload struct {
	code    AbortCode
	culprit Culprit
	detail  uint8  // the engine's reason code (PROTOCOL.md 10.4), 0 = none
	round   uint32 // the round the sender was in
	reason  string
}

// marshal returns the exact wire form: 10 + len(reason) bytes. It fails for a reason longer
// than MaxAbortReason bytes or an unknown culprit.
func (p *abortPayload) marshal() ([]byte, error) {
	if len(p.reason) > MaxAbortReason {
		return nil, fmt.Errorf("%w: reason is %d bytes, at most %d", errAbortPayload, len(p.reason), MaxAbortReason)
	}
	if p.culprit > CulpritPeer {
		return nil, fmt.Errorf("%w: culprit %d", errAbortPayload, p.culprit)
	}
	b := make([]byte, 0, abortPayloadFixed+len(p.reason))
	b = binary.BigEndian.AppendUint16(b, uint16(p.code))
	b = append(b, byte(p.culprit), p.detail)
	b = binary.BigEndian.AppendUint32(b, p.round)
	b = binary.BigEndian.AppendUint16(b, uint16(len(p.reason)))
	return append(b, p.reason...), nil
}

// parseAbortPayload parses an ABORT payload: exact length 10 + len, len ≤ 256, culprit 0–2.
// Unknown codes are accepted.
//
// Deviation note (spec gap): §10.9 gives the culprit byte three values and says nothing about
// others; they are rejected like any other non-canonical field.
func parseAbortPayload(b []byte) (abortPayload, error) {
	if len(b) < abortPayloadFixed {
		return abortPayload{}, fmt.Errorf("%w: %d bytes, at least %d", errAbortPayload, len(b), abortPayloadFixed)
	}
	n := int(binary.BigEndian.Uint16(b[8:10]))
	switch {
	case n > MaxAbortReason:
		return abortPayload{}, fmt.Errorf("%w: reason length %d, at most %d", errAbortPayload, n, MaxAbortReason)
	case len(b) != abortPayloadFixed+n:
		return abortPayload{}, fmt.Errorf("%w: %d bytes, want %d", errAbortPayload, len(b), abortPayloadFixed+n)
	case b[2] > byte(CulpritPeer):
		return abortPayload{}, fmt.Errorf("%w: culprit %d", errAbortPayload, b[2])
	}
	return abortPayload{
		code:    AbortCode(binary.BigEndian.Uint16(b[0:2])),
		culprit: Culprit(b[2]),
		detail:  b[3],
		round:   binary.BigEndian.Uint32(b[4:8]),
		reason:  string(b[abortPayloadFixed:]),
	}, nil
}

// SanitizeReason makes an ABORT reason (untrusted peer text) safe to display or log (WIRE.md
// §10.9): invalid UTF-8 becomes U+FFFD, and control and format characters (including
// bidirectional overrides and zero-width characters) are removed.
func SanitizeReason(s string) string {
	s = strings.ToValidUTF8(s, string(utf8.RuneError))
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return -1
		}
		return r
	}, s)
}

// TruncateReason shortens s to at most MaxAbortReason bytes of valid UTF-8, cutting at a rune
// boundary, so that a local reason text always fits an ABORT payload.
func TruncateReason(s string) string {
	s = strings.ToValidUTF8(s, string(utf8.RuneError))
	if len(s) <= MaxAbortReason {
		return s
	}
	cut := MaxAbortReason
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut]
}

// sealAbort seals this party's ABORT envelope (WIRE.md §10.9): the SIGNED layout with kind
// 0x03, ext 0, tag AbortTag and the broadcast id MessageID(L, I, AbortTag, self, nil).
func sealAbort(ctx context.Context, s signer.Signer, label string, inst *InstanceID, ttlCode uint16, p abortPayload) ([]byte, error) {
	payload, err := p.marshal()
	if err != nil {
		return nil, err
	}
	h := envHeader{
		id:      messageID(label, inst, AbortTag, s.VerifyingKey().Encoding(), nil),
		ttlCode: ttlCode,
		tag:     AbortTag,
	}
	return sealSigned(ctx, s, kindAbort, h, nil, payload)
}

// openAbort opens the peer's ABORT frame against exp (abortExpectation). Structural failures
// are errMalformed, a bad signature errUnauthenticated; an authenticated frame whose payload
// does not parse is errBadAbortPayload (class errUnauthenticated: the driver records its
// digest and keeps waiting, §12.5).
func openAbort(frame []byte, exp *expectation) (abortPayload, error) {
	if exp.kind != kindAbort {
		panic("mpc: internal error: openAbort for kind " + exp.kind.String())
	}
	env, err := openSigned(frame, exp)
	if err != nil {
		return abortPayload{}, err
	}
	p, err := parseAbortPayload(env.payload)
	if err != nil {
		return abortPayload{}, errBadAbortPayload
	}
	return p, nil
}
