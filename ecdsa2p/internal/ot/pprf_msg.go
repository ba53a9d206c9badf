package ot

import "github.com/tandem-mpc/tandem/internal/transcript"

// Sizes of the PPRF message (PROTOCOL.md §4.1, "PPRF payload").
const (
	CorrectionsSize = Blocks * 3 * 2 * LeafSize // 12,288: C_{b,h,side}
	TTildeSize      = Blocks * LeafSize         // 2,048: t̃_0 … t̃_63
	STildeSize      = 32                        // s̃
	PPRFMsgSize     = CorrectionsSize + TTildeSize + STildeSize
)

// PPRFMsg is R's PPRF message for one correlation: the correction words, the per-block proof
// values t̃_b and the proof hash s̃ (PROTOCOL.md §4.1). It follows base-OT message 2 in K3 and
// RF3. Public.
type PPRFMsg struct {
	// C[b][h−1][side] is C_{b,h,side} for h = 1..3.
	C      [Blocks][3][2][LeafSize]byte
	TTilde [Blocks][32]byte
	STilde [32]byte
}

// ParsePPRFMsg decodes a PPRF message: exactly 14,368 bytes, in the order C_{b,h,side} for
// b = 0..63, then h = 1..3, then side = 0, 1; then t̃_0..t̃_63; then s̃. Every byte string of
// that length is a valid message (the fields are unstructured), and Marshal reproduces it
// exactly. A wrong length is MalformedPayload with no culprit; [ReceiverOutputs.EvalPPRF]
// blames R.
func ParsePPRFMsg(b []byte) (*PPRFMsg, error) { return parsePPRFMsg(b, stepPPRFEval, NoCulprit) }

func parsePPRFMsg(b []byte, step string, culprit int) (*PPRFMsg, error) {
	if len(b) != PPRFMsgSize {
		return nil, malformed(step, culprit, "PPRF message is %d bytes, want %d", len(b), PPRFMsgSize)
	}
	m := new(PPRFMsg)
	for blk := range Blocks {
		for h := range 3 {
			for side := range 2 {
				b = b[copy(m.C[blk][h][side][:], b):]
			}
		}
	}
	for blk := range Blocks {
		b = b[copy(m.TTilde[blk][:], b):]
	}
	copy(m.STilde[:], b)
	return m, nil
}

// Marshal returns the 14,368-byte encoding of m.
func (m *PPRFMsg) Marshal() []byte {
	out := make([]byte, 0, PPRFMsgSize)
	for blk := range Blocks {
		for h := range 3 {
			for side := range 2 {
				out = append(out, m.C[blk][h][side][:]...)
			}
		}
	}
	for blk := range Blocks {
		out = append(out, m.TTilde[blk][:]...)
	}
	return append(out, m.STilde[:]...)
}

// proofValues are the per-leaf hashes π_{b,x} (or π*_{b,x}) of one correlation. Secret.
type proofValues [Blocks][LeavesPerBlock][32]byte

// proofHash returns s̃ = H("tandem/v1/pprf/proof", sid_pprf, Π) with Π = π_{0,0} ‖ … ‖ π_{63,15}
// (32,768 bytes), streamed without building Π.
func proofHash(sid *[32]byte, pi *proofValues) [32]byte {
	h := transcript.NewHasher()
	defer h.Wipe()
	h.Reset(transcript.LabelPPRFProof)
	h.Field(sid[:])
	h.FieldHeader(Blocks * LeavesPerBlock * 32)
	for b := range pi {
		for x := range pi[b] {
			_, _ = h.Write(pi[b][x][:])
		}
	}
	return h.Sum()
}

// expand sets (left, right) = Expand(node, b, h, y) = PRG("tandem/v1/pprf/expand", 64, node,
// sid_pprf, u8(b), u8(h), u8(y)) (PROTOCOL.md §4).
func expand(sid *[32]byte, node *[32]byte, b, h, y int, left, right *[32]byte) {
	var buf [64]byte
	bb, hh, yy := transcript.U8(uint8(b)), transcript.U8(uint8(h)), transcript.U8(uint8(y))
	transcript.PRGInto(buf[:], transcript.LabelPPRFExpand, *node, sid[:], bb[:], hh[:], yy[:])
	copy(left[:], buf[:32])
	copy(right[:], buf[32:])
	clear(buf[:])
}

// leafHash returns π_{b,x} = H("tandem/v1/pprf/leaf", sid_pprf, u8(b), u8(x), leaf) from the
// prefix E(label, sid_pprf).
func leafHash(prefix *transcript.Prefix, b, x int, leaf *[32]byte) [32]byte {
	bb, xx := transcript.U8(uint8(b)), transcript.U8(uint8(x))
	return prefix.Sum(bb[:], xx[:], leaf[:])
}

// xor32 sets dst ^= src.
func xor32(dst, src *[32]byte) {
	for i := range dst {
		dst[i] ^= src[i]
	}
}
