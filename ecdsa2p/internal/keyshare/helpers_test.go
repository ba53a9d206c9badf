package keyshare_test

import (
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/keyshare"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/ot"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/testrng"
	"github.com/tandem-mpc/tandem/internal/secp"
)

// secretMarker is written into every secret leaf, the chain code and the share so that the
// redaction test can look for it.
var secretMarker = [4]byte{0xde, 0xad, 0xbe, 0xef}

// synthetic returns a well-formed keyshare of party idx built from the seed, without running
// keygen: random x_0, x_1, leaves and Δ.
func synthetic(t testing.TB, seed string, idx uint8, id0, id1 []byte) *keyshare.Keyshare {
	t.Helper()
	r := testrng.New(seed)
	x := [2]*secp.Scalar{r.RandomScalar(), r.RandomScalar()}
	var X [2]*secp.Point
	for i := range X {
		X[i] = new(secp.Point).ScalarBaseMult(x[i])
	}
	var gen, cc [32]byte
	r.RandomBytes(gen[:])
	r.RandomBytes(cc[:])
	copy(cc[:], secretMarker[:])
	leaves := new(ot.Leaves)
	for b := range leaves {
		for l := range leaves[b] {
			r.RandomBytes(leaves[b][l][:])
			copy(leaves[b][l][:], secretMarker[:])
		}
	}
	var delta [ot.Blocks]uint8
	for b := range delta {
		delta[b] = r.Bytes(1)[0] & 0x0f
	}
	ds, err := ot.NewDeltaSeeds(&delta, leaves)
	require.NoError(t, err)
	ks, err := keyshare.New(keyshare.Fields{
		Index: idx, GenSID: gen, ChainCode: cc, X0: X[0], X1: X[1], Share: x[idx],
		ID0: id0, ID1: id1, Chooser: ot.NewChooserSeeds(leaves), Delta: ds,
	})
	require.NoError(t, err)
	return ks
}

func id(v byte, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = v
	}
	return b
}
