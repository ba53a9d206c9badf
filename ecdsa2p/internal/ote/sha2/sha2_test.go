package sha2

import (
	"crypto/sha256"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tandem-mpc/tandem/ecdsa2p/internal/testrng"
)

// sum hashes msg with s's path: IV, the padded message, Bytes.
func sum(msg []byte) [32]byte {
	p := append(append([]byte(nil), msg...), Pad(len(msg))...)
	s := IV
	s.Blocks(p)
	return s.Bytes()
}

// TestAgainstStdlib compares both paths with crypto/sha256 on every length up to 300 bytes
// and on random longer messages, and checks the FIPS 180-4 "abc" vector.
func TestAgainstStdlib(t *testing.T) {
	paths := map[string]bool{"generic": false}
	if useSHANI {
		paths["SHA-NI"] = true
	}
	defer func(v bool) { useSHANI = v }(useSHANI)
	r := testrng.New("sha2/test")
	for name, accel := range paths {
		useSHANI = accel
		got := sum([]byte("abc"))
		require.Equal(t, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
			hexString(got[:]), name)
		for n := 0; n <= 300; n++ {
			msg := r.Bytes(n)
			require.Equal(t, sha256.Sum256(msg), sum(msg), "%s, %d bytes", name, n)
		}
		for _, n := range []int{1000, 4096, 49152 + 40} {
			msg := r.Bytes(n)
			require.Equal(t, sha256.Sum256(msg), sum(msg), "%s, %d bytes", name, n)
		}
	}
}

// TestMidstate checks that a chaining value may be copied and continued.
func TestMidstate(t *testing.T) {
	r := testrng.New("sha2/midstate")
	msg := r.Bytes(64 + 63)
	mid := IV
	mid.Blocks(msg[:64])
	for c := range 5 {
		m := append(append([]byte(nil), msg...), byte(c))
		tail := append(append([]byte(nil), m[64:]...), Pad(len(m))...)
		s := mid
		s.Blocks(tail)
		require.Equal(t, sha256.Sum256(m), s.Bytes())
	}
}

func TestBlocksPanicsOnPartialBlock(t *testing.T) {
	s := IV
	require.PanicsWithValue(t, "sha2: internal error: input is not a whole number of blocks", func() { s.Blocks(make([]byte, 65)) })
}

func hexString(b []byte) string {
	const digits = "0123456789abcdef"
	out := make([]byte, 2*len(b))
	for i, v := range b {
		out[2*i], out[2*i+1] = digits[v>>4], digits[v&15]
	}
	return string(out)
}

func BenchmarkBlock(b *testing.B) {
	var blk [64]byte
	s := IV
	start := cpuTime()
	defer reportCPU(b, start)
	for b.Loop() {
		s.Blocks(blk[:])
	}
}

func BenchmarkStdlibSum256OneBlock(b *testing.B) {
	var blk [55]byte
	start := cpuTime()
	defer reportCPU(b, start)
	for b.Loop() {
		_ = sha256.Sum256(blk[:])
	}
}

func TestReportPath(t *testing.T) { t.Logf("SHA extensions in use: %v", Accelerated()) }
