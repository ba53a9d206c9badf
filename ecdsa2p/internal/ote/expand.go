package ote

import (
	"encoding/binary"
	"sync"

	"github.com/tandem-mpc/tandem/ecdsa2p/internal/ote/modn"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/ote/sha2"
	"github.com/tandem-mpc/tandem/internal/transcript"
)

// padBytes is the PRG output of one pad: three 64-byte strings, each wide-reduced to a scalar.
const padBytes = Width * 64

// fastHash selects the sha2 path of the hasher (the SHA extensions); otherwise the generic
// transcript path runs. It is a variable so that tests can compare both.
var fastHash = sha2.Accelerated()

// The two PRG messages (PROTOCOL.md §2.5, §5), padded for SHA-256:
//
//	Expand80: E("tandem/v1/ote/expand", leaf, sid_ote, u8(b), u8(x), u32(c))  138 bytes
//	Pad:      E("tandem/v1/ote/pad", key, sid_ote, u16(j), u32(c))            127 bytes
//
// Both pad to three blocks. The first block holds the label and most of the seed, so it is
// compressed once per seed; each counter then costs the two tail blocks.
const (
	expLeafOff = 8 + len(transcript.LabelOTEExpand) + 8
	expSIDOff  = expLeafOff + 32 + 8
	expBOff    = expSIDOff + 32 + 8
	expXOff    = expBOff + 1 + 8
	expCOff    = expXOff + 1 + 8
	expLen     = expCOff + 4

	padKeyOff = 8 + len(transcript.LabelOTEPad) + 8
	padSIDOff = padKeyOff + 32 + 8
	padJOff   = padSIDOff + 32 + 8
	padCOff   = padJOff + 2 + 8
	padLen    = padCOff + 4

	msgBlocks = 3 * sha2.BlockSize
)

// A hasher computes the two PRGs of the extension (PROTOCOL.md §5) for one session id. It is
// owned by one goroutine at a time. With the SHA extensions it lays out each padded message
// in a template and compresses blocks directly (package sha2); otherwise it streams the
// encoding through an owned [transcript.Hasher], whose Mark/Rewind give the same midstate
// caching.
type hasher struct {
	h      transcript.Hasher
	sid    [32]byte
	out    [padBytes]byte
	tmplOK bool            // exp and pad hold the templates for sid
	exp    [msgBlocks]byte // padded Expand80 message; leaf, b, x, c patched per call
	padMsg [msgBlocks]byte // padded Pad message; key, j, c patched per call
}

func newHasher(sid [32]byte) *hasher { return &hasher{sid: sid} }

// hasherPool keeps hashers between calls. Hashers are wiped before they return to the pool.
var hasherPool = sync.Pool{New: func() any { return new(hasher) }}

// getHasher returns a pooled hasher for sid; release it with putHasher.
func getHasher(sid [32]byte) *hasher {
	p := hasherPool.Get().(*hasher)
	if p.sid != sid {
		p.sid = sid
		p.tmplOK = false
	}
	return p
}

func putHasher(p *hasher) {
	p.wipe()
	hasherPool.Put(p)
}

// templates builds the padded messages for p.sid with zero seeds and counters.
func (p *hasher) templates() {
	var zero [32]byte
	b0, c0 := transcript.U8(0), transcript.U32(0)
	e := transcript.AppendE(p.exp[:0], transcript.LabelOTEExpand, zero[:], p.sid[:], b0[:], b0[:], c0[:])
	j0 := transcript.U16(0)
	q := transcript.AppendE(p.padMsg[:0], transcript.LabelOTEPad, zero[:], p.sid[:], j0[:], c0[:])
	if len(e) != expLen || len(q) != padLen {
		panic("ote: internal error: PRG message layout")
	}
	copy(p.exp[expLen:], sha2.Pad(expLen))
	copy(p.padMsg[padLen:], sha2.Pad(padLen))
	p.tmplOK = true
}

// expand80 sets dst = Expand80(leaf, b, x) = PRG("tandem/v1/ote/expand", 80, leaf, sid_ote,
// u8(b), u8(x)).
func (p *hasher) expand80(dst *[RowBytes]byte, leaf *[32]byte, b, x uint8) {
	if !fastHash {
		p.expand80Generic(dst, leaf, b, x)
		return
	}
	if !p.tmplOK {
		p.templates()
	}
	m := &p.exp
	copy(m[expLeafOff:], leaf[:])
	m[expBOff], m[expXOff] = b, x
	mid := sha2.IV
	mid.Blocks(m[:sha2.BlockSize])
	for c := range uint32(3) {
		binary.BigEndian.PutUint32(m[expCOff:], c)
		s := mid
		s.Blocks(m[sha2.BlockSize:])
		if c < 2 {
			s.Put((*[32]byte)(dst[32*c:]))
		} else {
			t := s.Bytes()
			copy(dst[64:], t[:16])
			clear(t[:])
		}
	}
}

// pad sets out to the three scalars of Pad(key, j) = PRG("tandem/v1/ote/pad", 192, key,
// sid_ote, u16(j)): wide(bytes 0..63), wide(64..127), wide(128..191).
func (p *hasher) pad(out *[Width]modn.Scalar, key *[32]byte, j uint16) {
	if !fastHash {
		p.padGeneric(key, j)
	} else {
		if !p.tmplOK {
			p.templates()
		}
		m := &p.padMsg
		copy(m[padKeyOff:], key[:])
		binary.BigEndian.PutUint16(m[padJOff:], j)
		mid := sha2.IV
		mid.Blocks(m[:sha2.BlockSize])
		for c := range uint32(padBytes / 32) {
			binary.BigEndian.PutUint32(m[padCOff:], c)
			s := mid
			s.Blocks(m[sha2.BlockSize:])
			s.Put((*[32]byte)(p.out[32*c:]))
		}
	}
	for k := range out {
		out[k] = modn.FromWide((*[64]byte)(p.out[64*k:]))
	}
}

// expand80Generic is expand80 through the transcript Hasher.
func (p *hasher) expand80Generic(dst *[RowBytes]byte, leaf *[32]byte, b, x uint8) {
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

// padGeneric fills p.out with PRG("tandem/v1/ote/pad", 192, key, sid_ote, u16(j)) through the
// transcript Hasher.
func (p *hasher) padGeneric(key *[32]byte, j uint16) {
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
}

// wipe clears the staged seeds and outputs (the templates keep only public bytes).
func (p *hasher) wipe() {
	p.h.Wipe()
	clear(p.out[:])
	clear(p.exp[expLeafOff : expLeafOff+32])
	clear(p.padMsg[padKeyOff : padKeyOff+32])
}
