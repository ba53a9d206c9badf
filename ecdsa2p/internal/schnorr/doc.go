// Package schnorr implements the Fiat–Shamir Schnorr proof of knowledge of a discrete log of
// PROTOCOL.md §2.9: [Prove] shows knowledge of x with Y = x·B, and [Verify] checks it.
//
// The challenge c = H2S("tandem/v1/dlog", purpose, sid, u8(idx), pt(B), pt(Y), pt(T)) binds
// the statement, the base, the commitment, the session and the prover (the Frozen-Heart rule),
// and is a full 256-bit scalar. A proof is pt(T) ‖ sc(s), 65 bytes.
//
// # Security model
//
// Plain Fiat–Shamir in the random-oracle model (PROTOCOL.md §13, D2): special soundness and
// honest-verifier zero knowledge. A proof cannot be replayed across purposes, sessions or
// prover indices because all three are hashed into c.
//
// # Constant time
//
// Proving uses the secret x and the nonce k only through constant-time scalar arithmetic and
// scalar multiplication of package secp; k is overwritten before Prove returns (Go cannot
// guarantee erasure). Verification handles public data only and uses secp's variable-time
// double-scalar multiplication, as §2.12 allows.
//
// # Randomness
//
// Prove draws exactly one RandomScalar (the nonce) from the rng.Source it is given: the
// engine passes rng.System in production and a TestRNG in known-answer tests.
//
// # Errors
//
// [ErrMalformed] (wrong length, T not a valid point encoding, s ≥ n) and [ErrIdentity] map to
// the MalformedPayload class of PROTOCOL.md §10.1; [ErrInvalid] maps to SchnorrProofInvalid
// (§10.2).
package schnorr
