// Package secp is tandem's secp256k1 core: scalars mod n, group elements,
// encodings and RFC 9380 hash-to-curve, all constant time where secrets can
// reach them. It is the only package of the module that imports decred's
// secp256k1 (ModNScalar, the scalar arithmetic; its variable-time routines
// serve as references in the tests); the rest of the code sees only the types
// here.
//
// The API follows filippo.io/edwards25519: methods set the receiver and
// return it, arguments may alias the receiver, and zero values are valid (a
// zero Scalar is 0, a zero Point is the identity). Decoders (SetBytes,
// SetCanonicalBytes, SetWideBytes, …) return typed errors and leave the
// receiver unchanged on failure.
//
// # Encodings
//
// Scalars encode as 32 big-endian bytes (sc() of PROTOCOL.md §2.2);
// SetCanonicalBytes rejects values ≥ n, SetWideBytes is the 64-byte wide()
// reduction of §2.1 and SetBytesReduce32 reduces a 32-byte digest mod n.
// Points encode as 33-byte SEC1 compressed (pt()); 0x00, 0x04, hybrid forms,
// other lengths, x ≥ p and x off the curve are rejected, and the identity has
// no encoding (ErrIdentity). The 65-byte 0x04 form is available for BIP-32
// and Ethereum addresses.
//
// # Constant time
//
// The field GF(p) is implemented here on four 64-bit limbs with math/bits
// only (fieldElement): every operation is straight-line code that returns a
// fully reduced value, with selects done by masks. Inversion and square roots
// are fixed addition chains (Fermat). Scalars wrap decred's ModNScalar, whose
// arithmetic is constant time; Scalar.Invert is a fixed-window Fermat
// exponentiation over the public exponent n−2 on a 4×64-bit Montgomery
// multiplier (never InverseNonConst), and Equal/Select/IsZero are masked.
//
// Points use homogeneous projective coordinates and the complete formulas of
// Renes–Costello–Batina 2016 for a = 0 (Algorithms 7, 8 and 9), so addition
// has no special cases to branch on: P = Q, P = −Q and the identity go through
// the same instructions.
//
//   - ScalarBaseMult: signed 5-bit fixed-window comb, 52 tables of 16 affine
//     multiples of 32^i·G (52 KiB, computed once on first use). The scalar is
//     first replaced by min(k, n−k) with a constant-time select (and the result
//     negated back), recoded into signed digits without branches, and each
//     digit selects its entry by reading all 16 entries with masks; digit 0 is
//     handled by a masked select of the unchanged accumulator.
//   - ScalarMult: GLV. k is split into k1 + k2·λ with |k1|, |k2| < 2^128 by
//     fixed-width Babai rounding (mulShift384Round) and constant-time
//     conditional negation; both halves are recoded into 26 signed 5-bit
//     digits and processed together (125 doublings, 52 complete additions)
//     against tables of 16 projective multiples of Q and λQ = (β·X, Y, Z),
//     read in full with masks.
//   - HashToCurve: expand_message_xmd (circl, SHA-256), a constant-time
//     reduction of the 48-byte outputs, the straight-line simplified SWU of
//     RFC 9380 §F.2 with sqrt_ratio for p ≡ 3 mod 4 (one fixed exponentiation,
//     selects for is_square and sgn0), and the 3-isogeny evaluated
//     projectively, without inversions.
//   - Bytes, BytesUncompressed, XScalar, YIsOdd: one constant-time field
//     inversion; the only branch is on whether the point is the identity.
//
// Loop bounds and table shapes depend only on public constants. Nothing
// allocates in ScalarMult, ScalarBaseMult or Bytes (tested with
// testing.AllocsPerRun).
//
// Variable time allowed, public data only: VarTimeDoubleScalarBaseMult (for
// signature and proof verification; today it reuses the constant-time
// multipliers, which beat decred's *NonConst routines here, but callers must
// not rely on that), SetBytes and
// SetUncompressedBytes (wire input is public), and Scalar.IsHigh (meant for
// public low-s and recovery-id logic; decred computes it without branches,
// but the bool result invites branching).
//
// The dudect-style timing smoke tests (fixed vs random inputs, Welch t-test,
// build tag dudect, not in CI) run with
//
//	go test -tags dudect -run Dudect -v ./internal/secp/
//
// On the development machine (2 shared cores, heavily loaded by parallel
// builds) with 100,000 samples for ScalarBaseMult and HashToCurve and 40,000
// for ScalarMult and Scalar.Invert, fixed class = 0 (ScalarBaseMult,
// ScalarMult), 1 (Invert) and the all-zero message (HashToCurve), every |t|
// stayed below 5 at the 100%, 90% and 50% crops (ScalarBaseMult +0.73/−0.04/
// +1.85, ScalarMult +1.28/+0.75/−1.77, Invert +1.92/−0.52/−0.82, HashToCurve
// +0.36/+1.00/+4.72), far from the |t| > 10 that signals a leak. An
// earlier version that prepared each input right before timing it showed
// t = −12.9 at the 90% crop for ScalarBaseMult: the preparation of the random
// class disturbed the caches, not the multiplication, which is why inputs are
// now prepared up front. These tests are statistical evidence, not proof.
//
// # Security model
//
// Secret data handled by this package: scalars (keys, nonces, shares) and
// points derived from them (Diffie–Hellman values). They must not influence
// branches, memory addresses or variable-time instructions (PROTOCOL.md
// §2.12); the constructions above are designed for that, and Go's math/bits
// Mul64/Add64/Sub64 compile to constant-time instructions on amd64 and arm64.
// Scalar and Point never print: String, GoString, Format (every verb) and
// slog's LogValue all return a redacted placeholder, including when they are
// nested in other structs by value. Bytes() on a secret Scalar returns secret
// bytes; callers own their erasure (Go cannot guarantee it: the GC may copy).
//
// Out of scope: power and electromagnetic side channels, fault attacks, and
// the Go runtime itself (preemption, GC moving stacks). secp256k1 has
// cofactor 1, so every decoded point is in the prime-order group and no
// subgroup check exists.
//
// # Performance
//
// Measured at hand-over on the 2-core development machine (AMD EPYC, shared
// with parallel builds), as the minimum over batches of 20 calls with the
// contenders interleaved (SECP_RATIOS=1 go test -run PerfRatios -v), both
// sides including the conversion to affine coordinates:
//
//	                             ours     decred (variable time)  ratio
//	ScalarBaseMult (const time)  22.2 µs  29.7 µs ScalarBaseMultNonConst  0.75
//	ScalarMult (const time)      56.8 µs  111 µs  ScalarMultNonConst      0.51
//	VarTimeDoubleScalarBaseMult  75.5 µs  129 µs  (base + mult + add)     0.58
//	field multiplication         18 ns    56 ns   FieldVal.Mul            0.32
//	Scalar.Invert (const time)   15.4 µs  1.3 µs  InverseNonConst (var.)
//
// Against Debian's libsecp256k1 (go test -tags libsecp256k1 -run Libsecp -v,
// needs libsecp256k1-dev and cgo): k·G 22.2 µs vs 20.9 µs (1.06×), k·P
// 56.4 µs vs 31.5 µs (1.79×). CPU profiles: in k·P, field multiplication and
// squaring with their reduction take about 63% of the time, field additions
// and subtractions 17%, the masked table reads 9% (doublings 48% and
// additions 34% cumulatively); in k·G, multiplication and squaring take about
// 67% (part of it the final inversion's squarings) and the masked reads 12%.
package secp
