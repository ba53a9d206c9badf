// Package rng defines [Source], the randomness interface of the two-party ECDSA engine
// (PROTOCOL.md §2.7 and Appendix C item 2).
//
// # Randomness
//
// Every secret scalar is drawn with RandomScalar and every random byte string with
// RandomBytes, in the order each protocol step lists. Round functions receive the Source as
// an explicit argument so that known-answer tests can drive them. The exported API of ecdsa2p
// always passes [System], which reads crypto/rand; it takes no randomness parameter.
//
// The deterministic test generator of §12.5 lives in ecdsa2p/internal/testrng. It is used only
// by tests and by the vector generator, and MUST NOT be reachable from any exported API.
package rng
