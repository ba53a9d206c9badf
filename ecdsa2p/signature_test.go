package ecdsa2p

import (
	"encoding/asn1"
	"math/big"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestSignatureEncodings(t *testing.T) {
	l := newLocal(t)
	l.keygen(t)
	digest := digestOf("encodings")
	sig := l.finish(t, l.presign(t), digest)
	verifySig(t, sig, digest)

	b := sig.Bytes65()
	require.Equal(t, sig.R[:], b[:32])
	require.Equal(t, sig.S[:], b[32:64])
	require.Equal(t, sig.RecID, b[64])
	require.Equal(t, uint64(27+sig.RecID), sig.EthereumV())
	v, ok := sig.EIP155V(1)
	require.True(t, ok)
	require.Equal(t, uint64(37+sig.RecID), v)
	_, ok = sig.EIP155V(^uint64(0))
	require.False(t, ok)
	require.Equal(t, big.NewInt(int64(37+sig.RecID)), sig.EIP155VBig(big.NewInt(1)))
	require.Nil(t, sig.EIP155VBig(nil))
	require.Nil(t, sig.EIP155VBig(big.NewInt(-1)))

	var parsed struct{ R, S *big.Int }
	rest, err := asn1.Unmarshal(sig.DER(), &parsed)
	require.NoError(t, err)
	require.Empty(t, rest)
	require.Equal(t, new(big.Int).SetBytes(sig.R[:]), parsed.R)
	require.Equal(t, new(big.Int).SetBytes(sig.S[:]), parsed.S)

	// DER of small and high-bit values.
	small := &Signature{}
	small.R[31], small.S[0] = 1, 0x80
	rest, err = asn1.Unmarshal(small.DER(), &parsed)
	require.NoError(t, err)
	require.Empty(t, rest)
	require.Equal(t, int64(1), parsed.R.Int64())
}
