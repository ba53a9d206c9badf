package cli

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"

	"golang.org/x/crypto/sha3"

	"github.com/tandem-mpc/tandem/ecdsa2p"
	"github.com/tandem-mpc/tandem/internal/secp"
)

// Errors of VerifyDigest, for errors.Is.
var (
	// ErrMalformedSignature: not 64 or 65 bytes, r or s outside [1, n−1], v not a recovery id.
	ErrMalformedSignature = errors.New("malformed signature")
	// ErrBadSignature: a well-formed signature that does not verify under the key.
	ErrBadSignature = errors.New("signature does not verify")
	// ErrRecoveryID: the signature verifies but v is not its recovery id.
	ErrRecoveryID = errors.New("signature verifies but v is not its recovery id")
)

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

// VerifyDigest checks an ECDSA signature over secp256k1: sig is r ‖ s (64 bytes) or
// r ‖ s ‖ v (65 bytes, v the recovery id 0–3, or 27–30 as Ethereum's legacy v), pub a
// compressed or uncompressed SEC1 key, digest the 32-byte message hash. Both low and high s
// verify (as in ECDSA itself); when v is given it must be the recovery id of (r, s): the
// parity of y(R) in bit 0 and x(R) ≥ n in bit 1. Public data only: variable time.
func VerifyDigest(pub []byte, digest [32]byte, sig []byte) error {
	if len(sig) != 64 && len(sig) != 65 {
		return fmt.Errorf("%w: want 64 (r‖s) or 65 (r‖s‖v) bytes, got %d", ErrMalformedSignature, len(sig))
	}
	q, err := parsePoint(pub)
	if err != nil {
		return err
	}
	var r, s, e secp.Scalar
	if _, err := r.SetCanonicalBytes(sig[:32]); err != nil || r.IsZero() == 1 {
		return fmt.Errorf("%w: r is not in [1, n-1]", ErrMalformedSignature)
	}
	if _, err := s.SetCanonicalBytes(sig[32:64]); err != nil || s.IsZero() == 1 {
		return fmt.Errorf("%w: s is not in [1, n-1]", ErrMalformedSignature)
	}
	recID := -1
	if len(sig) == 65 {
		switch v := int(sig[64]); {
		case v <= 3:
			recID = v
		case v >= 27 && v <= 30:
			recID = v - 27
		default:
			return fmt.Errorf("%w: v = %d is not a recovery id (0-3 or 27-30)", ErrMalformedSignature, v)
		}
	}
	if _, err := e.SetBytesReduce32(digest[:]); err != nil {
		return fmt.Errorf("internal error: %w", err)
	}
	var w, u1, u2 secp.Scalar
	w.Invert(&s)
	u1.Mul(&e, &w)
	u2.Mul(&r, &w)
	var R secp.Point
	R.VarTimeDoubleScalarBaseMult(&u1, &u2, q)
	x, err := R.XScalar()
	if err != nil { // the identity
		return ErrBadSignature
	}
	if x.Equal(&r) != 1 {
		return ErrBadSignature
	}
	if recID < 0 {
		return nil
	}
	odd, err := R.YIsOdd()
	if err != nil {
		return ErrBadSignature
	}
	u, err := R.BytesUncompressed()
	if err != nil {
		return ErrBadSignature
	}
	want := odd
	if string(u[1:33]) != string(sig[:32]) { // x(R) = r + n
		want |= 2
	}
	if recID != want {
		return fmt.Errorf("%w (v = %d, recovery id %d)", ErrRecoveryID, sig[64], want)
	}
	return nil
}

// runVerify: tandem verify --pub HEX --message HEX --hash keccak256|sha256 --sig HEX.
// Exit 0 and "valid" if the signature verifies, 1 otherwise.
func runVerify(_ context.Context, e *env, args []string) error {
	fset := newFlagSet("verify", e)
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
