// Package signer holds the message keys of tandem's envelopes (WIRE.md §10.1): key types,
// validated verifying keys with their text, JSON and typed binary encodings, the [Signer]
// interface, local Ed25519 and ECDSA P-256 signers, and an adapter for external signers
// (mobile TEEs, HSMs) that may return DER.
//
// Two key types exist:
//
//	key type         aliases      raw key                           code  signature (64 bytes)
//	ED25519          Ed25519      32-byte RFC 8032 public key       0x01  RFC 8032 over msg
//	ECDSA_P256_SEC1  ECDSA_P256   33-byte SEC 1 compressed point    0x02  r ‖ s over SHA-256(msg)
//
// A [VerifyingKey] prints as "ED25519:<standard base64 of raw>", marshals to JSON as
// {"keyType":"ED25519","value":"<standard base64 of raw>"}, and encodes for ids and
// transcripts as type_code ‖ raw ([VerifyingKey.Encoding]), which is also PROTOCOL.md's party
// identity.
//
// Local keys are [PrivateKey] values from [GenerateEd25519], [GenerateP256], [LoadPrivateKey]
// or the crypto/ed25519 and crypto/ecdsa wrappers; [SavePrivateKey] stores one as PKCS #8 PEM.
//
// The package imports the standard library only.
//
// # Security model
//
// The message key authenticates a party to its peer: every SIGNED and ABORT envelope carries a
// signature under it, and its typed encoding binds message ids, the key schedule and the
// engine's setup to the two parties. It is long-lived (one per device or server), unlike the
// per-session X25519 keys of package mpc. Anyone who holds it can impersonate the party in any
// later session with a peer that trusts the verifying key; it does not by itself reveal key
// shares, which travel only inside ENCRYPTED envelopes under per-session keys.
//
// Verifying keys come from the peer or from out-of-band channels (QR codes, a backend), so
// every constructor validates them and returns typed errors, never panics:
//
//   - Ed25519 keys must be canonical (y < p, no sign bit on x = 0), on the curve, and not one of
//     the 8 points of small order. crypto/ed25519 itself accepts all of these; rejecting them
//     keeps the key → identity map one-to-one and rules out keys for which a signature
//     verifies on many messages. Rejecting all non-canonical encodings also rejects the six
//     non-canonical encodings of small-order points.
//   - P-256 keys must be on the curve and not the identity; a 65-byte uncompressed point is
//     accepted and stored compressed, so every key has exactly one raw form and one encoding.
//   - Text and JSON values must be canonical base64, so each key has one text form.
//
// Verification is crypto/ed25519.Verify (RFC 8032 with Go's cofactorless check) and
// crypto/ecdsa.VerifyASN1 over SHA-256. As WIRE.md requires, P-256 verification accepts both
// low-s and high-s signatures. ECDSA signatures are malleable ((r, s) and (r, n−s) both
// verify), so anyone who sees a frame can make a second frame with a different digest. That is
// harmless here: the mauled frame authenticates the same contents, the driver uses the first
// authenticated candidate per message id, and nothing uses a signature as an identifier.
// r and s outside [1, n−1] are rejected.
//
// [External] checks that each result of a TEE or remote signer verifies under the claimed key
// before returning it, so a misconfigured device fails locally instead of being blamed by the
// peer.
//
// # Secrets
//
// A [PrivateKey] never prints its secret: String, GoString, Format (every verb) and
// slog's LogValue show the key type and the verifying key only. The only export is
// [PrivateKey.MarshalPKCS8PEM], documented as secret; [SavePrivateKey] writes it with mode
// 0600 through a temporary file in the same directory and an atomic rename. Intermediate
// copies of the encoded key are cleared after use (best effort: Go may have copied them).
// Private keys are not encrypted at rest; protect the file (or use an External signer).
//
// # Constant time
//
// Signing uses crypto/ed25519 and crypto/ecdsa, which are constant time in the secret.
// Comparisons of secret bytes use crypto/subtle. Key validation, signature parsing and
// verification handle public data only and use variable-time code (math/big, bytes.Compare).
//
// # Randomness
//
// Ed25519 signatures are deterministic. P-256 signatures are randomised by crypto/ecdsa from
// crypto/rand (since Go 1.26 it ignores any other reader), so a sender must sign each envelope
// once and re-publish the same bytes (WIRE.md §10.6). Key generation uses crypto/rand. No API
// takes a random source.
package signer
