package bitmatrix

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

func bit(b []byte, i int) byte { return (b[i>>3] >> (i & 7)) & 1 }

// refTranspose is the definition of PROTOCOL.md §2.11, one bit at a time.
func refTranspose(src []byte, rows, cols int) []byte {
	dst := make([]byte, len(src))
	for r := range rows {
		for c := range cols {
			dst[c*rows/8+r/8] |= bit(src[r*cols/8:], c) << (r & 7)
		}
	}
	return dst
}

func randBytes(r *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func TestTransposeRows(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 20 {
		var src [Rows][RowBytes]byte
		for i := range src {
			copy(src[i][:], randBytes(r, RowBytes))
		}
		var cols [Cols][ColBytes]byte
		TransposeRows(&cols, &src)
		var flat []byte
		for i := range src {
			flat = append(flat, src[i][:]...)
		}
		want := refTranspose(flat, Rows, Cols)
		for c := range cols {
			require.Equal(t, want[c*ColBytes:(c+1)*ColBytes], cols[c][:], "column %d", c)
		}
		var back [Rows][RowBytes]byte
		TransposeColumns(&back, &cols)
		require.Equal(t, src, back)
	}
}

func TestTransposeSingleBits(t *testing.T) {
	// One set bit at each of a few positions lands exactly where §2.11 says.
	for _, p := range [][2]int{{0, 0}, {0, 639}, {255, 0}, {255, 639}, {7, 8}, {64, 63}, {100, 512}, {63, 64}} {
		var src [Rows][RowBytes]byte
		src[p[0]][p[1]/8] = 1 << (p[1] % 8)
		var cols [Cols][ColBytes]byte
		TransposeRows(&cols, &src)
		var want [Cols][ColBytes]byte
		want[p[1]][p[0]/8] = 1 << (p[0] % 8)
		require.Equal(t, want, cols, "bit %v", p)
	}
}

func TestTransposeShapes(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, s := range [][2]int{{64, 64}, {64, 128}, {128, 64}, {256, 640}, {640, 256}, {192, 320}} {
		rows, cols := s[0], s[1]
		src := randBytes(r, rows*cols/8)
		dst := make([]byte, len(src))
		require.NoError(t, Transpose(dst, src, rows, cols))
		require.Equal(t, refTranspose(src, rows, cols), dst, "%dx%d", rows, cols)
		back := make([]byte, len(src))
		require.NoError(t, Transpose(back, dst, cols, rows))
		require.Equal(t, src, back)
	}
}

func TestTransposeErrors(t *testing.T) {
	buf := make([]byte, 64*64/8)
	tests := []struct {
		name       string
		dst, src   []byte
		rows, cols int
	}{
		{"zero rows", buf, buf[:0], 0, 64},
		{"negative", buf, buf, -64, -64},
		{"rows not multiple of 64", make([]byte, 32*64/8), make([]byte, 32*64/8), 32, 64},
		{"cols not multiple of 64", make([]byte, 64*8/8), make([]byte, 64*8/8), 64, 8},
		{"short src", make([]byte, 512), make([]byte, 511), 64, 64},
		{"short dst", make([]byte, 511), make([]byte, 512), 64, 64},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.ErrorIs(t, Transpose(tt.dst, tt.src, tt.rows, tt.cols), ErrShape)
		})
	}
}

func FuzzTranspose(f *testing.F) {
	f.Add(make([]byte, 512), uint8(1))
	f.Add(make([]byte, 1024), uint8(2))
	f.Add([]byte{1, 2, 3}, uint8(1))
	f.Fuzz(func(t *testing.T, src []byte, k uint8) {
		rows := 64 * int(k%4)
		cols := 0
		if rows > 0 {
			cols = len(src) * 8 / rows
		}
		dst := make([]byte, len(src))
		if err := Transpose(dst, src, rows, cols); err != nil {
			return
		}
		if string(refTranspose(src, rows, cols)) != string(dst) {
			t.Fatal("mismatch with the reference")
		}
	})
}

func BenchmarkTranspose256x640(b *testing.B) {
	var src [Rows][RowBytes]byte
	var dst [Cols][ColBytes]byte
	r := rand.New(rand.NewPCG(5, 6))
	for i := range src {
		copy(src[i][:], randBytes(r, RowBytes))
	}
	b.SetBytes(Rows * RowBytes)
	for b.Loop() {
		TransposeRows(&dst, &src)
	}
}
