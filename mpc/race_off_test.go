//go:build !race

package mpc

// raceEnabled reports whether the race detector is on; allocation counts are meaningless then.
const raceEnabled = false
