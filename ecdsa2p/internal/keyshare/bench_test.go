package keyshare_test

import (
	"testing"

	"github.com/tandem-mpc/tandem/ecdsa2p/internal/keyshare"
)

// BenchmarkParse: every §11.1 load check of a 65,937-byte keyshare (checksum, point decoding,
// x_i·G, the constant-time punctured-leaf check).
func BenchmarkParse(b *testing.B) {
	enc := synthetic(b, "bench", 0, id(1, 33), id(2, 33)).Marshal()
	b.SetBytes(int64(len(enc)))
	for b.Loop() {
		if _, err := keyshare.Parse(enc); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMarshal(b *testing.B) {
	ks := synthetic(b, "bench", 0, id(1, 33), id(2, 33))
	for b.Loop() {
		_ = ks.Marshal()
	}
}
