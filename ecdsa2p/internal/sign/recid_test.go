package sign_test

import (
	"math/big"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/sign"
	"github.com/tandem-mpc/tandem/internal/secp"
)

// TestN29_XAtLeastN builds points R′ whose x-coordinate lies in [n, p) (searched here, upwards
// from n) and checks r = x − n, recid bit 1 set, and the parity bit; plus points with x < n.
func TestN29_XAtLeastN(t *testing.T) {
	t.Parallel()
	found := 0
	for x := new(big.Int).Set(curveN); x.Cmp(curveP) < 0 && found < 3; x.Add(x, big.NewInt(1)) {
		for _, prefix := range []byte{0x02, 0x03} {
			var enc [33]byte
			enc[0] = prefix
			x.FillBytes(enc[1:])
			P, err := new(secp.Point).SetBytes(enc[:])
			if err != nil {
				continue // not on the curve
			}
			r, recid, err := sign.RecoveryID(P)
			require.NoError(t, err)
			want := new(big.Int).Sub(x, curveN)
			rb := r.Bytes()
			require.Equal(t, want.FillBytes(make([]byte, 32)), rb[:])
			require.Equal(t, uint8(2)|prefix&1, recid)
			found++
		}
	}
	require.Positive(t, found, "no x in [n, p) on the curve")

	for k := uint64(1); k < 8; k++ {
		P := new(secp.Point).ScalarBaseMult(secp.NewScalar().SetUint64(k))
		enc, err := P.Bytes()
		require.NoError(t, err)
		r, recid, err := sign.RecoveryID(P)
		require.NoError(t, err)
		rb := r.Bytes()
		require.Equal(t, enc[1:], rb[:])
		require.Equal(t, enc[0]&1, recid)
	}
	_, _, err := sign.RecoveryID(secp.NewIdentityPoint())
	require.Error(t, err)
}
