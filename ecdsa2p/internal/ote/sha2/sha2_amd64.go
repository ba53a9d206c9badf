//go:build amd64 && !purego

package sha2

import "golang.org/x/sys/cpu"

// useSHANI selects blocks_amd64.s. It is a variable so that tests can compare both paths.
var useSHANI = hasSHA() && cpu.X86.HasSSE41 && cpu.X86.HasSSSE3

// hasSHA reports CPUID.(EAX=7, ECX=0):EBX bit 29, the SHA extensions (x/sys/cpu does not
// expose it).
func hasSHA() bool {
	maxLeaf, _, _, _ := cpuid(0, 0)
	if maxLeaf < 7 {
		return false
	}
	_, ebx, _, _ := cpuid(7, 0)
	return ebx&(1<<29) != 0
}

// cpuid executes CPUID. Implemented in blocks_amd64.s.
func cpuid(eaxArg, ecxArg uint32) (eax, ebx, ecx, edx uint32)

// blocksSHANI compresses n blocks at p into s. Implemented in blocks_amd64.s.
//
//go:noescape
func blocksSHANI(s *[8]uint32, p *byte, n int)

// Accelerated reports whether the SHA extensions are used.
func Accelerated() bool { return useSHANI }
