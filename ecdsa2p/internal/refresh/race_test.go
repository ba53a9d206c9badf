//go:build race

package refresh_test

// raceEnabled trims the tamper table under the race detector (one direction per field).
const raceEnabled = true
