package sha2

import (
	"crypto/sha256"
	"testing"
)

// FuzzAgainstStdlib differential-tests both compression paths (the SHA-extension assembly
// where the CPU has it, and the portable Go code) against crypto/sha256 on arbitrary messages.
func FuzzAgainstStdlib(f *testing.F) {
	for _, s := range []string{"", "abc", string(make([]byte, 55)), string(make([]byte, 56)), string(make([]byte, 64)), string(make([]byte, 119))} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, msg []byte) {
		want := sha256.Sum256(msg)
		saved := useSHANI
		defer func() { useSHANI = saved }()
		for _, accel := range []bool{false, saved} {
			useSHANI = accel
			if got := sum(msg); got != want {
				t.Fatalf("accelerated=%v: got %x, want %x for %x", accel, got, want, msg)
			}
		}
	})
}
