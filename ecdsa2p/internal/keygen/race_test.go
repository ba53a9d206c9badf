//go:build race

package keygen_test

// raceEnabled trims the adversarial tables under the race detector, which slows the
// elliptic-curve work about tenfold: each case then runs from one side only (alternating), so
// that every case and both sides are still covered across the table.
const raceEnabled = true
