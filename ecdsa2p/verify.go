package ecdsa2p

import (
	"errors"
	"fmt"

	"github.com/tandem-mpc/tandem/ecdsa2p/internal/bip32"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/sign"
	"github.com/tandem-mpc/tandem/internal/secp"
)

// ErrInvalidSignature is returned by Verify for a signature that does not verify, or whose
// recovery id does not match.
var ErrInvalidSignature = errors.New("ecdsa2p: invalid signature")

// Verify checks an ECDSA signature over secp256k1 on the 32-byte digest under the public key
// pub (SEC1, 33 or 65 bytes). sig is r ‖ s (64 bytes) or r ‖ s ‖ v (65 bytes) with v the
// recovery id 0..3, which must then match. Both low and high s verify (tandem's signatures
// are low-s). All inputs are public; it runs in variable time. It never panics.
func Verify(pub []byte, digest [32]byte, sig []byte) error {
	if len(sig) != 64 && len(sig) != 65 {
		return fmt.Errorf("%w: %d bytes, want 64 or 65", ErrInvalidSignature, len(sig))
	}
	var Q *secp.Point
	var err error
	if len(pub) == 65 {
		Q, err = new(secp.Point).SetUncompressedBytes(pub)
	} else {
		Q, err = new(secp.Point).SetBytes(pub)
	}
	if err != nil {
		return fmt.Errorf("ecdsa2p: public key: %w", err)
	}
	r, err1 := secp.NewScalar().SetCanonicalBytes(sig[:32])
	s, err2 := secp.NewScalar().SetCanonicalBytes(sig[32:64])
	if err1 != nil || err2 != nil || r.IsZero() == 1 || s.IsZero() == 1 {
		return fmt.Errorf("%w: r or s out of range", ErrInvalidSignature)
	}
	e, err := secp.NewScalar().SetBytesReduce32(digest[:])
	if err != nil {
		return fmt.Errorf("%w: digest: %w", ErrInvalidSignature, err)
	}
	recid, ok := sign.Verify(Q, e, r, s)
	if !ok {
		return ErrInvalidSignature
	}
	if len(sig) == 65 && sig[64] != recid {
		return fmt.Errorf("%w: recovery id %d, want %d", ErrInvalidSignature, sig[64], recid)
	}
	return nil
}

// DerivePublicKey returns the compressed public key at the non-hardened BIP-32 path ("m" for
// the root) from the keyshare's public key and chain code (CKDpub, PROTOCOL.md §8.1): the key
// a signature with that SignRequest.Path verifies under.
func (k *Keyshare) DerivePublicKey(path string) ([33]byte, error) {
	if !k.usable() {
		return [33]byte{}, errors.New("ecdsa2p: empty keyshare")
	}
	p, err := bip32.ParsePath(path)
	if err != nil {
		return [33]byte{}, err
	}
	c, err := bip32.Derive(k.PublicKey(), k.ChainCode(), p)
	if err != nil {
		return [33]byte{}, err
	}
	return c.Key, nil
}

// AddressOf returns the Ethereum address ("0x" and 40 lower-case hex digits) of a compressed
// secp256k1 public key, or an error for bytes that are not one.
func AddressOf(pub [33]byte) (string, error) {
	if _, err := new(secp.Point).SetBytes(pub[:]); err != nil {
		return "", fmt.Errorf("ecdsa2p: public key: %w", err)
	}
	a := address(pub)
	return fmt.Sprintf("0x%x", a[:]), nil
}
