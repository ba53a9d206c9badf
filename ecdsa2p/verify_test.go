package ecdsa2p

import (
	"crypto/sha256"
	"testing"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	decredecdsa "github.com/decred/dcrd/dcrec/secp256k1/v4/ecdsa"
	"github.com/stretchr/testify/require"
)

// decredSig signs digest with decred and returns pub (compressed, uncompressed) and r‖s‖recid.
func decredSig(t testing.TB, seed byte, digest [32]byte) (pc, pu []byte, sig []byte) {
	t.Helper()
	var kb [32]byte
	kb[31] = seed
	kb[0] = 0x42
	priv := secp256k1.PrivKeyFromBytes(kb[:])
	c := decredecdsa.SignCompact(priv, digest[:], true) // v ‖ r ‖ s, v = 27 + 4 + recid
	sig = append(append([]byte{}, c[1:]...), c[0]-31)
	return priv.PubKey().SerializeCompressed(), priv.PubKey().SerializeUncompressed(), sig
}

func TestVerify(t *testing.T) {
	d := sha256.Sum256([]byte("verify me"))
	pc, pu, sig := decredSig(t, 7, d)
	require.NoError(t, Verify(pc, d, sig))
	require.NoError(t, Verify(pu, d, sig))
	require.NoError(t, Verify(pc, d, sig[:64]))

	// High s (n − s) verifies as plain ECDSA; its recovery id is the other parity.
	var s secp256k1.ModNScalar
	s.SetByteSlice(sig[32:64])
	s.Negate()
	hs := s.Bytes()
	high := append(append(append([]byte{}, sig[:32]...), hs[:]...), sig[64]^1)
	require.NoError(t, Verify(pc, d, high))
	require.NoError(t, Verify(pc, d, high[:64]))

	bad := func(name string, pub []byte, dg [32]byte, sg []byte) {
		t.Run(name, func(t *testing.T) {
			require.Error(t, Verify(pub, dg, sg))
		})
	}
	d2 := d
	d2[0] ^= 1
	bad("other digest", pc, d2, sig)
	_, otherPub, _ := decredSig(t, 8, d)
	bad("other key", otherPub, d, sig)
	wrongV := append([]byte{}, sig...)
	wrongV[64] ^= 1
	bad("wrong recovery id", pc, d, wrongV)
	wrongV[64] = 9
	bad("recovery id out of range", pc, d, wrongV)
	bad("short", pc, d, sig[:63])
	bad("long", pc, d, append(append([]byte{}, sig...), 0))
	zero := make([]byte, 64)
	bad("zero", pc, d, zero)
	over := append([]byte{}, sig...)
	copy(over[:32], secp256k1.S256().N.FillBytes(make([]byte, 32)))
	bad("r = n", pc, d, over)
	bad("bad key", []byte{0x02, 1, 2}, d, sig)
	bad("nil key", nil, d, sig)
	for i := range 64 * 8 {
		f := append([]byte{}, sig[:64]...)
		f[i/8] ^= 1 << (i % 8)
		require.Error(t, Verify(pc, d, f), "bit %d", i)
	}
}

func FuzzVerify(f *testing.F) {
	d := sha256.Sum256([]byte("fuzz"))
	pc, _, sig := decredSig(f, 3, d)
	f.Add(pc, d[:], sig)
	f.Add([]byte{}, []byte{}, []byte{})
	f.Fuzz(func(t *testing.T, pub, digest, sig []byte) {
		var dg [32]byte
		copy(dg[:], digest)
		_ = Verify(pub, dg, sig)
	})
}

func TestAddressOf(t *testing.T) {
	// The secp256k1 generator's address (private key 1).
	var one [32]byte
	one[31] = 1
	pub := secp256k1.PrivKeyFromBytes(one[:]).PubKey().SerializeCompressed()
	a, err := AddressOf([33]byte(pub))
	require.NoError(t, err)
	require.Equal(t, "0x7e5f4552091a69125d5dfcb7b8c2659029395bdf", a)
	_, err = AddressOf([33]byte{0x05})
	require.Error(t, err)
}
