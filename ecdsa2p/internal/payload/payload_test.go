package payload

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tandem-mpc/tandem/ecdsa2p/internal/engineerr"
)

func TestAdmit(t *testing.T) {
	sc := Schedule{Op: "toy", Name: "toy", FirstType: 0x61, Sizes: []int{HeaderSize + 1, HeaderSize + 2, HeaderSize + 3}}
	setup, sid := [32]byte{1}, [32]byte{2}
	mk := func(typ byte, binding *[32]byte, n int) []byte {
		return append(Header(typ, binding, n), make([]byte, n)...)
	}
	p1, p2 := mk(0x61, &setup, 1), mk(0x62, &sid, 2)
	peer := [][]byte{p1, p2, nil}
	const peerIndex = 1

	ignored := func(err error) bool { return errors.Is(err, engineerr.ErrIgnore) }
	code := func(c engineerr.Code) func(error) bool {
		return func(err error) bool {
			var e *engineerr.Error
			return errors.As(err, &e) && e.Code == c
		}
	}
	for _, tc := range []struct {
		name string
		r    int
		p    []byte
		want func(error) bool
	}{
		{"round 1 ok", 1, p1, nil},
		{"round 2 ok", 2, p2, nil},
		{"round 3 ok", 3, mk(0x63, &sid, 3), nil},
		{"short", 2, p2[:HeaderSize-1], ignored},
		{"unknown version", 2, append([]byte{2}, p2[1:]...), ignored},
		{"type below range", 2, mk(0x60, &sid, 2), ignored},
		{"type above range", 2, mk(0x64, &sid, 2), ignored},
		{"later round", 2, mk(0x63, &sid, 3), ignored},
		{"wrong binding", 2, mk(0x62, &setup, 2), ignored},
		{"setup mismatch", 1, mk(0x61, &sid, 1), code(engineerr.SetupMismatch)},
		{"late round-1 with wrong setup", 2, mk(0x61, &sid, 1), ignored},
		{"duplicate of an accepted round", 3, p2, ignored},
		{"equivocation", 3, append(append([]byte(nil), p2[:HeaderSize]...), 9, 9), code(engineerr.Equivocation)},
		{"wrong length", 2, mk(0x62, &sid, 5), code(engineerr.MalformedPayload)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := sc.Admit(tc.r, tc.p, &setup, &sid, peer, peerIndex)
			if tc.want == nil {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			require.True(t, tc.want(err), "%v", err)
		})
	}
}

func TestHeader(t *testing.T) {
	b := [32]byte{7}
	h := Header(0x11, &b, 10)
	require.Len(t, h, HeaderSize)
	require.Equal(t, 10, cap(h)-len(h))
	require.Equal(t, byte(Version), h[0])
	require.Equal(t, byte(0x11), h[1])
	require.Equal(t, b[:], h[2:])
}
