package mpc

import (
	"bytes"
	"crypto/ecdh"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tandem-mpc/tandem/signer"
)

// lowOrderX25519 are public keys whose X25519 result is all zero for every secret (the
// small-order points and their non-canonical encodings).
var lowOrderX25519 = []string{
	"0000000000000000000000000000000000000000000000000000000000000000",
	"0100000000000000000000000000000000000000000000000000000000000000",
	"e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
	"5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
	"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
	"edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
	"eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
}

func TestDeriveKeysLowOrderPeerKey(t *testing.T) {
	a, b := newParty(t, signer.Ed25519), newParty(t, signer.Ed25519)
	inst := RandomInstanceID()
	for _, h := range lowOrderX25519 {
		eph, err := newEphemeralKey()
		require.NoError(t, err)
		_, err = deriveKeys(eph, "l", &inst, a.enc, b.enc, unhex(t, h))
		require.ErrorIs(t, err, errZeroShared, h)
		var v *envelopeViolation
		require.True(t, errors.As(err, &v))
		require.True(t, v.PeerFault())
		require.Nil(t, eph.priv, "the ephemeral secret is wiped on failure too")
	}
}

func TestDeriveKeysErrors(t *testing.T) {
	a, b := newParty(t, signer.Ed25519), newParty(t, signer.Ed25519)
	inst := RandomInstanceID()
	eph, err := newEphemeralKey()
	require.NoError(t, err)
	_, err = deriveKeys(eph, "l", &inst, a.enc, a.enc, b.epk)
	require.ErrorIs(t, err, errSameIdentity)

	eph, err = newEphemeralKey()
	require.NoError(t, err)
	_, err = deriveKeys(eph, "l", &inst, a.enc, b.enc, b.epk[:31])
	require.Error(t, err)

	// A wiped (already used) ephemeral key cannot derive again.
	_, err = deriveKeys(eph, "l", &inst, a.enc, b.enc, b.epk)
	require.Error(t, err)

	_, err = ephemeralKeyFromSecret(make([]byte, 31))
	require.Error(t, err)
}

func TestDeriveKeysAgree(t *testing.T) {
	for _, kt := range [][2]signer.KeyType{
		{signer.Ed25519, signer.Ed25519}, {signer.ECDSAP256, signer.ECDSAP256},
		{signer.Ed25519, signer.ECDSAP256}, {signer.ECDSAP256, signer.Ed25519},
	} {
		s := newSession(t, kt[0], kt[1])
		require.Equal(t, s.ka.keys.kAB, s.kb.keys.kAB)
		require.Equal(t, s.ka.keys.kBA, s.kb.keys.kBA)
		require.NotEqual(t, s.ka.keys.kAB, s.ka.keys.kBA)
		require.NotEqual(t, s.ka.selfIsA, s.kb.selfIsA)
		require.Equal(t, bytes.Compare(s.a.enc, s.b.enc) < 0, s.ka.selfIsA)
		if kt[0] != kt[1] {
			// Type code 0x01 (Ed25519) sorts before 0x02 (P-256).
			require.Equal(t, kt[0] == signer.Ed25519, s.ka.selfIsA)
		}
		require.Nil(t, s.a.eph.priv)
		require.Nil(t, s.b.eph.priv)
	}
}

// TestDeriveKeysBinding: every input of the salt changes the keys.
func TestDeriveKeysBinding(t *testing.T) {
	a, b, c := newParty(t, signer.Ed25519), newParty(t, signer.Ed25519), newParty(t, signer.Ed25519)
	secret := bytes.Repeat([]byte{7}, 32)
	inst := RandomInstanceID()
	derive := func(label string, inst InstanceID, peer *party) [32]byte {
		eph, err := ephemeralKeyFromSecret(secret)
		require.NoError(t, err)
		k, err := deriveKeys(eph, label, &inst, a.enc, peer.enc, peer.epk)
		require.NoError(t, err)
		return k.keys.kAB
	}
	base := derive("l", inst, b)
	require.Equal(t, base, derive("l", inst, b))
	require.NotEqual(t, base, derive("m", inst, b))
	require.NotEqual(t, base, derive("l", RandomInstanceID(), b))
	require.NotEqual(t, base, derive("l", inst, c))
	// Same peer epk, other peer identity.
	c2 := *c
	c2.epk = b.epk
	require.NotEqual(t, base, derive("l", inst, &c2))
}

func TestP2PKeysWipe(t *testing.T) {
	s := newSession(t, signer.Ed25519, signer.Ed25519)
	s.ka.wipe()
	require.Equal(t, [32]byte{}, s.ka.keys.kAB)
	require.Equal(t, [32]byte{}, s.ka.keys.kBA)
	require.Nil(t, s.ka.ab)
	require.Nil(t, s.ka.ba)
	var nilKeys *p2pKeys
	nilKeys.wipe() // no panic
}

func TestEphemeralKeyPublic(t *testing.T) {
	e, err := newEphemeralKey()
	require.NoError(t, err)
	pub, err := ecdh.X25519().NewPublicKey(e.public())
	require.NoError(t, err)
	require.True(t, pub.Equal(e.priv.PublicKey()))
	f, err := newEphemeralKey()
	require.NoError(t, err)
	require.NotEqual(t, e.public(), f.public())
}
