package ecdsa2p

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestKeyshareAccessors(t *testing.T) {
	l := newLocal(t)
	l.keygen(t)
	ks := l.ks[0]
	pub := ks.PublicKey()
	u := ks.PublicKeyUncompressed()
	require.Equal(t, byte(0x04), u[0])
	require.Equal(t, pub[1:], u[1:33])
	require.Equal(t, pub[0], 0x02|u[64]&1)
	a := ks.Address()
	require.Equal(t, "0x"+hex.EncodeToString(a[:]), ks.AddressHex())
	require.Equal(t, l.ks[1].ChainCode(), ks.ChainCode())
	require.Equal(t, l.ks[1].KeyID(), ks.KeyID())
	require.False(t, ks.RefreshPending())
	l0, _ := ks.Locked()
	require.False(t, l0)

	b, err := ks.MarshalBinary()
	require.NoError(t, err)
	back, err := ParseKeyshare(b)
	require.NoError(t, err)
	b2, _ := back.MarshalBinary()
	require.Equal(t, b, b2)

	// A bare §11.1 record parses too.
	rec := ks.cur().Marshal()
	back, err = ParseKeyshare(rec)
	require.NoError(t, err)
	require.Equal(t, ks.ShareID(), back.ShareID())
}

// Known Ethereum address: private key 1 → 0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf.
func TestAddressKnown(t *testing.T) {
	g, _ := hex.DecodeString("0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798")
	var pt [33]byte
	copy(pt[:], g)
	a := address(pt)
	require.Equal(t, "7e5f4552091a69125d5dfcb7b8c2659029395bdf", hex.EncodeToString(a[:]))
}

func TestParseKeyshareInvalid(t *testing.T) {
	l := newLocal(t)
	l.keygen(t)
	good, _ := l.ks[0].MarshalBinary()
	mut := func(f func(b []byte) []byte) []byte { return f(bytes.Clone(good)) }
	cases := map[string][]byte{
		"empty":         nil,
		"short":         []byte("TNDG"),
		"magic":         mut(func(b []byte) []byte { b[0] = 'X'; return b }),
		"version":       mut(func(b []byte) []byte { b[4] = 2; return b }),
		"no records":    mut(func(b []byte) []byte { b[5] = 0; return b }),
		"unknown flag":  mut(func(b []byte) []byte { b[5] |= 8; return b }),
		"pending flag":  mut(func(b []byte) []byte { b[5] = 3; return b }),
		"truncated":     good[:len(good)-1],
		"trailing":      append(bytes.Clone(good), 0),
		"huge length":   mut(func(b []byte) []byte { binary.BigEndian.PutUint32(b[6:], 1<<30); return b }),
		"record byte":   mut(func(b []byte) []byte { b[200] ^= 1; return b }),
		"bare record":   mut(func(b []byte) []byte { return b[10:20] }),
		"checksum flip": mut(func(b []byte) []byte { b[len(b)-1] ^= 1; return b }),
	}
	for name, b := range cases {
		_, err := ParseKeyshare(b)
		require.ErrorIs(t, err, ErrInvalidKeyshare, name)
	}
	_, err := LoadKeyshare(context.Background(), &MemoryStore{}, "none")
	require.ErrorIs(t, err, ErrNotFound)
}

func FuzzParseKeyshare(f *testing.F) {
	l := newLocal(f)
	l.keygen(f)
	good, _ := l.ks[1].MarshalBinary()
	f.Add(good)
	f.Add(l.ks[1].cur().Marshal())
	f.Add([]byte("TNDG\x01\x01\x00\x00\x00\x04abcd"))
	f.Add([]byte("TNDK\x00\x01"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		ks, err := ParseKeyshare(b)
		if err != nil {
			return
		}
		out, _ := ks.MarshalBinary()
		if len(b) >= 4 && string(b[:4]) == genMagic && !bytes.Equal(out, b) {
			t.Fatal("parse then marshal changed the bytes")
		}
	})
}

func TestZeroKeyshareRefused(t *testing.T) {
	require.Equal(t, "ecdsa2p.Keyshare(empty)", fmt.Sprint(&Keyshare{}))
	var nilKS *Keyshare
	require.Equal(t, "ecdsa2p.Keyshare(empty)", fmt.Sprintf("%+v", nilKS))
	a, _ := localConfigs(t)
	st := &MemoryStore{}
	_, err := NewPresign(a, &Keyshare{}, st, "k", "m")
	require.Error(t, err)
	_, err = NewRefresh(a, nil, st, "k")
	require.Error(t, err)
	_, err = NewFinishP2(a, &Keyshare{}, st, "k", AcceptDigest())
	require.Error(t, err)
	_, err = NewPresign(a, &Keyshare{}, st, "k", "m/0'")
	require.Error(t, err)
}

func TestConstructorMisuse(t *testing.T) {
	l := newLocal(t)
	l.keygen(t)
	other, _ := localConfigs(t)
	_, err := NewPresign(other, l.ks[0], l.st[0], "k", "m")
	require.Error(t, err, "keys are not the keyshare's identities")
	_, err = NewPresign(l.a, l.ks[0], l.st[0], "k", "m/0'")
	require.Error(t, err, "hardened path")
	_, err = NewPresign(l.a, l.ks[0], nil, "k", "m")
	require.Error(t, err, "no store")
	_, err = NewFinishP1(l.a, l.ks[1], l.st[1], "k", [32]byte{}, [32]byte{}, nil)
	require.Error(t, err, "P2's keyshare in P1's finish")
	_, err = NewFinishP2(l.b, l.ks[1], l.st[1], "k", nil)
	require.Error(t, err, "no AcceptFunc")
	_, err = NewKeygen(l.a, 2, l.st[0], "k")
	require.Error(t, err, "index")
	_, err = NewRefresh(other, l.ks[0], l.st[0], "k")
	require.Error(t, err)
}
