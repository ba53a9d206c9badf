package sign

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/tandem-mpc/tandem/ecdsa2p/internal/bip32"
	"github.com/tandem-mpc/tandem/internal/secp"
	"github.com/tandem-mpc/tandem/internal/transcript"
)

// LabelPresigChecksum is the checksum label of the stored pre-signature (§2.13).
const labelPresigChecksum = transcript.LabelPresigChecksum

// Layout of the pre-signature, format version 1 (PROTOCOL.md §11.2).
const (
	presigMagic   = "TNDP"
	presigVersion = 0x0001
	// PresigFixedSize is the encoded length of a pre-signature at depth 0: 299 + 4d in all.
	PresigFixedSize = 299
	flagConsumed    = 1 << 0
	presigB         = 105 // offset of pt(Q′) at depth 0
)

// Errors of [ParsePresignature].
var (
	// ErrInvalidPresignature: bad magic, flags, length, path, point, scalar or checksum.
	ErrInvalidPresignature = errors.New("sign: invalid pre-signature")
	// ErrUnsupportedVersion: a format version other than 1.
	ErrUnsupportedVersion = errors.New("sign: unsupported pre-signature version")
)

// Presignature is one party's single-use pre-signature (PROTOCOL.md §8.5 step 9, §11.2):
// {key_id, share_id, sign_sid, path, Q′, R, φ_i, u_i, v_i}. It does not depend on the message.
// [Finish] consumes it: afterwards its secrets are zero, it is CONSUMED, and a second Finish
// fails with PresignatureConsumed (§8.8). Secret: it never prints φ_i, u_i, v_i.
//
// A Presignature is not safe for concurrent use. The SDK's store must implement atomic
// delete-before-use and persist the CONSUMED state before S4 leaves the device (§8.8).
type Presignature struct {
	index    uint8
	consumed bool
	keyID    [32]byte
	shareID  [32]byte
	signSID  [32]byte
	path     bip32.Path
	ptQp     [33]byte
	ptR      [33]byte
	phi      secp.Scalar // secret
	u        secp.Scalar // secret
	v        secp.Scalar // secret
}

// Index returns the party index.
func (p *Presignature) Index() uint8 { return p.index }

// KeyID returns key_id.
func (p *Presignature) KeyID() [32]byte { return p.keyID }

// ShareID returns the share_id of the keyshare generation it belongs to.
func (p *Presignature) ShareID() [32]byte { return p.shareID }

// SignSID returns sign_sid, by which the coordinator names it (§8.8).
func (p *Presignature) SignSID() [32]byte { return p.signSID }

// Path returns a copy of the derivation path.
func (p *Presignature) Path() bip32.Path { return append(bip32.Path{}, p.path...) }

// PublicKey returns pt(Q′), the derived key the signature will verify under.
func (p *Presignature) PublicKey() [33]byte { return p.ptQp }

// R returns pt(R), the joint nonce point before re-randomisation.
func (p *Presignature) R() [33]byte { return p.ptR }

// Consumed reports whether the pre-signature was used (or loaded as a tombstone).
func (p *Presignature) Consumed() bool { return p.consumed }

// consume marks p CONSUMED and zeroes its secrets, returning copies of them.
func (p *Presignature) consume() (phi, u, v secp.Scalar) {
	phi, u, v = p.phi, p.u, p.v
	p.Wipe()
	return phi, u, v
}

// Wipe zeroes the secrets and marks p CONSUMED: a tombstone.
func (p *Presignature) Wipe() {
	if p == nil {
		return
	}
	p.phi, p.u, p.v = secp.Scalar{}, secp.Scalar{}, secp.Scalar{}
	p.consumed = true
}

// Marshal returns the §11.2 encoding (299 + 4d bytes). Secret unless CONSUMED (a tombstone
// has zero secret fields).
func (p *Presignature) Marshal() []byte {
	b := make([]byte, 0, PresigFixedSize+4*len(p.path))
	b = append(b, presigMagic...)
	b = binary.BigEndian.AppendUint16(b, presigVersion)
	b = append(b, p.index)
	var flags byte
	if p.consumed {
		flags = flagConsumed
	}
	b = append(b, flags)
	b = append(b, p.keyID[:]...)
	b = append(b, p.shareID[:]...)
	b = append(b, p.signSID[:]...)
	b = append(b, p.path.Encode()...)
	b = append(b, p.ptQp[:]...)
	b = append(b, p.ptR[:]...)
	for _, s := range []*secp.Scalar{&p.phi, &p.u, &p.v} {
		enc := s.Bytes()
		b = append(b, enc[:]...)
		clear(enc[:])
	}
	sum := transcript.H(labelPresigChecksum, b)
	return append(b, sum[:]...)
}

func invalidPresig(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalidPresignature, fmt.Sprintf(format, args...))
}

// ParsePresignature decodes and checks a §11.2 encoding: magic, version, index ∈ {0, 1},
// flags, exact length, path indices < 2^31, points that decode, canonical scalars and the
// checksum. A CONSUMED record must have zero secret fields (a tombstone). The checks against
// the keyshare (not LOCKED, same share_id, Q′ recomputed from the path) run in [Finish].
func ParsePresignature(b []byte) (*Presignature, error) {
	if len(b) < PresigFixedSize || string(b[:4]) != presigMagic {
		return nil, invalidPresig("bad magic or %d bytes", len(b))
	}
	if v := binary.BigEndian.Uint16(b[4:]); v != presigVersion {
		return nil, fmt.Errorf("%w: %d", ErrUnsupportedVersion, v)
	}
	d := int(b[104])
	if len(b) != PresigFixedSize+4*d {
		return nil, invalidPresig("%d bytes, want %d", len(b), PresigFixedSize+4*d)
	}
	sum := transcript.H(labelPresigChecksum, b[:len(b)-32])
	if [32]byte(b[len(b)-32:]) != sum {
		return nil, invalidPresig("checksum mismatch")
	}
	p := &Presignature{index: b[6]}
	if p.index > 1 || b[7]&^flagConsumed != 0 {
		return nil, invalidPresig("index or flags")
	}
	p.consumed = b[7]&flagConsumed != 0
	copy(p.keyID[:], b[8:40])
	copy(p.shareID[:], b[40:72])
	copy(p.signSID[:], b[72:104])
	var err error
	if p.path, err = bip32.ParseEncoded(b[104 : presigB+4*d]); err != nil {
		return nil, invalidPresig("path: %v", err)
	}
	off := presigB + 4*d
	for _, pt := range []*[33]byte{&p.ptQp, &p.ptR} {
		if _, err := new(secp.Point).SetBytes(b[off : off+33]); err != nil {
			return nil, invalidPresig("point: %v", err)
		}
		copy(pt[:], b[off:off+33])
		off += 33
	}
	zero := 1
	for _, s := range []*secp.Scalar{&p.phi, &p.u, &p.v} {
		if _, err := s.SetCanonicalBytes(b[off : off+32]); err != nil {
			p.Wipe()
			return nil, invalidPresig("non-canonical scalar")
		}
		zero &= s.IsZero()
		off += 32
	}
	if p.consumed && zero != 1 {
		p.Wipe()
		return nil, invalidPresig("a CONSUMED record must have zero secrets")
	}
	return p, nil
}
