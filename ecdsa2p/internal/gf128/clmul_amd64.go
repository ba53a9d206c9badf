//go:build amd64 && !purego

package gf128

import "golang.org/x/sys/cpu"

// useAsm selects the PCLMULQDQ routine. It is a variable so that tests can compare both paths.
var useAsm = cpu.X86.HasPCLMULQDQ

// mulAsm sets z ^= a·b (unreduced) with PCLMULQDQ. Implemented in clmul_amd64.s.
//
//go:noescape
func mulAsm(z *[4]uint64, a, b *Element)
