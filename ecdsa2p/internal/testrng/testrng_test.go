package testrng

import (
	"encoding/hex"
	"io"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tandem-mpc/tandem/internal/secp"
	"github.com/tandem-mpc/tandem/internal/transcript"
)

func block(seed string, c uint64) []byte {
	cb := transcript.U64(c)
	b := transcript.H(Label, []byte(seed), cb[:])
	return b[:]
}

// The examples of PROTOCOL.md §12.5 for seed "kat/keygen/0".
func TestVectors(t *testing.T) {
	r := New("kat/keygen/0")
	require.Equal(t, "db03adc46acf0a0f2a874cc14023d451c9bef9c274ae1b1058f1031fe04acd5b", hex.EncodeToString(r.Bytes(32)))
	x := r.RandomScalar().Bytes()
	require.Equal(t, "a5590c5918494d3b0f6a8d2d8896d96ee185645f58038625045bedba335cb067", hex.EncodeToString(x[:]))
	require.Equal(t, uint64(3), r.Blocks())
}

func TestBlockAligned(t *testing.T) {
	tests := []struct {
		reads      []int
		wantBlocks uint64
	}{
		{nil, 0},
		{[]int{0}, 0},
		{[]int{1}, 1},
		{[]int{32}, 1},
		{[]int{33}, 2},
		{[]int{80}, 3},
		{[]int{1, 1}, 2},
		{[]int{64, 16, 32}, 4},
	}
	for _, tt := range tests {
		r := New("s")
		var c uint64
		for _, k := range tt.reads {
			got := r.Bytes(k)
			want := []byte{}
			for len(want) < k {
				want = append(want, block("s", c)...)
				c++
			}
			require.Equal(t, want[:k], got, "reads %v", tt.reads)
		}
		require.Equal(t, tt.wantBlocks, r.Blocks(), "reads %v", tt.reads)
	}
}

func TestReadAndScalar(t *testing.T) {
	a, b := New("x"), New("x")
	p := make([]byte, 80)
	n, err := io.ReadFull(a, p)
	require.NoError(t, err)
	require.Equal(t, 80, n)
	require.Equal(t, b.Bytes(80), p)
	require.Equal(t, a.Blocks(), b.Blocks())

	// RandomScalar is the wide reduction of the next two blocks.
	s := a.RandomScalar()
	w, err := secp.NewScalar().SetWideBytes(b.Bytes(64))
	require.NoError(t, err)
	require.Equal(t, 1, w.Equal(s))
	require.Equal(t, uint64(5), a.Blocks())
	require.Equal(t, a.Blocks(), b.Blocks())
	require.NotEqual(t, 1, s.IsZero())

	require.NotEqual(t, New("x").Bytes(32), New("y").Bytes(32), "seeds separate streams")
}
