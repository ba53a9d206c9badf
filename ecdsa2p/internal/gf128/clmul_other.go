//go:build !amd64 || purego

package gf128

// useAsm is false on targets without an assembly routine.
var useAsm = false

func mulAsm(z *[4]uint64, a, b *Element) {
	panic("gf128: internal error: no assembly routine on this target")
}
