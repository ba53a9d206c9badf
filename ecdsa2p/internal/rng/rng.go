package rng

import (
	"crypto/rand"

	"github.com/tandem-mpc/tandem/internal/secp"
)

// A Source supplies the randomness of PROTOCOL.md §2.7. Round functions take a Source and draw
// from it in exactly the order the specification lists, so that a deterministic Source
// reproduces the known-answer vectors of §12.4.
type Source interface {
	// RandomBytes fills p with random bytes: RandomBytes(len(p)) of §2.7.
	RandomBytes(p []byte)
	// RandomScalar returns a uniformly random non-zero scalar: RandomScalar() of §2.7.
	RandomScalar() *secp.Scalar
}

// System is the Source backed by crypto/rand. It is the only Source that production code
// paths construct.
var System Source = system{}

type system struct{}

// RandomBytes implements [Source] with crypto/rand.Read, which never fails: since Go 1.24 it
// crashes the program irrecoverably if the operating system cannot supply randomness.
func (system) RandomBytes(p []byte) { _, _ = rand.Read(p) }

// RandomScalar implements [Source] with [Scalar].
func (s system) RandomScalar() *secp.Scalar { return Scalar(s.RandomBytes) }

// Scalar implements RandomScalar of §2.7 on top of a RandomBytes function: it draws 64 bytes,
// reduces them modulo n, and repeats while the result is zero. The reduction is constant-time;
// the only branch reveals that a draw was zero, which happens with probability about 2^−256.
// Every Source must use it, so that all sources consume their byte streams identically.
func Scalar(randomBytes func(p []byte)) *secp.Scalar {
	var wide [64]byte
	defer clear(wide[:])
	s := secp.NewScalar()
	for {
		randomBytes(wide[:])
		if _, err := s.SetWideBytes(wide[:]); err != nil {
			panic("rng: internal error: wide reduction rejected 64 bytes")
		}
		if s.IsZero() == 0 {
			return s
		}
	}
}
