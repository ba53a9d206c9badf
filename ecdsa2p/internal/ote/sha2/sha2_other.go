//go:build !amd64 || purego

package sha2

var useSHANI = false

func blocksSHANI(*[8]uint32, *byte, int) { panic("sha2: internal error: no SHA extensions") }

// Accelerated reports whether the SHA extensions are used.
func Accelerated() bool { return false }
