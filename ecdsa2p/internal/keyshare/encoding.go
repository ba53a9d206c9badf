package keyshare

import (
	"bytes"
	"crypto/subtle"
	"encoding/binary"
	"fmt"

	"github.com/tandem-mpc/tandem/ecdsa2p/internal/engineerr"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/ot"
	"github.com/tandem-mpc/tandem/internal/secp"
	"github.com/tandem-mpc/tandem/internal/transcript"
)

// Layout of format version 1 (PROTOCOL.md §11.1).
const (
	Magic   = "TNDK"
	Version = 0x0001

	offIndex    = 6
	offFlags    = 7
	offReason   = 8
	offCulprit  = 9
	offKeyID    = 10
	offShareID  = 42
	offGenSID   = 74
	offQ        = 106
	offCC       = 139
	offX0       = 171
	offX1       = 204
	offShare    = 237
	offL0       = 269
	seedsSize   = ot.Blocks * ot.LeavesPerBlock * ot.LeafSize // 32,768
	fixedSize   = 271 + seedsSize + 32 + seedsSize + 32       // 65,871 + L0 + L1
	minIDLen    = 1
	maxIDLen    = 255
	checksumLen = 32
)

// EncodedLen returns the length of a version-1 keyshare with identities of l0 and l1 bytes:
// 65,871 + l0 + l1.
func EncodedLen(l0, l1 int) int { return fixedSize + l0 + l1 }

// Marshal returns the §11.1 encoding of k. The result holds x_i, the chain code and both seed
// sets: it is secret and must go only to encrypted, authenticated storage.
func (k *Keyshare) Marshal() []byte {
	if k == nil || !k.chooser.Valid() || !k.delta.Valid() {
		panic("keyshare: internal error: Marshal of an invalid keyshare")
	}
	b := make([]byte, 0, EncodedLen(len(k.id[0]), len(k.id[1])))
	b = append(b, Magic...)
	b = binary.BigEndian.AppendUint16(b, Version)
	b = append(b, k.index, k.flags, k.lockReason, k.lockCulprit)
	b = append(b, k.keyID[:]...)
	b = append(b, k.shareID[:]...)
	b = append(b, k.genSID[:]...)
	b = append(b, k.q[:]...)
	b = append(b, k.cc[:]...)
	b = append(b, k.pub[0][:]...)
	b = append(b, k.pub[1][:]...)
	x := k.x.Bytes()
	b = append(b, x[:]...)
	clear(x[:])
	for _, id := range k.id {
		b = append(b, byte(len(id)))
		b = append(b, id...)
	}
	b = appendLeaves(b, k.chooser.Leaves())
	d := k.delta.DeltaBytes()
	b = append(b, d[:]...)
	clear(d[:])
	b = appendLeaves(b, k.delta.Leaves())
	sum := transcript.H(transcript.LabelKeyshareChecksum, b)
	return append(b, sum[:]...)
}

func appendLeaves(b []byte, l *ot.Leaves) []byte {
	for i := range l {
		for x := range l[i] {
			b = append(b, l[i][x][:]...)
		}
	}
	return b
}

func readLeaves(l *ot.Leaves, b []byte) {
	for i := range l {
		for x := range l[i] {
			copy(l[i][x][:], b[(i*ot.LeavesPerBlock+x)*ot.LeafSize:])
		}
	}
}

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, args...))
}

// Parse decodes a version-1 keyshare and runs the load checks of §11.1: magic, version, index,
// reserved bits, lock fields, identity lengths, exact length, checksum, point decoding, a
// canonical non-zero x_i with x_i·G = X_index, X_0 + X_1 = Q, key_id and share_id, and a zero
// DeltaSeeds leaf at every Δ_b. Every failure matches [ErrInvalid]; an unknown version also
// matches [ErrUnsupportedVersion]. It never panics and copies what it keeps.
func Parse(b []byte) (*Keyshare, error) {
	if len(b) < offL0+1 || string(b[:4]) != Magic {
		return nil, invalid("bad magic or too short (%d bytes)", len(b))
	}
	if v := binary.BigEndian.Uint16(b[4:6]); v != Version {
		return nil, fmt.Errorf("%w: %w 0x%04x", ErrInvalid, ErrUnsupportedVersion, v)
	}
	k := &Keyshare{index: b[offIndex], flags: b[offFlags], lockReason: b[offReason], lockCulprit: b[offCulprit]}
	if k.index > 1 {
		return nil, invalid("party index %d", k.index)
	}
	if k.flags&^flagsMask != 0 {
		return nil, invalid("reserved status bits set (0x%02x)", k.flags)
	}
	if k.flags&FlagLocked != 0 {
		if !engineerr.Code(k.lockReason).Known() || k.lockReason == 0 || (k.lockCulprit > 1 && k.lockCulprit != NoCulprit) {
			return nil, invalid("lock reason 0x%02x or culprit 0x%02x", k.lockReason, k.lockCulprit)
		}
	} else if k.lockReason != 0 || k.lockCulprit != NoCulprit {
		return nil, invalid("lock fields set on an unlocked keyshare")
	}
	l0 := int(b[offL0])
	if l0 < minIDLen || len(b) < offL0+1+l0+1 {
		return nil, invalid("id_0 length %d", l0)
	}
	l1 := int(b[offL0+1+l0])
	if l1 < minIDLen {
		return nil, invalid("id_1 length %d", l1)
	}
	if len(b) != EncodedLen(l0, l1) {
		return nil, invalid("length %d, want %d", len(b), EncodedLen(l0, l1))
	}
	body := b[:len(b)-checksumLen]
	sum := transcript.H(transcript.LabelKeyshareChecksum, body)
	if subtle.ConstantTimeCompare(sum[:], b[len(body):]) != 1 {
		return nil, invalid("checksum mismatch")
	}
	copy(k.keyID[:], b[offKeyID:])
	copy(k.shareID[:], b[offShareID:])
	copy(k.genSID[:], b[offGenSID:])
	copy(k.q[:], b[offQ:])
	copy(k.cc[:], b[offCC:])
	copy(k.pub[0][:], b[offX0:])
	copy(k.pub[1][:], b[offX1:])
	k.id[0] = bytes.Clone(b[offL0+1 : offL0+1+l0])
	k.id[1] = bytes.Clone(b[offL0+2+l0 : offL0+2+l0+l1])

	var pts [3]*secp.Point
	for i, enc := range [][33]byte{k.q, k.pub[0], k.pub[1]} {
		P, err := new(secp.Point).SetBytes(enc[:])
		if err != nil {
			return nil, invalid("point %d does not decode: %v", i, err)
		}
		pts[i] = P
	}
	if sum, err := new(secp.Point).Add(pts[1], pts[2]).Bytes(); err != nil || sum != k.q {
		return nil, invalid("X_0 + X_1 ≠ Q")
	}
	if _, err := k.x.SetCanonicalBytes(b[offShare : offShare+32]); err != nil {
		return nil, invalid("x_i is not canonical")
	}
	if err := k.checkShare(); err != nil {
		k.Wipe()
		return nil, err
	}
	if kid, sid := IDs(k.q, k.cc, k.genSID); kid != k.keyID || sid != k.shareID {
		k.Wipe()
		return nil, invalid("key_id or share_id does not match")
	}

	a := offL0 + 2 + l0 + l1
	leaves := new(ot.Leaves)
	defer func() { *leaves = ot.Leaves{} }()
	readLeaves(leaves, b[a:])
	k.chooser = ot.NewChooserSeeds(leaves)
	var delta [ot.Blocks]uint8
	for q, v := range b[a+seedsSize : a+seedsSize+32] {
		delta[2*q], delta[2*q+1] = v&0x0f, v>>4
	}
	readLeaves(leaves, b[a+seedsSize+32:])
	if !puncturedZero(&delta, leaves) {
		k.Wipe()
		return nil, invalid("DeltaSeeds leaf at Δ_b is not zero")
	}
	ds, err := ot.NewDeltaSeeds(&delta, leaves)
	clear(delta[:])
	if err != nil {
		k.Wipe()
		return nil, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	k.delta = ds
	return k, nil
}

// puncturedZero reports whether the leaf at every Δ_b is all zero, in constant time: every
// leaf of every block is visited and Δ_b only builds a mask.
func puncturedZero(delta *[ot.Blocks]uint8, l *ot.Leaves) bool {
	var acc byte
	for b := range l {
		for x := range l[b] {
			m := byte(subtle.ConstantTimeByteEq(uint8(x), delta[b]))
			var or byte
			for _, v := range l[b][x] {
				or |= v
			}
			acc |= or & -m
		}
	}
	return subtle.ConstantTimeByteEq(acc, 0) == 1
}
