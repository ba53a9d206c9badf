package rvole

import (
	"sync"

	"github.com/tandem-mpc/tandem/ecdsa2p/internal/ote"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/ote/modn"
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
// (PROTOCOL.md §6). The prefix E(label, sid_ote) is hashed once; the entries are independent
// and computed in parts with the session's Runner. The gadget is public.
func gadget(g *[ote.OTs]modn.Scalar, sess ote.Session) {
	sid := sess.ID()
	p := transcript.NewPrefix(transcript.LabelRVOLEGadget, sid[:])
	sess.Run(ote.Parts, func(part int) {
		h := hasherPool.Get().(*transcript.Hasher)
		defer hasherPool.Put(h) // the gadget is public: nothing to wipe
		var wide [64]byte
		for j := part * ote.OTs / ote.Parts; j < (part+1)*ote.OTs/ote.Parts; j++ {
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
