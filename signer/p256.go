package signer

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/sha256"
	"fmt"
)

// ECDSA P-256 keys and signatures. Verifying keys are kept as 33-byte SEC 1 compressed points;
// signatures travel as 64-byte r ‖ s (each a 32-byte big-endian integer). Everything here
// handles public data only.

// p256N is the order n of the P-256 base point, 32 bytes big-endian.
var p256N = mustHex32("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551")

// normaliseP256Key validates a SEC 1 point encoding (33-byte compressed or 65-byte uncompressed)
// and returns the 33-byte compressed form. The identity, points off the curve, coordinates
// ≥ p and unknown prefixes are rejected.
func normaliseP256Key(raw []byte) ([p256CompressedSize]byte, error) {
	var out [p256CompressedSize]byte
	switch len(raw) {
	case p256CompressedSize:
		if raw[0] != 0x02 && raw[0] != 0x03 {
			return out, fmt.Errorf("%w: P-256 key has prefix 0x%02x, want 0x02 or 0x03", ErrInvalidKey, raw[0])
		}
		if _, err := p256PublicKey(raw); err != nil {
			return out, err
		}
		copy(out[:], raw)
		return out, nil
	case p256UncompressedLen:
		if raw[0] != 0x04 {
			return out, fmt.Errorf("%w: uncompressed P-256 key has prefix 0x%02x, want 0x04", ErrInvalidKey, raw[0])
		}
		if _, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), raw); err != nil {
			return out, fmt.Errorf("%w: P-256 key is not a point on the curve", ErrInvalidKey)
		}
		out[0] = 0x02 | raw[64]&1
		copy(out[1:], raw[1:33])
		return out, nil
	}
	return out, fmt.Errorf("%w: P-256 key is %d bytes, want %d (compressed) or %d (uncompressed)",
		ErrInvalidKey, len(raw), p256CompressedSize, p256UncompressedLen)
}

// p256PublicKey decompresses a 33-byte compressed point into a crypto/ecdsa key.
func p256PublicKey(compressed []byte) (*ecdsa.PublicKey, error) {
	x, y := elliptic.UnmarshalCompressed(elliptic.P256(), compressed)
	if x == nil {
		return nil, fmt.Errorf("%w: P-256 key is not a point on the curve", ErrInvalidKey)
	}
	var u [p256UncompressedLen]byte
	u[0] = 0x04
	x.FillBytes(u[1:33])
	y.FillBytes(u[33:])
	pub, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), u[:])
	if err != nil {
		return nil, fmt.Errorf("%w: P-256 key is not a point on the curve", ErrInvalidKey)
	}
	return pub, nil
}

// compressP256 returns the compressed encoding of a crypto/ecdsa P-256 public key.
func compressP256(pub *ecdsa.PublicKey) ([p256CompressedSize]byte, error) {
	u, err := pub.Bytes()
	if err != nil || len(u) != p256UncompressedLen {
		return [p256CompressedSize]byte{}, fmt.Errorf("%w: P-256 public key", ErrInvalidKey)
	}
	return normaliseP256Key(u)
}

// inScalarRange reports whether the 32-byte big-endian integer v is in [1, n−1].
func inScalarRange(v []byte) bool {
	zero := true
	for _, b := range v {
		if b != 0 {
			zero = false
			break
		}
	}
	return !zero && bytes.Compare(v, p256N[:]) < 0
}

// checkP256Signature checks the length of a wire signature and that r and s are in [1, n−1].
func checkP256Signature(sig []byte) error {
	if len(sig) != SignatureSize {
		return fmt.Errorf("%w: P-256 signature is %d bytes, want %d", ErrInvalidSignature, len(sig), SignatureSize)
	}
	if !inScalarRange(sig[:32]) {
		return fmt.Errorf("%w: P-256 signature r is outside [1, n−1]", ErrInvalidSignature)
	}
	if !inScalarRange(sig[32:]) {
		return fmt.Errorf("%w: P-256 signature s is outside [1, n−1]", ErrInvalidSignature)
	}
	return nil
}

// verifyP256 verifies a 64-byte r ‖ s signature over SHA-256(msg). Both low-s and high-s
// signatures are accepted (WIRE.md §10.1); r or s outside [1, n−1] are rejected.
func verifyP256(compressed, msg, sig []byte) bool {
	if checkP256Signature(sig) != nil {
		return false
	}
	pub, err := p256PublicKey(compressed)
	if err != nil {
		return false
	}
	der := appendDERSignature(make([]byte, 0, 72), sig[:32], sig[32:])
	h := sha256.Sum256(msg)
	return ecdsa.VerifyASN1(pub, h[:], der)
}

// P256SignatureFromDER converts an ASN.1 DER ECDSA-Sig-Value (SEQUENCE { INTEGER r, INTEGER s },
// what Android Keystore, iOS Secure Enclave and crypto/ecdsa.SignASN1 produce) into the fixed
// 64-byte r ‖ s wire form. Parsing is strict DER: definite short-form lengths, minimal
// non-negative integers, no trailing bytes; r and s must be in [1, n−1]. Errors wrap
// ErrInvalidSignature.
func P256SignatureFromDER(der []byte) ([]byte, error) {
	// SEQUENCE, short-form length covering the rest exactly (at most 2 × 35 = 70 bytes).
	if len(der) < 2 || der[0] != 0x30 {
		return nil, fmt.Errorf("%w: DER signature is not a SEQUENCE", ErrInvalidSignature)
	}
	if der[1]&0x80 != 0 || int(der[1]) != len(der)-2 {
		return nil, fmt.Errorf("%w: DER signature has a bad SEQUENCE length", ErrInvalidSignature)
	}
	rest := der[2:]
	out := make([]byte, SignatureSize)
	for i, name := range [2]string{"r", "s"} {
		v, tail, err := readDERUint(rest)
		if err != nil {
			return nil, fmt.Errorf("%w: DER signature %s: %s", ErrInvalidSignature, name, err.msg)
		}
		if len(v) > 32 {
			return nil, fmt.Errorf("%w: DER signature %s is longer than 32 bytes", ErrInvalidSignature, name)
		}
		copy(out[32*i+32-len(v):32*(i+1)], v)
		rest = tail
	}
	if len(rest) != 0 {
		return nil, fmt.Errorf("%w: DER signature has trailing bytes inside the SEQUENCE", ErrInvalidSignature)
	}
	if err := checkP256Signature(out); err != nil {
		return nil, err
	}
	return out, nil
}

// P256SignatureToDER converts a 64-byte r ‖ s signature into ASN.1 DER, for APIs that want DER
// (crypto/ecdsa.VerifyASN1, X.509, TEE verifiers). r and s must be in [1, n−1]. Errors wrap
// ErrInvalidSignature.
func P256SignatureToDER(sig []byte) ([]byte, error) {
	if err := checkP256Signature(sig); err != nil {
		return nil, err
	}
	return appendDERSignature(make([]byte, 0, 72), sig[:32], sig[32:]), nil
}

// derError is a parse failure reason of readDERUint (a plain string, to keep it allocation-free).
type derError struct{ msg string }

// readDERUint reads one DER INTEGER that must be non-negative and minimally encoded, and
// returns its magnitude without the sign-padding zero byte.
func readDERUint(b []byte) (v, rest []byte, err *derError) {
	if len(b) < 2 || b[0] != 0x02 {
		return nil, nil, &derError{"not an INTEGER"}
	}
	n := int(b[1])
	if b[1]&0x80 != 0 || n == 0 || n > len(b)-2 {
		return nil, nil, &derError{"bad INTEGER length"}
	}
	v, rest = b[2:2+n], b[2+n:]
	if v[0]&0x80 != 0 {
		return nil, nil, &derError{"negative INTEGER"}
	}
	if n > 1 && v[0] == 0 {
		if v[1]&0x80 == 0 {
			return nil, nil, &derError{"non-minimal INTEGER"}
		}
		v = v[1:]
	}
	return v, rest, nil
}

// appendDERSignature appends SEQUENCE { INTEGER r, INTEGER s } for 32-byte big-endian r and s.
func appendDERSignature(dst, r, s []byte) []byte {
	ri, si := derUint(r), derUint(s)
	dst = append(dst, 0x30, byte(len(ri)+len(si)))
	dst = append(dst, ri...)
	return append(dst, si...)
}

// derUint encodes a big-endian unsigned integer as a minimal DER INTEGER (tag, length, value).
func derUint(v []byte) []byte {
	for len(v) > 1 && v[0] == 0 {
		v = v[1:]
	}
	out := make([]byte, 0, len(v)+3)
	if v[0]&0x80 != 0 {
		out = append(out, 0x02, byte(len(v)+1), 0x00)
	} else {
		out = append(out, 0x02, byte(len(v)))
	}
	return append(out, v...)
}
