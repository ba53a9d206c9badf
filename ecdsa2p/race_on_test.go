//go:build race

package ecdsa2p

// raceEnabled trims the adversarial tables under the race detector.
const raceEnabled = true
