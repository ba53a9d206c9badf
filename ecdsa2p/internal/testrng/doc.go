// Package testrng implements TestRNG, the deterministic random generator of PROTOCOL.md §12.5
// with which the known-answer vectors of §12.4 were produced.
//
// # Randomness
//
// TestRNG is predictable by design. It exists for tests and for the vector generator only, and
// it MUST NOT be reachable from any exported API (PROTOCOL.md Appendix C item 2): production
// code passes rng.System, and only _test.go files and the generator under
// ecdsa2p/internal/testvec import this package. Its label, tandem/v1/test/rng, is a test label
// outside the production registry.
package testrng
