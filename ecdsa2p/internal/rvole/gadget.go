package rvole

import (
	"encoding/binary"
	"sync"

	"github.com/tandem-mpc/tandem/ecdsa2p/internal/ote"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/ote/modn"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/ote/sha2"
	"github.com/tandem-mpc/tandem/internal/transcript"
)

// Sizes of the RVOLE message RV = Ã ‖ sc(η) ‖ μ (PROTOCOL.md §6.2 step 7).
const (
	// ATildeSize is the length of Ã: 512 rows of 3 scalars.
	ATildeSize = ote.OTs * ote.Width * 32
	// MsgSize is the length of RV.
	MsgSize = ATildeSize + 32 + 32
	// nSize is the length of N (and N′): 512 scalars.
	nSize = ote.OTs * 32
)

// gadget sets g_j = H2S("tandem/v1/rvole/gadget", sid_ote, u16(j)) for j < 512
// (PROTOCOL.md §6): the wide reduction of H(…, u8(0)) ‖ H(…, u8(1)). The entries are
// independent and computed in parts with the session's Runner. The gadget is public.
func gadget(g *[ote.OTs]modn.Scalar, sess ote.Session) {
	if fastHash {
		gadgetSHA2(g, sess)
		return
	}
	sid := sess.ID()
	p := transcript.NewPrefix(transcript.LabelRVOLEGadget, sid[:])
	sess.Run(ote.Parts, func(part int) {
		h := hasherPool.Get().(*transcript.Hasher)
		defer hasherPool.Put(h) // the gadget is public: nothing to wipe
		var wide [64]byte
		lo, hi := rowRange(part)
		for j := lo; j < hi; j++ {
			h.ResetPrefix(p)
			h.FieldU16(uint16(j))
			h.Mark()
			h.FieldU8(0)
			d0 := h.Sum()
			h.Rewind()
			h.FieldU8(1)
			d1 := h.Sum()
			copy(wide[:32], d0[:])
			copy(wide[32:], d1[:])
			g[j] = modn.FromWide(&wide)
		}
	})
}

// fastHash selects gadgetSHA2 (the SHA extensions). A variable so that tests can compare both.
var fastHash = sha2.Accelerated()

// The gadget message E("tandem/v1/rvole/gadget", sid_ote, u16(j), u8(h)) is 89 bytes and pads
// to two blocks; the first holds only the label and sid_ote, so it is compressed once per
// session and every hash costs one block.
const (
	gadgetJOff = 8 + len(transcript.LabelRVOLEGadget) + 8 + 32 + 8
	gadgetHOff = gadgetJOff + 2 + 8
	gadgetLen  = gadgetHOff + 1
)

// gadgetSHA2 is gadget with package sha2: the session's first block is compressed once.
func gadgetSHA2(g *[ote.OTs]modn.Scalar, sess ote.Session) {
	sid := sess.ID()
	j0, h0 := transcript.U16(0), transcript.U8(0)
	var tmpl [2 * sha2.BlockSize]byte
	if len(transcript.AppendE(tmpl[:0], transcript.LabelRVOLEGadget, sid[:], j0[:], h0[:])) != gadgetLen {
		panic("rvole: internal error: gadget message layout")
	}
	copy(tmpl[gadgetLen:], sha2.Pad(gadgetLen))
	mid := sha2.IV
	mid.Blocks(tmpl[:sha2.BlockSize])
	sess.Run(ote.Parts, func(part int) {
		m := tmpl // each part patches its own copy
		var wide [64]byte
		lo, hi := rowRange(part)
		for j := lo; j < hi; j++ {
			binary.BigEndian.PutUint16(m[gadgetJOff:], uint16(j))
			for h := range 2 {
				m[gadgetHOff] = byte(h)
				s := mid
				s.Blocks(m[sha2.BlockSize:])
				d := s.Bytes()
				copy(wide[32*h:], d[:])
			}
			g[j] = modn.FromWide(&wide)
		}
	})
}

// hasherPool keeps the gadget's Hashers between calls.
var hasherPool = sync.Pool{New: func() any { return new(transcript.Hasher) }}

// theta returns θ_k = H2S("tandem/v1/rvole/theta", sid_ote, D, u8(k)) for k = 0, 1, where
// D = H("tandem/v1/rvole/atilde", sid_ote, Ã) (§6.2 step 4). All inputs are public.
func theta(sid *[32]byte, atilde []byte) (t0, t1 modn.Scalar) {
	d := transcript.H(transcript.LabelRVOLEATilde, sid[:], atilde)
	return thetaFromD(sid, &d)
}

// thetaFromD returns θ_0, θ_1 from D.
func thetaFromD(sid, d *[32]byte) (t0, t1 modn.Scalar) {
	k0, k1 := transcript.U8(0), transcript.U8(1)
	t0 = modn.FromSecp(transcript.H2S(transcript.LabelRVOLETheta, sid[:], d[:], k0[:]))
	t1 = modn.FromSecp(transcript.H2S(transcript.LabelRVOLETheta, sid[:], d[:], k1[:]))
	return t0, t1
}
