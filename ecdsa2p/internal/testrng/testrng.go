package testrng

import (
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/rng"
	"github.com/tandem-mpc/tandem/internal/secp"
	"github.com/tandem-mpc/tandem/internal/transcript"
)

// Label is the test-only label of the generator's blocks (PROTOCOL.md §12.5). It is not in the
// production registry.
const Label transcript.Label = "tandem/v1/test/rng"

// BlockSize is the size of one block B_c.
const BlockSize = 32

// An RNG is the deterministic test generator TestRNG(seed) of PROTOCOL.md §12.5: the stream
// B_0 ‖ B_1 ‖ … with B_c = H("tandem/v1/test/rng", seed, u64(c)). Reads are block-aligned: a
// read of k bytes takes the next ⌈k/32⌉ blocks and discards the unused tail of the last one.
// An RNG implements [rng.Source]. It is not safe for concurrent use.
type RNG struct {
	seed   []byte
	blocks uint64 // blocks consumed so far
}

var _ rng.Source = (*RNG)(nil)

// New returns TestRNG(seed), positioned at block 0.
func New(seed string) *RNG { return &RNG{seed: []byte(seed)} }

// RandomBytes fills p with the next len(p) bytes of the stream, consuming ⌈len(p)/32⌉ blocks.
func (r *RNG) RandomBytes(p []byte) {
	for len(p) > 0 {
		c := transcript.U64(r.blocks)
		b := transcript.H(Label, r.seed, c[:])
		r.blocks++
		p = p[copy(p, b[:]):]
	}
}

// Read implements io.Reader with the same block-aligned semantics as [RNG.RandomBytes]: each
// call consumes ⌈len(p)/32⌉ blocks. It never fails.
func (r *RNG) Read(p []byte) (int, error) {
	r.RandomBytes(p)
	return len(p), nil
}

// Bytes returns RandomBytes(k) in a new slice.
func (r *RNG) Bytes(k int) []byte {
	p := make([]byte, k)
	r.RandomBytes(p)
	return p
}

// RandomScalar returns RandomScalar() of §2.7: two blocks per attempt, wide-reduced, repeated
// while zero.
func (r *RNG) RandomScalar() *secp.Scalar { return rng.Scalar(r.RandomBytes) }

// Blocks returns the number of blocks consumed so far.
func (r *RNG) Blocks() uint64 { return r.blocks }
