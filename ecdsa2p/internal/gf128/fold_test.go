package gf128

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestFold(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 8))
	for range 200 {
		var v, w [ChunkBytes]byte
		for i := range v {
			v[i], w[i] = byte(r.Uint32()), byte(r.Uint32())
		}
		var chi [4]Element
		for m := range chi {
			chi[m] = randElement(r)
		}
		want := FromBytes((*[16]byte)(v[64:]))
		for m := range 4 {
			want = Add(want, refMul(chi[m], FromBytes((*[16]byte)(v[16*m:]))))
		}
		require.Equal(t, want, Fold(&v, &chi))

		// F2-linearity: Fold(v ⊕ w) = Fold(v) + Fold(w), as the check of §5 relies on.
		var vw [ChunkBytes]byte
		for i := range vw {
			vw[i] = v[i] ^ w[i]
		}
		require.Equal(t, Add(Fold(&v, &chi), Fold(&w, &chi)), Fold(&vw, &chi))
	}
}

func BenchmarkFold(b *testing.B) {
	var v [ChunkBytes]byte
	chi := [4]Element{{1, 2}, {3, 4}, {5, 6}, {7, 8}}
	for b.Loop() {
		_ = Fold(&v, &chi)
	}
}
