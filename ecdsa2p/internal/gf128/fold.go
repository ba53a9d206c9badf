package gf128

// ChunkBytes is the length of the 80-byte rows of the OT extension (PROTOCOL.md §5): four
// 16-byte chunks that carry the OTs and one masking chunk.
const ChunkBytes = 5 * Size

// Fold returns Fold(v) = v⟨4⟩ + Σ_{m=0..3} χ_m · v⟨m⟩ of PROTOCOL.md §5, where the chunk
// v⟨m⟩ = v[16m : 16m+16] is read as an element (section 2.10) and the mask chunk v⟨4⟩ has
// coefficient 1. It is F2-linear in v and constant-time.
func Fold(v *[ChunkBytes]byte, chi *[4]Element) Element {
	var acc Accumulator
	for m := range 4 {
		acc.MulAdd(chi[m], FromBytes((*[Size]byte)(v[m*Size:])))
	}
	acc.Add(FromBytes((*[Size]byte)(v[4*Size:])))
	return acc.Sum()
}
