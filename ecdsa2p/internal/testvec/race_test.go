//go:build race

package testvec_test

// raceEnabled skips the multi-run accumulated test under the race detector; the keygen
// known answers (package keygen) still run there.
const raceEnabled = true
