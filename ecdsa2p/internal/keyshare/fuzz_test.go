package keyshare_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/tandem-mpc/tandem/ecdsa2p/internal/keyshare"
)

// FuzzParseKeyshare: Parse never panics; it either fails with ErrInvalid or returns a
// keyshare whose Marshal reproduces the input exactly (no malleability). The seed corpus
// holds valid encodings (both indices, short and long identities, locked) and near misses.
func FuzzParseKeyshare(f *testing.F) {
	a := synthetic(f, "fuzz/0", 0, id(0xaa, 33), id(0xbb, 33))
	b := synthetic(f, "fuzz/1", 1, id(0x01, 1), id(0x02, 255))
	b.MarkRestored()
	for _, ks := range []*keyshare.Keyshare{a, b} {
		enc := ks.Marshal()
		f.Add(enc)
		f.Add(enc[:len(enc)-1])
		f.Add(append(bytes.Clone(enc), 0))
		m := bytes.Clone(enc)
		m[7] ^= 0x10
		f.Add(m)
		f.Add(reseal(bytes.Clone(m)))
	}
	f.Add([]byte{})
	f.Add([]byte("TNDK\x00\x01"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ks, err := keyshare.Parse(data)
		if err != nil {
			if !errors.Is(err, keyshare.ErrInvalid) || ks != nil {
				t.Fatalf("unexpected result: %v", err)
			}
			return
		}
		if !bytes.Equal(ks.Marshal(), data) {
			t.Fatal("Marshal(Parse(b)) ≠ b")
		}
	})
}
