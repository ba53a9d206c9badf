package transcript

// PRG returns the first L bytes of T0 ‖ T1 ‖ … with Tc = H(label, seed, ctx..., u32(c))
// (PROTOCOL.md §2.5). The counter is the last field.
func PRG(label Label, L int, seed [32]byte, ctx ...[]byte) []byte {
	out := make([]byte, L)
	PRGInto(out, label, seed, ctx...)
	return out
}

// PRGInto fills dst with the first len(dst) bytes of PRG(label, len(dst), seed, ctx...). It
// does not allocate. The common prefix E(label, seed, ctx...) is hashed once when it fills a
// SHA-256 block. The seed is secret: it is copied only into buffers that are wiped afterwards.
func PRGInto(dst []byte, label Label, seed [32]byte, ctx ...[]byte) {
	h := getHasher()
	h.Reset(label)
	h.Field(seed[:])
	h.Fields(ctx...)
	if len(dst) > 32 {
		h.Mark()
	}
	for c := uint32(0); len(dst) > 0; c++ {
		if c > 0 {
			h.Rewind()
		}
		h.FieldU32(c)
		t := h.Sum()
		dst = dst[copy(dst, t[:]):]
		clear(t[:])
	}
	putHasher(h)
}
