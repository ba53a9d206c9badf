package transcript

import (
	"encoding/hex"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// Test labels of PROTOCOL.md §12.4(a). They exist only in tests.
const (
	labelTest    Label = "tandem/v1/test"
	labelTestH2S Label = "tandem/v1/test/h2s"
	labelTestPRG Label = "tandem/v1/test/prg"
	labelTestH2C Label = "tandem/v1/test/h2c"
)

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	require.NoError(t, err)
	return b
}

func TestVectorE(t *testing.T) {
	got := E(labelTest, []byte("abc"))
	want := unhex(t, "000000000000000e74616e64656d2f76312f74657374 0000000000000003616263")
	require.Equal(t, want, got)
	require.Equal(t, len(want), EncodedLen(labelTest, []byte("abc")))
}

func TestVectorH(t *testing.T) {
	tests := []struct {
		name   string
		fields [][]byte
		want   string
	}{
		{"no fields", nil, "805ee46694a020b3c0f186620a6496b893f33bbdf29552da4331ecfe2ad53544"},
		{"empty field", [][]byte{{}}, "03b31d283e2bb55d45559cc111e43f8c93b5de1adbb070649b5406f6c89d834b"},
		{"abc", [][]byte{[]byte("abc")}, "3cee404a9287b7ccbf42cad13f68440fd98ded48c14564a447c4abb62bae9fd0"},
		{"a,bc", [][]byte{[]byte("a"), []byte("bc")}, "c04e4958030855a264d604b9b6fb451d771a532eaa89c5db5ecaf0152d01a4b5"},
		{"ab,c", [][]byte{[]byte("ab"), []byte("c")}, "2010f542477c91b011fd02305d81ccf039255dcd8831bfbe8cb63d101815d370"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := unhex(t, tt.want)
			got := H(labelTest, tt.fields...)
			require.Equal(t, want, got[:], "H")

			h := NewHasher()
			h.Reset(labelTest)
			h.Fields(tt.fields...)
			got = h.Sum()
			require.Equal(t, want, got[:], "Hasher")

			p := NewPrefix(labelTest)
			got = p.Sum(tt.fields...)
			require.Equal(t, want, got[:], "Prefix")
		})
	}
}

func TestVectorPRG(t *testing.T) {
	var seed [32]byte
	for i := range seed {
		seed[i] = byte(i)
	}
	want := unhex(t, "cc1b63d21eff7025ae9cc59de3704c6e524c70da3145f5d9698b60bb0c8814c7"+
		"2ee7953231010f7c390cdf402d8cfbd042f8867a8bec2ee9aeed727c93ee464d"+
		"50da748c4fd8330d25bc4407a3806713")
	got := PRG(labelTestPRG, 80, seed, []byte("ctx"))
	require.Equal(t, want, got)
	// Every prefix length agrees with the long output.
	for L := 0; L <= 80; L++ {
		require.Equal(t, want[:L], PRG(labelTestPRG, L, seed, []byte("ctx")), "L=%d", L)
	}
}
