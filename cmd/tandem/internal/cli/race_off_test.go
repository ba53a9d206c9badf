//go:build !race

package cli

// raceEnabled: the race detector slows age's scrypt about tenfold.
const raceEnabled = false
