//go:build race

package ote

// raceEnabled shortens the slowest exhaustive loops under the race detector: they run no
// goroutines, so the detector adds only time there.
const raceEnabled = true
