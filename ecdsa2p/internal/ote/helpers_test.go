package ote

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tandem-mpc/tandem/ecdsa2p/internal/ot"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/ote/modn"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/testrng"
	"github.com/tandem-mpc/tandem/internal/secp"
	"github.com/tandem-mpc/tandem/internal/transcript"
)

// testSeeds builds a consistent correlation directly: random leaves for R, random Δ nibbles,
// and S's leaves equal to R's with the punctured one zeroed (by ot.NewDeltaSeeds).
func testSeeds(t testing.TB, seed string) (*ot.ChooserSeeds, *ot.DeltaSeeds) {
	t.Helper()
	r := testrng.New("ote/seeds/" + seed)
	var l ot.Leaves
	for b := range l {
		for x := range l[b] {
			r.RandomBytes(l[b][x][:])
		}
	}
	var delta [ot.Blocks]uint8
	buf := r.Bytes(ot.Blocks)
	for b := range delta {
		delta[b] = buf[b] & 0x0f
	}
	ds, err := ot.NewDeltaSeeds(&delta, &l)
	require.NoError(t, err)
	return ot.NewChooserSeeds(&l), ds
}

func testSession(t testing.TB, seed string, r, s uint8) Session {
	t.Helper()
	signSID := transcript.H("tandem/v1/test/ote", []byte(seed))
	sess, err := NewSession(signSID, r, s)
	require.NoError(t, err)
	return sess
}

// refRows recomputes R's matrix T and the vectors u_b with the generic PRG of package
// transcript, independently of the hasher of expand.go.
func refRows(sess Session, l *ot.Leaves, choices *[ChoiceBytes]byte) (t [Rows][RowBytes]byte, u [blocks][RowBytes]byte) {
	sid := sess.ID()
	for b := range blocks {
		u[b] = *choices
		for x := range leaves {
			bb, xb := transcript.U8(uint8(b)), transcript.U8(uint8(x))
			r := transcript.PRG(transcript.LabelOTEExpand, RowBytes, l[b][x], sid[:], bb[:], xb[:])
			for i := range RowBytes {
				u[b][i] ^= r[i]
				for m := range 4 {
					if (x>>m)&1 == 1 {
						t[4*b+m][i] ^= r[i]
					}
				}
			}
		}
	}
	return t, u
}

// refPad is Pad(key, j) computed with the generic PRG.
func refPad(sess Session, key []byte, j int) [Width]modn.Scalar {
	sid := sess.ID()
	jb := transcript.U16(uint16(j))
	out := transcript.PRG(transcript.LabelOTEPad, padBytes, [32]byte(key), sid[:], jb[:])
	var s [Width]modn.Scalar
	for k := range s {
		v, err := secp.NewScalar().SetWideBytes(out[64*k : 64*k+64])
		if err != nil {
			panic(err)
		}
		s[k] = modn.FromSecp(v)
	}
	return s
}

// column returns col_c of the 256×640 matrix m: bit(col_c, ι) = bit(m_ι, c).
func column(m *[Rows][RowBytes]byte, c int) [32]byte {
	var col [32]byte
	for i := range Rows {
		bit := (m[i][c>>3] >> (c & 7)) & 1
		col[i>>3] |= bit << (i & 7)
	}
	return col
}

func bitOf(b []byte, i int) byte { return (b[i>>3] >> (i & 7)) & 1 }

func scalarsEqual(a, b *[Width]modn.Scalar) bool {
	for k := range a {
		if modn.Equal(&a[k], &b[k]) != 1 {
			return false
		}
	}
	return true
}

func seedName(i int) string { return fmt.Sprintf("seed-%d", i) }

// renew returns a copy of sess that has not run yet, so that tests can run many extensions
// under one session id.
func renew(sess Session) Session {
	sess.use = new(sessionUse)
	return sess
}
