// Package sign implements the signing half of tandem's DKLs23 engine (PROTOCOL.md §8): presign
// (rounds S1–S3, message-independent, ending in a single-use [Presignature]) and Finish (the
// online round S4 with GS22 re-randomisation, low-s normalisation, the recovery id and a final
// verification under the derived key).
//
// The package is sans-I/O. Each round is a method on a single-use state value that takes the
// peer's payload and returns the next state and this party's next payload:
//
//	r1, _ := sign.NewPresign(ks, instanceID, path, rng.System)   // S1: r1.Payload()
//	r2, s2, _ := r1.Next(peerS1)
//	r3, s3, _ := r2.Next(peerS2)
//	presig, _ := r3.Next(peerS3)
//	r4, s4, _ := sign.Finish(ks, presig, eBytes)                 // consumes presig
//	sig, _ := r4.Next(peerS4)
//
// BIP-32 non-hardened derivation (package bip32) is fixed before S1: the path is bound into
// setup_sg and P1 absorbs the whole tweak (§8.1).
//
// # Errors
//
// Input the protocol must ignore (§10.1 class (a): wrong version, type or binding, a
// byte-identical duplicate) gives an error wrapping engineerr.ErrIgnore and leaves the state
// usable. Every other failure is an *engineerr.Error that ends the session; a failed check
// names the culprit and its §10.4 reason code.
//
// # Security model
//
// The lock (§10.3). A failed OT-extension check (mandatory), a failed nonce commitment, RVOLE
// or Γ check, a degenerate nonce or signature, or a final signature that does not verify
// (defensive) LOCKS the keyshare — keyshare.Lock, set before the error (with Locked = true) is
// returned; the caller persists the keyshare before it reports the error or sends anything.
// The OT-extension check runs with the keyshare's mutex (keyshare.LockMutex) held from the
// LOCKED check to the end of building S3 (§8.4 steps 1–5), and Finish holds it from its
// LOCKED check until S4 is built, so concurrent sessions of one keyshare see a lock
// atomically; LOCKED is re-checked right before S3 and S4 are returned. A LOCKED keyshare is
// refused (KeyshareLocked) by NewPresign, every presign round and Finish.
//
// Single use (§8.8). Finish marks the pre-signature CONSUMED and zeroes its secrets before it
// builds S4; a second Finish fails with PresignatureConsumed. The SDK must persist that state
// before S4 leaves the device.
//
// The zero-share of DKLs23 is omitted for two parties (§8.7); pk′_j is computed locally.
//
// # Constant time
//
// r_i, φ_i, sk′_i, χ_i, c_u, c_v, d_u, d_v, u_i, v_i, w_i and u′_i are secret and handled with
// the constant-time scalar and point arithmetic of internal/secp; the Γ checks compare
// projective points in constant time. R′, the inversion of the public U, the low-s and recid
// logic and the final verification are public and may be variable-time (§2.12).
//
// # Randomness
//
// Every draw comes from the rng.Source given to NewPresign, in the order of §8: σ_i, r_i, φ_i,
// ω_i (S1), β′ (S2), η̂ (S3). Finish draws nothing.
package sign
