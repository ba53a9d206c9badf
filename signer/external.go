package signer

import (
	"context"
	"fmt"
)

// External returns a Signer that delegates to sign, for keys held outside the process: a
// mobile TEE through gomobile, an HSM, a remote signer. vk is the key sign signs with.
//
// The adapter checks and normalises every result before returning it:
//   - Ed25519: sign must return the 64-byte RFC 8032 signature of msg.
//   - P-256: sign must sign SHA-256(msg) (what TEE "SHA256withECDSA" APIs do) and may return
//     64-byte r ‖ s or an ASN.1 DER signature (as Android Keystore and the iOS Secure Enclave
//     do); DER is converted with P256SignatureFromDER. A 64-byte result is read as r ‖ s and,
//     only if that does not verify, as DER.
//   - The result must verify under vk. This catches a callback that signs with another key or
//     hashes differently before the peer sees a bad envelope and aborts, and costs one
//     verification per signature.
//
// The returned bytes never alias the callback's buffer. A result that fails these checks is an
// error wrapping ErrInvalidSignature; an error from sign is returned wrapped (errors.Is and
// errors.As see through it). If ctx is already done, sign is not called. A zero or invalid vk,
// or a nil sign, gives a Signer whose Sign always fails with ErrInvalidKey.
func External(vk VerifyingKey, sign func(ctx context.Context, msg []byte) ([]byte, error)) Signer {
	return &external{vk: vk, sign: sign}
}

type external struct {
	vk   VerifyingKey
	sign func(ctx context.Context, msg []byte) ([]byte, error)
}

func (e *external) VerifyingKey() VerifyingKey { return e.vk }

func (e *external) Sign(ctx context.Context, msg []byte) ([]byte, error) {
	if e.vk.IsZero() || !e.vk.typ.valid() {
		return nil, fmt.Errorf("%w: external signer has no verifying key", ErrInvalidKey)
	}
	if e.sign == nil {
		return nil, fmt.Errorf("%w: external signer has no sign function", ErrInvalidKey)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out, err := e.sign(ctx, msg)
	if err != nil {
		return nil, withContext("external sign", err)
	}
	switch e.vk.typ {
	case Ed25519:
		if len(out) != SignatureSize {
			return nil, withContext("external sign", fmt.Errorf("%w: Ed25519 result is %d bytes, want %d", ErrInvalidSignature, len(out), SignatureSize))
		}
		sig := append([]byte(nil), out...)
		if !e.vk.Verify(msg, sig) {
			return nil, withContext("external sign", fmt.Errorf("%w: result does not verify under %s", ErrInvalidSignature, e.vk))
		}
		return sig, nil
	default: // ECDSAP256
		if len(out) == SignatureSize {
			sig := append([]byte(nil), out...)
			if e.vk.Verify(msg, sig) {
				return sig, nil
			}
		}
		sig, derErr := P256SignatureFromDER(out)
		if derErr != nil {
			if len(out) == SignatureSize {
				return nil, withContext("external sign", fmt.Errorf("%w: 64-byte result does not verify under %s as r ‖ s and is not DER", ErrInvalidSignature, e.vk))
			}
			return nil, withContext(fmt.Sprintf("external sign: %d-byte P-256 result is neither r ‖ s nor DER", len(out)), derErr)
		}
		if !e.vk.Verify(msg, sig) {
			return nil, withContext("external sign", fmt.Errorf("%w: result does not verify under %s", ErrInvalidSignature, e.vk))
		}
		return sig, nil
	}
}
