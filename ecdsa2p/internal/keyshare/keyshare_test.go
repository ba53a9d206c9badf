package keyshare_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/engineerr"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/keyshare"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/ot"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/testvec"
	"github.com/tandem-mpc/tandem/internal/secp"
	"github.com/tandem-mpc/tandem/internal/transcript"
)

// Offsets of §11.1 used below.
const (
	offFlags   = 7
	offReason  = 8
	offCulprit = 9
	offKeyID   = 10
	offQ       = 106
	offCC      = 139
	offX0      = 171
	offShare   = 237
	offL0      = 269
)

// reseal recomputes the checksum of a modified encoding, so that a test reaches the checks
// behind it.
func reseal(b []byte) []byte {
	body := b[:len(b)-32]
	sum := transcript.H(transcript.LabelKeyshareChecksum, body)
	copy(b[len(body):], sum[:])
	return b
}

func TestLayoutSizes(t *testing.T) {
	require.Equal(t, 65937, keyshare.EncodedLen(33, 33), "§11.1: 65,937 bytes with 33-byte identities")
	for _, l := range [][2]int{{1, 1}, {33, 34}, {255, 255}, {1, 255}} {
		ks := synthetic(t, "sizes", 0, id(1, l[0]), id(2, l[1]))
		enc := ks.Marshal()
		require.Len(t, enc, 65871+l[0]+l[1])
		require.Equal(t, "TNDK", string(enc[:4]))
		require.Equal(t, uint16(1), binary.BigEndian.Uint16(enc[4:6]))
		require.Equal(t, byte(l[0]), enc[offL0])
		require.Equal(t, byte(l[1]), enc[offL0+1+l[0]])
	}
}

// Round trip (§12.1 item 13): Parse then Marshal reproduces the input exactly, for both
// indices, every status combination and the lock fields.
func TestRoundTrip(t *testing.T) {
	for idx := range uint8(2) {
		ks := synthetic(t, "roundtrip", idx, id(0xaa, 33), id(0xbb, 34))
		variants := map[string]func(){
			"active":   func() {},
			"locked":   func() { ks.Lock(engineerr.OTExtensionCheckFailed, 1-idx) },
			"exported": func() { ks.SetExported() },
		}
		for _, name := range []string{"active", "locked", "exported"} {
			variants[name]()
			enc := ks.Marshal()
			back, err := keyshare.Parse(enc)
			require.NoError(t, err, name)
			require.Equal(t, enc, back.Marshal(), name)
			require.Equal(t, ks.KeyID(), back.KeyID())
			require.Equal(t, ks.ShareID(), back.ShareID())
			require.Equal(t, ks.GenSID(), back.GenSID())
			require.Equal(t, ks.PublicKey(), back.PublicKey())
			require.Equal(t, ks.ChainCode(), back.ChainCode())
			require.Equal(t, ks.ID(0), back.ID(0))
			require.Equal(t, ks.ID(1), back.ID(1))
			require.Equal(t, 1, ks.Share().Equal(back.Share()))
			require.Equal(t, *ks.ChooserSeeds().Leaves(), *back.ChooserSeeds().Leaves())
			require.Equal(t, *ks.DeltaSeeds().Delta(), *back.DeltaSeeds().Delta())
			require.Equal(t, *ks.DeltaSeeds().Leaves(), *back.DeltaSeeds().Leaves())
			l1, r1, c1 := ks.Locked()
			l2, r2, c2 := back.Locked()
			require.Equal(t, []any{l1, r1, c1}, []any{l2, r2, c2})
		}
	}
}

// The keyshares of the §12.4(d) keygen vector: the stored bytes are fixed by the vector, so
// their digests are pinned here (regenerate by printing them if the format ever changes).
func TestKnownAnswerKeyshareEncoding(t *testing.T) {
	run, err := testvec.RunKeygen(testvec.DefaultKeygen())
	require.NoError(t, err)
	for i, ks := range run.Keyshares {
		enc := ks.Marshal()
		require.Len(t, enc, 65937)
		back, err := keyshare.Parse(enc)
		require.NoError(t, err)
		require.Equal(t, enc, back.Marshal())
		require.Equal(t, "b21593570f840d8807addb3517d0eb713297bd39793fa089cd6ed63ba5ed8df5", hex.EncodeToString(enc[offKeyID:offKeyID+32]))
		sum := sha256.Sum256(enc)
		t.Logf("SHA-256(keyshare P%d) = %x", i+1, sum)
	}
}

// N27: a bad magic, version, length or checksum, x_i·G ≠ X_i, or a non-zero leaf at Δ_b:
// KeyshareInvalid.
func TestN27_KeyshareInvalid(t *testing.T) {
	ks := synthetic(t, "n27", 1, id(0xaa, 33), id(0xbb, 33))
	good := ks.Marshal()
	a := offL0 + 2 + 33 + 33
	deltaOff := a + 32768
	delta := ks.DeltaSeeds().Delta()
	punctured := deltaOff + 32 + (5*16+int(delta[5]))*32 // the zero leaf of block 5

	mod := func(f func(b []byte) []byte) []byte { return f(bytes.Clone(good)) }
	cases := map[string][]byte{
		"empty":                {},
		"bad magic":            mod(func(b []byte) []byte { b[0] = 'X'; return reseal(b) }),
		"version 2":            mod(func(b []byte) []byte { b[5] = 2; return reseal(b) }),
		"version 0":            mod(func(b []byte) []byte { b[5] = 0; return reseal(b) }),
		"index 2":              mod(func(b []byte) []byte { b[6] = 2; return reseal(b) }),
		"reserved status bit":  mod(func(b []byte) []byte { b[offFlags] |= 0x08; return reseal(b) }),
		"reason without lock":  mod(func(b []byte) []byte { b[offReason] = 0x21; return reseal(b) }),
		"culprit without lock": mod(func(b []byte) []byte { b[offCulprit] = 0; return reseal(b) }),
		"lock without reason":  mod(func(b []byte) []byte { b[offFlags] |= 1; return reseal(b) }),
		"lock culprit 2":       mod(func(b []byte) []byte { b[offFlags] |= 1; b[offReason] = 0x21; b[offCulprit] = 2; return reseal(b) }),
		"lock unknown reason":  mod(func(b []byte) []byte { b[offFlags] |= 1; b[offReason] = 0x77; return reseal(b) }),
		"L0 = 0":               mod(func(b []byte) []byte { b[offL0] = 0; return b }),
		"L0 too large":         mod(func(b []byte) []byte { b[offL0] = 34; return reseal(b) }),
		"truncated":            good[:len(good)-1],
		"extended":             append(bytes.Clone(good), 0),
		"checksum":             mod(func(b []byte) []byte { b[len(b)-1] ^= 1; return b }),
		"key_id":               mod(func(b []byte) []byte { b[offKeyID] ^= 1; return reseal(b) }),
		"chain code":           mod(func(b []byte) []byte { b[offCC] ^= 1; return reseal(b) }),
		"Q not X_0 + X_1":      mod(func(b []byte) []byte { b[offQ] ^= 1; return reseal(b) }),
		"X_0 off the curve":    mod(func(b []byte) []byte { b[offX0] = 0x04; return reseal(b) }),
		"x_i·G ≠ X_i":          mod(func(b []byte) []byte { b[offShare+31] ^= 1; return reseal(b) }),
		"x_i ≥ n":              mod(func(b []byte) []byte { copy(b[offShare:], bytes.Repeat([]byte{0xff}, 32)); return reseal(b) }),
		"x_i = 0":              mod(func(b []byte) []byte { clear(b[offShare : offShare+32]); return reseal(b) }),
		"non-zero leaf at Δ_b": mod(func(b []byte) []byte { b[punctured+7] = 1; return reseal(b) }),
	}
	for name, enc := range cases {
		t.Run(name, func(t *testing.T) {
			ks, err := keyshare.Parse(enc)
			require.ErrorIs(t, err, keyshare.ErrInvalid)
			require.Nil(t, ks)
		})
	}
	_, err := keyshare.Parse(cases["version 2"])
	require.ErrorIs(t, err, keyshare.ErrUnsupportedVersion)
}

// §12.1 item 13: single-byte flips anywhere are rejected. Every byte of the fixed header and
// identities, every byte of the checksum, and a stride through the seeds (each flip there only
// breaks the checksum).
func TestEveryByteFlipRejected(t *testing.T) {
	ks := synthetic(t, "flips", 0, id(0xaa, 33), id(0xbb, 33))
	good := ks.Marshal()
	a := offL0 + 2 + 66
	stride := 1
	for off := 0; off < len(good); off += stride {
		stride = 1
		if off >= a+64 && off < len(good)-32 {
			stride = 97
		}
		for _, mask := range []byte{0x01, 0x80} {
			b := bytes.Clone(good)
			b[off] ^= mask
			_, err := keyshare.Parse(b)
			require.ErrorIs(t, err, keyshare.ErrInvalid, "flip 0x%02x at offset %d", mask, off)
		}
	}
	for n := 0; n < len(good); n += 1 + n/2 {
		_, err := keyshare.Parse(good[:n])
		require.ErrorIs(t, err, keyshare.ErrInvalid, "truncated to %d", n)
	}
}

func TestNewRejects(t *testing.T) {
	ks := synthetic(t, "new", 0, id(1, 33), id(2, 33))
	x := ks.Share()
	X0 := new(secp.Point).ScalarBaseMult(x)
	X1 := new(secp.Point).ScalarBaseMult(secp.NewScalar().SetUint64(7))
	ok := keyshare.Fields{Index: 0, X0: X0, X1: X1, Share: x, ID0: id(1, 1), ID1: id(2, 1), Chooser: ks.ChooserSeeds(), Delta: ks.DeltaSeeds()}
	_, err := keyshare.New(ok)
	require.NoError(t, err)
	for name, f := range map[string]func(k keyshare.Fields) keyshare.Fields{
		"index 2":       func(k keyshare.Fields) keyshare.Fields { k.Index = 2; return k },
		"x·G ≠ X_index": func(k keyshare.Fields) keyshare.Fields { k.Index = 1; return k },
		"Q = O":         func(k keyshare.Fields) keyshare.Fields { k.X1 = new(secp.Point).Negate(X0); return k },
		"X_1 = O":       func(k keyshare.Fields) keyshare.Fields { k.X1 = secp.NewIdentityPoint(); return k },
		"empty id":      func(k keyshare.Fields) keyshare.Fields { k.ID0 = nil; return k },
		"long id":       func(k keyshare.Fields) keyshare.Fields { k.ID1 = make([]byte, 256); return k },
		"no seeds":      func(k keyshare.Fields) keyshare.Fields { k.Chooser = nil; return k },
		"zero seeds":    func(k keyshare.Fields) keyshare.Fields { k.Delta = &ot.DeltaSeeds{}; return k },
		"zero share":    func(k keyshare.Fields) keyshare.Fields { k.Share = secp.NewScalar(); return k },
	} {
		_, err := keyshare.New(f(ok))
		require.ErrorIs(t, err, keyshare.ErrInvalid, name)
	}
}

func point(t testing.TB, enc [33]byte) *secp.Point {
	P, err := new(secp.Point).SetBytes(enc[:])
	require.NoError(t, err)
	return P
}

// Lock keeps the first reason; N33: a restored keyshare is LOCKED with reason Restored and
// no culprit, and the lock survives storage.
func TestLockAndN33_Restored(t *testing.T) {
	ks := synthetic(t, "lock", 0, id(1, 33), id(2, 33))
	locked, _, _ := ks.Locked()
	require.False(t, locked)
	ks.MarkRestored()
	ks.Lock(engineerr.OTExtensionCheckFailed, 1)
	back, err := keyshare.Parse(ks.Marshal())
	require.NoError(t, err)
	locked, reason, culprit := back.Locked()
	require.True(t, locked)
	require.Equal(t, engineerr.Restored, reason)
	require.Equal(t, keyshare.NoCulprit, culprit)
	enc := back.Marshal()
	require.Equal(t, []byte{0x01, 0x32, 0xff}, enc[offFlags:offCulprit+1])
	require.Panics(t, func() { synthetic(t, "lock", 0, id(1, 1), id(2, 1)).Lock(0, 0) })
}

func TestPendingActivateAndExport(t *testing.T) {
	ks := synthetic(t, "status", 0, id(1, 33), id(2, 33))
	pending, err := keyshare.New(keyshare.Fields{Index: 0, ChainCode: ks.ChainCode(), X0: point(t, ks.PublicShare(0)),
		X1: point(t, ks.PublicShare(1)), Share: ks.Share(), ID0: ks.ID(0), ID1: ks.ID(1),
		Chooser: ks.ChooserSeeds(), Delta: ks.DeltaSeeds(), Pending: true})
	require.NoError(t, err)
	require.True(t, pending.Pending())
	enc := pending.Marshal()
	require.Equal(t, byte(0x04), enc[offFlags])
	back, err := keyshare.Parse(enc)
	require.NoError(t, err)
	require.True(t, back.Pending())
	back.Activate()
	require.False(t, back.Pending())
	require.Equal(t, byte(0x00), back.Marshal()[offFlags])

	ks.SetExported()
	require.True(t, ks.Exported())
	ks.Activate()
	require.False(t, ks.Pending())
	require.Contains(t, fmt.Sprint(ks), "exported")
}
