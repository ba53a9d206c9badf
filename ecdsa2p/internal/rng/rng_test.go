package rng

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// zeroFirst returns n all-zero draws, then bytes 1, 2, 3, ….
type zeroFirst struct {
	zeros, calls int
	next         byte
}

func (z *zeroFirst) fill(p []byte) {
	z.calls++
	if z.calls <= z.zeros {
		clear(p)
		return
	}
	for i := range p {
		z.next++
		p[i] = z.next
	}
}

func TestScalarRepeatsOnZero(t *testing.T) {
	for _, zeros := range []int{0, 1, 3} {
		z := &zeroFirst{zeros: zeros}
		s := Scalar(z.fill)
		require.Equal(t, 0, s.IsZero())
		require.Equal(t, zeros+1, z.calls, "one draw per attempt")
	}
}

// n itself reduces to zero and is redrawn as well.
func TestScalarRepeatsOnN(t *testing.T) {
	n := []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,
		0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41}
	calls := 0
	s := Scalar(func(p []byte) {
		calls++
		clear(p)
		if calls == 1 {
			copy(p[32:], n)
		} else {
			p[63] = 7
		}
	})
	require.Equal(t, 2, calls)
	b := s.Bytes()
	require.Equal(t, byte(7), b[31])
}

func TestSystem(t *testing.T) {
	a, b := make([]byte, 32), make([]byte, 32)
	System.RandomBytes(a)
	System.RandomBytes(b)
	require.NotEqual(t, a, b)
	s1, s2 := System.RandomScalar(), System.RandomScalar()
	require.Equal(t, 0, s1.IsZero())
	require.Equal(t, 0, s1.Equal(s2))
}
