//go:build race

package rvole

// raceEnabled shortens the slowest exhaustive loops under the race detector: they run no
// goroutines, so the detector adds only time there.
const raceEnabled = true
