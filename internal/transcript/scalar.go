package transcript

import "github.com/tandem-mpc/tandem/internal/secp"

// H2S returns the hash-to-scalar
//
//	H2S(label, f1, …, fm) = int(H(label, f1, …, fm, u8(0)) ‖ H(label, f1, …, fm, u8(1))) mod n
//
// of PROTOCOL.md §2.4, a 64-byte wide reduction. The common prefix is hashed once. Inputs of
// more than a few kilobytes should be hashed to a digest with [H] first (§2.4).
func H2S(label Label, fields ...[]byte) *secp.Scalar {
	h := getHasher()
	h.Reset(label)
	h.Fields(fields...)
	s := h.SumScalar()
	putHasher(h)
	return s
}

// H2S returns H2S(label, prefix fields..., fields...).
func (p *Prefix) H2S(fields ...[]byte) *secp.Scalar {
	h := getHasher()
	h.ResetPrefix(p)
	h.Fields(fields...)
	s := h.SumScalar()
	putHasher(h)
	return s
}

// SumScalar returns H2S of the message so far: the wide reduction of the hashes of the
// message extended by the field u8(0) and by the field u8(1). It replaces the saved mark with
// the current state and leaves h rewound to it.
func (h *Hasher) SumScalar() *secp.Scalar {
	var wide [64]byte
	h.Mark()
	h.FieldU8(0)
	d0 := h.Sum()
	h.Rewind()
	h.FieldU8(1)
	d1 := h.Sum()
	h.Rewind()
	copy(wide[:32], d0[:])
	copy(wide[32:], d1[:])
	s, err := secp.NewScalar().SetWideBytes(wide[:])
	if err != nil {
		panic("transcript: internal error: wide reduction rejected 64 bytes")
	}
	clear(wide[:])
	return s
}
