package cli

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"

	"golang.org/x/crypto/sha3"

	"github.com/tandem-mpc/tandem/ecdsa2p"
)

// ErrMalformedSignature: a signature that is not 64 or 65 bytes, or whose v is not a
// recovery id. Signatures that do not verify match ecdsa2p.ErrInvalidSignature.
var ErrMalformedSignature = errors.New("malformed signature")

// Digest returns the 32-byte digest of msg under h (Keccak-256 as Ethereum uses it, or
// SHA-256).
func Digest(h ecdsa2p.HashAlg, msg []byte) ([32]byte, error) {
	var d [32]byte
	switch h {
	case ecdsa2p.Keccak256:
		k := sha3.NewLegacyKeccak256()
		k.Write(msg)
		k.Sum(d[:0])
	case ecdsa2p.SHA256:
		d = sha256.Sum256(msg)
	default:
		return d, fmt.Errorf("unsupported hash %s", h)
	}
	return d, nil
}

// VerifyDigest checks an ECDSA signature over secp256k1 with ecdsa2p.Verify: sig is r ‖ s
// (64 bytes) or r ‖ s ‖ v (65 bytes, v the recovery id 0–3, or 27–30 as Ethereum's legacy v,
// which must then match), pub a compressed or uncompressed SEC1 key, digest the 32-byte
// message hash. Both low and high s verify, as in ECDSA itself.
func VerifyDigest(pub []byte, digest [32]byte, sig []byte) error {
	if len(sig) != 64 && len(sig) != 65 {
		return fmt.Errorf("%w: want 64 (r‖s) or 65 (r‖s‖v) bytes, got %d", ErrMalformedSignature, len(sig))
	}
	if len(sig) == 65 {
		v := sig[64]
		switch {
		case v <= 3:
		case v >= 27 && v <= 30:
			sig = append(sig[:64:64], v-27)
		default:
			return fmt.Errorf("%w: v = %d is not a recovery id (0-3 or 27-30)", ErrMalformedSignature, v)
		}
	}
	return ecdsa2p.Verify(pub, digest, sig)
}

// runVerify: tandem verify --pub HEX --message HEX --hash keccak256|sha256 --sig HEX.
// Exit 0 and "valid" if the signature verifies, 1 otherwise.
func runVerify(_ context.Context, e *env, args []string) error {
	fset := newFlagSet("verify")
	pubHex := fset.String("pub", "", "public key, SEC1 compressed (33 bytes) or uncompressed (65 bytes), hex")
	msgHex := fset.String("message", "", "the signed message, hex")
	hashName := fset.String("hash", "", "keccak256 or sha256")
	sigHex := fset.String("sig", "", "signature r‖s or r‖s‖v, hex (64 or 65 bytes)")
	asJSON := fset.Bool("json", false, "print {\"valid\": true|false} as the last line of stdout")
	if err := parse(e, fset, args); err != nil {
		return err
	}
	if err := required("pub", *pubHex, "message", *msgHex, "hash", *hashName, "sig", *sigHex); err != nil {
		return err
	}
	h, err := ParseHash(*hashName)
	if err != nil {
		return err
	}
	pub, err := ParseHex("pub", *pubHex)
	if err != nil {
		return err
	}
	msg, err := ParseHex("message", *msgHex)
	if err != nil {
		return err
	}
	sig, err := ParseHex("sig", *sigHex)
	if err != nil {
		return err
	}
	d, err := Digest(h, msg)
	if err != nil {
		return err
	}
	vErr := VerifyDigest(pub, d, sig)
	res := struct {
		Valid bool `json:"valid"`
	}{vErr == nil}
	if *asJSON {
		if err := emit(e, true, res, nil); err != nil {
			return err
		}
	} else if vErr == nil {
		fmt.Fprintln(e.stdout, "valid")
	}
	if vErr != nil {
		return fmt.Errorf("invalid: %w", vErr)
	}
	return nil
}
