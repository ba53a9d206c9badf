package transcript

import (
	"crypto/sha256"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// refH is the definition: SHA-256 of the materialised encoding.
func refH(label Label, fields ...[]byte) [32]byte { return sha256.Sum256(E(label, fields...)) }

func randFields(r *rand.Rand) [][]byte {
	sizes := []int{0, 1, 7, 8, 31, 32, 33, 55, 56, 63, 64, 65, 200, 511, 512, 513, 1500, 5120}
	fs := make([][]byte, r.IntN(7))
	for i := range fs {
		n := sizes[r.IntN(len(sizes))]
		if r.IntN(3) == 0 {
			n = r.IntN(700)
		}
		fs[i] = make([]byte, n)
		for j := range fs[i] {
			fs[i][j] = byte(r.Uint32())
		}
	}
	return fs
}

func randLabel(r *rand.Rand) Label {
	labels := []Label{"", "x", labelTest, LabelRVOLEGadget, Label(make([]byte, 70)), Label(make([]byte, 600))}
	return labels[r.IntN(len(labels))]
}

func TestHasherMatchesDefinition(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	h := NewHasher()
	for i := range 500 {
		label, fs := randLabel(r), randFields(r)
		want := refH(label, fs...)
		require.Equal(t, want, H(label, fs...), "H, case %d", i)

		h.Reset(label)
		h.Fields(fs...)
		require.Equal(t, want, h.Sum(), "Hasher, case %d", i)
		require.Equal(t, want, h.Sum(), "Hasher second Sum, case %d", i)

		// Streamed fields, written in random pieces.
		h.Reset(label)
		for _, f := range fs {
			h.FieldHeader(uint64(len(f)))
			for rest := f; len(rest) > 0; {
				k := 1 + r.IntN(len(rest))
				n, err := h.Write(rest[:k])
				require.NoError(t, err)
				require.Equal(t, k, n)
				rest = rest[k:]
			}
		}
		require.Equal(t, want, h.Sum(), "streamed, case %d", i)

		// Split into a prefix and the rest at every field boundary.
		k := r.IntN(len(fs) + 1)
		p := NewPrefix(label, fs[:k]...)
		require.Equal(t, label, p.Label())
		require.Equal(t, want, p.Sum(fs[k:]...), "Prefix k=%d, case %d", k, i)
		h.ResetPrefix(p)
		h.Fields(fs[k:]...)
		require.Equal(t, want, h.Sum(), "ResetPrefix k=%d, case %d", k, i)
	}
}

func TestHasherMarkRewind(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	h := NewHasher()
	for i := range 300 {
		label, pre, suf1, suf2 := randLabel(r), randFields(r), randFields(r), randFields(r)
		h.Reset(label)
		h.Fields(pre...)
		h.Mark()
		h.Fields(suf1...)
		require.Equal(t, refH(label, append(append([][]byte{}, pre...), suf1...)...), h.Sum(), "case %d", i)
		for range 2 {
			h.Rewind()
			h.Fields(suf2...)
			require.Equal(t, refH(label, append(append([][]byte{}, pre...), suf2...)...), h.Sum(), "case %d", i)
		}
	}
}

func TestHasherFixedWidthFields(t *testing.T) {
	h := NewHasher()
	h.Reset(labelTest)
	h.FieldU8(0xab)
	h.FieldU16(0x0102)
	h.FieldU32(0x03040506)
	h.FieldU64(0x0708090a0b0c0d0e)
	u8, u16, u32, u64 := U8(0xab), U16(0x0102), U32(0x03040506), U64(0x0708090a0b0c0d0e)
	require.Equal(t, refH(labelTest, u8[:], u16[:], u32[:], u64[:]), h.Sum())
	require.Equal(t, []byte{1, 2}, u16[:])
	require.Equal(t, []byte{3, 4, 5, 6}, u32[:])
	require.Equal(t, []byte{7, 8, 9, 10, 11, 12, 13, 14}, u64[:])
}

func TestHasherMisusePanics(t *testing.T) {
	h := NewHasher()
	h.Reset(labelTest)
	require.PanicsWithValue(t, "transcript: internal error: Rewind without Mark", h.Rewind)
	h.FieldHeader(2)
	require.Panics(t, func() { h.Sum() }, "Sum inside an open field")
	require.Panics(t, func() { _, _ = h.Write([]byte{1, 2, 3}) }, "Write beyond the header")
	h.Reset(labelTest) // Reset recovers
	require.Equal(t, refH(labelTest), h.Sum())
}

func TestHasherWipe(t *testing.T) {
	h := NewHasher()
	h.Reset(labelTest)
	secret := []byte("secret secret secret")
	h.Field(secret)
	h.Mark()
	h.Wipe()
	require.NotContains(t, string(h.buf[:]), "secret")
	require.NotContains(t, string(h.tail[:]), "secret")
	h.Reset(labelTest)
	require.Equal(t, refH(labelTest), h.Sum())
}

func TestPRGMatchesDefinition(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for i := range 200 {
		var seed [32]byte
		for j := range seed {
			seed[j] = byte(r.Uint32())
		}
		label, ctx := randLabel(r), randFields(r)
		L := r.IntN(300)
		var want []byte
		for c := uint32(0); len(want) < L; c++ {
			cb := U32(c)
			f := append([][]byte{seed[:]}, ctx...)
			t := refH(label, append(f, cb[:])...)
			want = append(want, t[:]...)
		}
		require.Equal(t, want[:L], PRG(label, L, seed, ctx...), "case %d", i)
	}
}

func TestCommit(t *testing.T) {
	omega := [32]byte{1, 2, 3}
	binding, value := []byte("binding"), []byte("value")
	com := Commit(LabelSignCommit, omega, binding, value)
	require.Equal(t, refH(LabelSignCommit, binding, value, omega[:]), com)
	require.True(t, VerifyOpening(com, LabelSignCommit, omega, binding, value))
	require.False(t, VerifyOpening(com, LabelSignCommit, [32]byte{1, 2, 4}, binding, value), "wrong ω")
	require.False(t, VerifyOpening(com, LabelSignCommit, omega, binding, []byte("valuf")), "wrong value")
	require.False(t, VerifyOpening(com, LabelKeygenCommit, omega, binding, value), "wrong label")
	require.False(t, VerifyOpening(com, LabelSignCommit, omega, append(binding, value...)), "refactored fields")
}

// The hot paths must not allocate: H on small fields, a Prefix, PRGInto, and a reused Hasher.
func TestAllocations(t *testing.T) {
	sid := make([]byte, 32)
	leaf := [32]byte{9}
	var dst [192]byte
	p := NewPrefix(LabelOTKey, sid)
	h := NewHasher()
	big := make([]byte, 512)
	u16 := U16(7)
	cases := map[string]func(){
		"H": func() {
			b, x := U8(1), U8(2)
			_ = H(LabelPPRFLeaf, sid, b[:], x[:], leaf[:])
		},
		"Prefix.Sum": func() { _ = p.Sum(u16[:], make([]byte, 33), make([]byte, 33)) },
		"PRGInto":    func() { PRGInto(dst[:], LabelOTEPad, leaf, sid, u16[:]) },
		"Hasher": func() {
			h.Reset(LabelOTEU)
			h.Field(sid)
			h.FieldHeader(5120)
			for range 10 {
				_, _ = h.Write(big)
			}
			_ = h.Sum()
		},
		"Commit": func() { _ = Commit(LabelSignCommit, leaf, sid, u16[:]) },
	}
	for name, f := range cases {
		f() // warm the pool and lazily created digests
		if n := testing.AllocsPerRun(100, f); n != 0 {
			t.Errorf("%s: %v allocations per run, want 0", name, n)
		}
	}
}

func FuzzHasher(f *testing.F) {
	f.Add([]byte("tandem/v1/test"), []byte("abc"), []byte(""), uint8(1))
	f.Add(make([]byte, 70), make([]byte, 600), []byte("x"), uint8(0))
	f.Fuzz(func(t *testing.T, label, f1, f2 []byte, split uint8) {
		l := Label(label)
		want := refH(l, f1, f2)
		if got := H(l, f1, f2); got != want {
			t.Fatalf("H mismatch")
		}
		p := NewPrefix(l, [][]byte{f1, f2}[:split%3]...)
		if got := p.Sum([][]byte{f1, f2}[split%3:]...); got != want {
			t.Fatalf("Prefix mismatch")
		}
	})
}
