//go:build !race

package rvole

const raceEnabled = false
