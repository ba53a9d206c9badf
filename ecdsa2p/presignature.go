package ecdsa2p

import (
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"

	"github.com/tandem-mpc/tandem/ecdsa2p/internal/sign"
)

// Presignature is one party's single-use, message-independent pre-signature (PROTOCOL.md
// §8.5, §8.8). The presign protocol stores it in the Store (PresignatureKey) before it
// returns it; the finish protocol loads it from there by sign_sid, marks it CONSUMED and
// persists that tombstone before its S4 leaves. A second finish on the same sign_sid fails
// with ErrPresignatureConsumed. Secret: it never prints φ_i, u_i or v_i.
type Presignature struct{ p *sign.Presignature }

// SignSID returns sign_sid, which names the pre-signature to both parties.
func (p *Presignature) SignSID() [32]byte { return p.p.SignSID() }

// PublicKey returns the compressed (derived) public key the signature will verify under.
func (p *Presignature) PublicKey() [33]byte { return p.p.PublicKey() }

// Path returns the BIP-32 path ("m/44/60/0/0/0" form, non-hardened) fixed at presign.
func (p *Presignature) Path() string { return p.p.Path().String() }

// Consumed reports whether the pre-signature was used.
func (p *Presignature) Consumed() bool { return p.p.Consumed() }

// String returns the public summary.
func (p *Presignature) String() string {
	if p == nil || p.p == nil {
		return "ecdsa2p.Presignature(nil)"
	}
	sid := p.SignSID()
	return fmt.Sprintf("ecdsa2p.Presignature{sign_sid %x…, path %s, consumed %t}", sid[:4], p.Path(), p.Consumed())
}

// GoString is String.
func (p *Presignature) GoString() string { return p.String() }

// Format writes String for every verb.
func (p *Presignature) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(p.String())) }

// LogValue logs the public summary.
func (p *Presignature) LogValue() slog.Value {
	sid := p.SignSID()
	return slog.GroupValue(slog.String("sign_sid", hex.EncodeToString(sid[:])), slog.String("path", p.Path()),
		slog.Bool("consumed", p.Consumed()))
}

// PresignatureKey returns the Store key under which the pre-signature sign_sid of the
// keyshare stored under keyshareKey lives.
func PresignatureKey(keyshareKey string, signSID [32]byte) string {
	return keyshareKey + ".presig/" + hex.EncodeToString(signSID[:])
}

// MarshalBinary returns the pre-signature's stored form (the bytes the protocols save under
// PresignatureKey). SECRET while not consumed: it holds φ_i, u_i and v_i.
func (p *Presignature) MarshalBinary() ([]byte, error) {
	if p == nil || p.p == nil {
		return nil, errors.New("ecdsa2p: empty pre-signature")
	}
	return p.p.Marshal(), nil
}

// ParsePresignature decodes the bytes a Store holds under a PresignatureKey (a pre-signature
// or its CONSUMED tombstone), for Store implementations that keep the CONSUMED mark apart
// (Consumed, SignSID). It never panics; a failure matches ErrInvalidPresignature.
func ParsePresignature(b []byte) (*Presignature, error) {
	p, err := sign.ParsePresignature(b)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidPresignature, err)
	}
	return &Presignature{p: p}, nil
}

// ErrInvalidPresignature is returned by ParsePresignature for bytes that are not a stored
// pre-signature.
var ErrInvalidPresignature = errors.New("ecdsa2p: invalid pre-signature")
