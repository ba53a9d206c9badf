package ot

import (
	"fmt"

	"github.com/tandem-mpc/tandem/internal/secp"
)

// Sizes of the base-OT messages (PROTOCOL.md §3.1, §3.2): 256 pairs of compressed points.
const (
	PointSize      = 33
	BaseOTMsg1Size = BaseOTs * 2 * PointSize // 16,896: pt(r_{t,0}) ‖ pt(r_{t,1}) for t = 0..255
	BaseOTMsg2Size = BaseOTs * 2 * PointSize // 16,896: pt(B_{t,0}) ‖ pt(B_{t,1}) for t = 0..255
)

// pointPairs is a decoded base-OT message: the 256 pairs of points and the message bytes,
// which are their canonical encodings (decoding accepts only pt() of §2.2, so re-encoding a
// decoded point gives back the same 33 bytes; FuzzBaseOTMsg1 checks it). Public.
type pointPairs struct {
	raw []byte // a private copy of the message
	pts [BaseOTs][2]secp.Point
}

// enc returns the encoding of point slot of pair t.
func (p *pointPairs) enc(t, slot int) []byte {
	off := (2*t + slot) * PointSize
	return p.raw[off : off+PointSize]
}

// parsePointPairs decodes a base-OT message of exactly 16,896 bytes. Every point must decode
// (PROTOCOL.md §2.2: 33 bytes, prefix 0x02/0x03, x < p, on the curve); the identity has no
// encoding. Any failure is MalformedPayload blaming the sender of the message; when several
// points are bad, the error names the lowest (t, slot). All points are decoded, so the time
// taken does not depend on anything secret (only on the public message).
func parsePointPairs(msg []byte, step string, culprit uint8, batch Batch) (*pointPairs, error) {
	if len(msg) != BaseOTMsg1Size {
		return nil, malformed(step, int(culprit), "message is %d bytes, want %d", len(msg), BaseOTMsg1Size)
	}
	p := &pointPairs{raw: append([]byte(nil), msg...)}
	var bad [BaseOTs]uint8 // 1 + slot of the first bad point of pair t, or 0
	batch.run(BaseOTs, func(t int) {
		for slot := range 2 {
			if _, err := p.pts[t][slot].SetBytes(p.enc(t, slot)); err != nil && bad[t] == 0 {
				bad[t] = uint8(1 + slot)
			}
		}
	})
	for t, b := range bad {
		if b != 0 {
			return nil, malformed(step, int(culprit), "point %d of pair t=%d is not a valid encoding", b-1, t)
		}
	}
	return p, nil
}

// encodePoint returns pt(P), or an Internal error for the identity, which has no encoding
// (PROTOCOL.md §2.2: a step that would encode O aborts).
func encodePoint(dst []byte, P *secp.Point, step string, t int) *Error {
	b, err := P.Bytes()
	if err != nil {
		return internalErr(step, fmt.Sprintf("t=%d: the identity has no encoding", t))
	}
	copy(dst, b[:])
	return nil
}
