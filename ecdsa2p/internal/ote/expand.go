package ote

import (
	"sync"

	"github.com/tandem-mpc/tandem/ecdsa2p/internal/ote/modn"
	"github.com/tandem-mpc/tandem/internal/transcript"
)

// padBytes is the PRG output of one pad: three 64-byte strings, each wide-reduced to a scalar.
const padBytes = Width * 64

// A hasher computes the two PRGs of the extension (PROTOCOL.md §5) with one owned
// [transcript.Hasher], so that no pooled state is shared with other goroutines. The message
// E(label, seed, sid_ote, …) up to the counter field is hashed once per seed (midstate
// caching, §2.3), and every counter block restarts from that state.
type hasher struct {
	h   transcript.Hasher
	sid [32]byte
	out [padBytes]byte
}

func newHasher(sid [32]byte) *hasher { return &hasher{sid: sid} }

// hasherPool keeps hashers (and their SHA-256 states) between calls. Hashers are wiped before
// they return to the pool.
var hasherPool = sync.Pool{New: func() any { return new(hasher) }}

// getHasher returns a pooled hasher for sid; release it with putHasher.
func getHasher(sid [32]byte) *hasher {
	p := hasherPool.Get().(*hasher)
	p.sid = sid
	return p
}

func putHasher(p *hasher) {
	p.wipe()
	hasherPool.Put(p)
}

// expand80 sets dst = Expand80(leaf, b, x) = PRG("tandem/v1/ote/expand", 80, leaf, sid_ote,
// u8(b), u8(x)).
func (p *hasher) expand80(dst *[RowBytes]byte, leaf *[32]byte, b, x uint8) {
	h := &p.h
	h.Reset(transcript.LabelOTEExpand)
	h.Field(leaf[:])
	h.Field(p.sid[:])
	h.FieldU8(b)
	h.FieldU8(x)
	h.Mark()
	for c := uint32(0); c < 3; c++ {
		if c > 0 {
			h.Rewind()
		}
		h.FieldU32(c)
		t := h.Sum()
		copy(dst[32*c:], t[:])
	}
}

// pad sets out to the three scalars of Pad(key, j) = PRG("tandem/v1/ote/pad", 192, key,
// sid_ote, u16(j)): wide(bytes 0..63), wide(64..127), wide(128..191).
func (p *hasher) pad(out *[Width]modn.Scalar, key *[32]byte, j uint16) {
	h := &p.h
	h.Reset(transcript.LabelOTEPad)
	h.Field(key[:])
	h.Field(p.sid[:])
	h.FieldU16(j)
	h.Mark()
	for c := uint32(0); c < padBytes/32; c++ {
		if c > 0 {
			h.Rewind()
		}
		h.FieldU32(c)
		t := h.Sum()
		copy(p.out[32*c:], t[:])
	}
	for k := range out {
		out[k] = modn.FromWide((*[64]byte)(p.out[64*k:]))
	}
}

// wipe clears the staged seeds and outputs.
func (p *hasher) wipe() {
	p.h.Wipe()
	clear(p.out[:])
}
