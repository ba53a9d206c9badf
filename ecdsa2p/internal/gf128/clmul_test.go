package gf128

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// withPaths runs f once with the portable code and, where the CPU has it, once with the
// assembly routine.
func withPaths(t *testing.T, f func(t *testing.T)) {
	saved := useAsm
	defer func() { useAsm = saved }()
	useAsm = false
	t.Run("generic", f)
	if saved {
		useAsm = true
		t.Run("asm", f)
	}
}

// The assembly and the portable routine agree on random and extreme inputs (differential test).
func TestAsmMatchesGeneric(t *testing.T) {
	if !useAsm {
		t.Skip("no assembly routine on this target or CPU")
	}
	r := rand.New(rand.NewPCG(9, 9))
	for range 20000 {
		a, b := randElement(r), randElement(r)
		var z [4]uint64
		mulAsm(&z, &a, &b)
		g0, g1, g2, g3 := mul256(a, b)
		require.Equal(t, [4]uint64{g0, g1, g2, g3}, z, "%x·%x", a, b)
		// mulAsm accumulates.
		mulAsm(&z, &a, &b)
		require.Equal(t, [4]uint64{}, z)
	}
}

func TestPaths(t *testing.T) {
	withPaths(t, func(t *testing.T) {
		TestVectors(t)
		TestMulMatchesReference(t)
		TestAccumulator(t)
		TestFold(t)
	})
}

func BenchmarkPaths(b *testing.B) {
	saved := useAsm
	defer func() { useAsm = saved }()
	x, y := Element{0x0123456789abcdef, 0xfedcba9876543210}, Element{0x1111111111111111, 0xa5a5a5a5a5a5a5a5}
	for _, asm := range []bool{false, true} {
		if asm && !saved {
			continue
		}
		useAsm = asm
		name := map[bool]string{false: "generic", true: "asm"}[asm]
		b.Run("Mul/"+name, func(b *testing.B) {
			for b.Loop() {
				x = Mul(x, y)
			}
		})
		b.Run("MulAccumulate640/"+name, func(b *testing.B) {
			for b.Loop() {
				var acc Accumulator
				for range 640 {
					acc.MulAdd(x, y)
				}
				_ = acc.Sum()
			}
		})
	}
}
