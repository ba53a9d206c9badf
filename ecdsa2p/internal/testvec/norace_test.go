//go:build !race

package testvec_test

const raceEnabled = false
