//go:build !race

package ote

const raceEnabled = false
