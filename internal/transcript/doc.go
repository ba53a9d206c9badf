// Package transcript implements the engine's one tagged hash and everything built on it
// (PROTOCOL.md §2.3–§2.6, §2.8, §2.13; CONVENTIONS.md #13):
//
//   - [E] and [H]: the injective length-prefixed encoding E(label, f1, …, fm) and its SHA-256;
//   - [H2S]: hash-to-scalar, the wide reduction of H(…, u8(0)) ‖ H(…, u8(1));
//   - [PRG] and [PRGInto]: SHA-256 in counter mode, the counter u32(c) being the last field;
//   - [H2C]: RFC 9380 hash-to-curve of E(…) under the tandem DST;
//   - [Commit] and [VerifyOpening]: Com = H(label, binding…, value…, ω);
//   - [U8], [U16], [U32], [U64]: the fixed-width big-endian integer encodings of §1.4;
//   - the label registry of §2.13, as typed [Label] constants with their [Kind] ([Registry]).
//
// WIRE.md's transport hash TH is a different construction and lives in package mpc.
//
// # Performance
//
// The OT layer hashes tens of thousands of short messages per signature, so the hot paths do
// not allocate: [H] assembles short messages on the stack and hashes them in one call; longer
// ones, [PRGInto], [H2S] and [Commit] use pooled [Hasher] values. A [Hasher] streams fields
// (large fields may be written in pieces), and [Hasher.Mark]/[Hasher.Rewind] and [Prefix]
// save the SHA-256 state after a constant prefix, which the PRG uses for its counter blocks
// and callers can use for a label followed by a session id (PROTOCOL.md §2.3 allows midstate
// caching).
//
// # Constant time
//
// SHA-256 has no secret-dependent branches or table lookups, and the encoding depends only on
// field lengths, which are public. Seeds, leaves and blinds may be secret: buffers that held
// them are cleared before a Hasher returns to the pool and after stack hashing. Go cannot
// guarantee erasure (PROTOCOL.md §2.12); a caller-owned Hasher keeps its last message until
// [Hasher.Wipe] or the next Reset. H2C is constant-time with respect to its fields (package
// secp). [VerifyOpening] compares in constant time although the opened values are public.
//
// # Labels
//
// Production code passes only the [Label] constants of labels.go; a test checks them against
// the §2.13 table copied into the test. Test labels (tandem/v1/test, tandem/v1/test/…) are
// declared only in _test.go files and in the test RNG.
package transcript
