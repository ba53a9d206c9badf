// Package ot implements the keygen-time OT layer of tandem's DKLs23 engine: the endemic base
// OT of PROTOCOL.md §3 (Masny–Rindal over secp256k1 with RFC 9380 hashing) and the all-but-one
// OT / punctured PRF with its proof (§4, the GGM tree of SoftSpokenOT with k = 4). Its outputs
// are the long-lived seeds of one correlation (R, S): ChooserSeeds for R and DeltaSeeds for S,
// which the OT extension (package ote) consumes at every signature.
//
// The package is sans-I/O: each role is a sequence of single-use states whose methods take
// the peer's message and the randomness explicitly, and return the next state and the message
// to send.
//
// # Constant time
//
// Choice bits, the scalars a_t, z_t, b, the DH values, every base-OT output, every GGM node and
// leaf, and Δ (the punctured index) are secret: they never influence a branch, a memory address
// or a loop bound (PROTOCOL.md §2.12).
package ot
