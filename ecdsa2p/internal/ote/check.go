package ote

import (
	"encoding/binary"

	"github.com/tandem-mpc/tandem/ecdsa2p/internal/gf128"
	"github.com/tandem-mpc/tandem/internal/transcript"
)

// challenges returns χ_0..χ_3 of PROTOCOL.md §5:
//
//	h_u = H("tandem/v1/ote/u", sid_ote, U)
//	X   = H("tandem/v1/ote/chi", sid_ote, h_u, u8(0)) ‖ H("tandem/v1/ote/chi", sid_ote, h_u, u8(1))
//	χ_m = X⟨m⟩
//
// U is public (it is sent), so the challenges are public.
func challenges(sid *[32]byte, u []byte) [4]gf128.Element {
	hu := transcript.H(transcript.LabelOTEU, sid[:], u)
	var x [64]byte
	for half := range uint8(2) {
		hb := transcript.U8(half)
		d := transcript.H(transcript.LabelOTEChi, sid[:], hu[:], hb[:])
		copy(x[32*int(half):], d[:])
	}
	var chi [4]gf128.Element
	for m := range chi {
		chi[m] = gf128.FromBytes((*[gf128.Size]byte)(x[16*m:]))
	}
	return chi
}

// fold returns Fold(v) = v⟨4⟩ + Σ_{m<4} χ_m·v⟨m⟩ (§5), constant-time.
func fold(v *[RowBytes]byte, chi *[4]gf128.Element) gf128.Element {
	return gf128.Fold(v, chi)
}

// xorInto sets dst ^= src, eight bytes at a time.
func xorInto(dst, src *[RowBytes]byte) {
	for i := 0; i < RowBytes; i += 8 {
		binary.LittleEndian.PutUint64(dst[i:], binary.LittleEndian.Uint64(dst[i:])^binary.LittleEndian.Uint64(src[i:]))
	}
}

// xorMasked sets dst ^= src & mask, where mask is 0 or all ones (a constant-time select).
func xorMasked(dst, src *[RowBytes]byte, mask uint64) {
	for i := 0; i < RowBytes; i += 8 {
		binary.LittleEndian.PutUint64(dst[i:], binary.LittleEndian.Uint64(dst[i:])^(binary.LittleEndian.Uint64(src[i:])&mask))
	}
}

// andNotMask clears v when mask is all ones and leaves it when mask is 0 (constant-time).
func andNotMask(v *[RowBytes]byte, mask uint64) {
	for i := 0; i < RowBytes; i += 8 {
		binary.LittleEndian.PutUint64(v[i:], binary.LittleEndian.Uint64(v[i:])&^mask)
	}
}
