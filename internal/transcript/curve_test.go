package transcript

import (
	"encoding/hex"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tandem-mpc/tandem/internal/secp"
)

func TestVectorH2S(t *testing.T) {
	s := H2S(labelTestH2S, []byte("abc"))
	b := s.Bytes()
	require.Equal(t, "853648f3d43139a742ee0c21c844dc12ece83f155b70053189eb3d3d80297737", hex.EncodeToString(b[:]))

	// The definition: wide reduction of H(…, u8(0)) ‖ H(…, u8(1)).
	h0 := H(labelTestH2S, []byte("abc"), []byte{0})
	h1 := H(labelTestH2S, []byte("abc"), []byte{1})
	want, err := secp.NewScalar().SetWideBytes(append(h0[:], h1[:]...))
	require.NoError(t, err)
	require.Equal(t, 1, want.Equal(s))

	p := NewPrefix(labelTestH2S)
	require.Equal(t, 1, p.H2S([]byte("abc")).Equal(s), "Prefix.H2S")
	long := NewPrefix(labelTestH2S, make([]byte, 100))
	require.Equal(t, 1, long.H2S([]byte("abc")).Equal(H2S(labelTestH2S, make([]byte, 100), []byte("abc"))))

	hs := NewHasher()
	hs.Reset(labelTestH2S)
	hs.Field([]byte("abc"))
	require.Equal(t, 1, hs.SumScalar().Equal(s), "Hasher.SumScalar")
	require.Equal(t, 1, hs.SumScalar().Equal(s), "SumScalar leaves the state at the message")
}

func TestVectorWide(t *testing.T) {
	ff := make([]byte, 64)
	for i := range ff {
		ff[i] = 0xff
	}
	s, err := secp.NewScalar().SetWideBytes(ff)
	require.NoError(t, err)
	b := s.Bytes()
	require.Equal(t, "9d671cd581c69bc5e697f5e45bcd07c6741496c20e7cf878896cf21467d7d13f", hex.EncodeToString(b[:]))
}

func TestVectorH2C(t *testing.T) {
	require.Len(t, H2CDST, 51)
	require.Equal(t, secp.H2CDST, H2CDST)
	p := H2C(labelTestH2C, []byte("abc"))
	b, err := p.Bytes()
	require.NoError(t, err)
	require.Equal(t, "02bcd8398f59c0ac9aaf43cb004ca24a5b7ed7819582b6139aa354808ba38a9e10", hex.EncodeToString(b[:]))
	u, err := p.BytesUncompressed()
	require.NoError(t, err)
	require.Equal(t, "54224a98950506c45d61cb4d00aab2692b26140798d3fd58c741ab21fc95d81c", hex.EncodeToString(u[33:]))

	// H2C hashes the encoding E, not its digest.
	direct := secp.HashToCurve(E(labelTestH2C, []byte("abc")), []byte(H2CDST))
	require.Equal(t, 1, direct.Equal(p))
	// Long inputs take the same path.
	big := make([]byte, 1000)
	require.Equal(t, 1, secp.HashToCurve(E(labelTestH2C, big), []byte(H2CDST)).Equal(H2C(labelTestH2C, big)))
}

func BenchmarkH2S(b *testing.B) {
	sid := make([]byte, 32)
	j := U16(77)
	b.Run("H2S", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = H2S(LabelRVOLEGadget, sid, j[:])
		}
	})
	b.Run("Prefix", func(b *testing.B) {
		p := NewPrefix(LabelRVOLEGadget, sid)
		b.ReportAllocs()
		for b.Loop() {
			_ = p.H2S(j[:])
		}
	})
}

func BenchmarkH2C(b *testing.B) {
	sid, pt := make([]byte, 32), make([]byte, 33)
	t, slot := U16(3), U8(1)
	b.ReportAllocs()
	for b.Loop() {
		_ = H2C(LabelOTH2C, sid, t[:], slot[:], pt)
	}
}
