// Package testvec runs tandem's engine operations in-process with the deterministic test RNG
// of PROTOCOL.md §12.5, for known-answer tests and the vector generator
// (go run ./ecdsa2p/internal/testvec/gen). It drives both parties' sans-I/O round states,
// passing each round's payloads in memory, and records every payload and output.
//
// Only tests and the generator may import this package: it links the test RNG, which must
// never be reachable from an application (Appendix C item 2; the root deps_test enforces it).
//
// # Security model
//
// None: the randomness is a public function of the seed strings, so every key it produces is
// known to anyone. Never use its outputs for real funds.
package testvec
