package transcript

import (
	"crypto/sha256"
	"encoding"
	"encoding/binary"
	"hash"
	"sync"
)

// bufSize is the size of a Hasher's staging buffer, a multiple of the SHA-256 block size.
// Messages that fit are hashed with one call to sha256.Sum256.
const bufSize = 512

// snapSize bounds the marshalled SHA-256 state ("sha\x03", 8 words, a 64-byte block, a length).
const snapSize = 128

// A Hasher streams E(label, f1, …, fm) into SHA-256 (PROTOCOL.md §2.3) without allocating
// after its first use. Fields are copied into an internal buffer, so the caller's slices do not
// escape. A Hasher is not safe for concurrent use; reuse one per goroutine, or call the
// package functions [H], [PRGInto] and [H2S], which keep a pool of Hashers.
//
// The call sequence is [Hasher.Reset] (or [Hasher.ResetPrefix]), then fields, then
// [Hasher.Sum]. [Hasher.Mark] and [Hasher.Rewind] save and restore the state, so that several
// messages that share a prefix hash the prefix once.
//
// A Hasher that has hashed secrets holds them until [Hasher.Wipe] or the next Reset.
type Hasher struct {
	d     hash.Hash // lazily created; holds everything flushed from buf
	dirty bool      // d has absorbed bytes since the last reset
	n     int       // bytes staged in buf
	open  uint64    // bytes still due for the field opened by FieldHeader
	buf   [bufSize]byte
	out   [32]byte

	// The mark saved by Mark: either a marshalled SHA-256 state (snapDirty) or, for short
	// prefixes, only the staged bytes (tail).
	marked    bool
	snapDirty bool
	snapLen   int
	tailN     int
	snap      [snapSize]byte
	tail      [64]byte
}

// NewHasher returns a Hasher. Call [Hasher.Reset] before writing fields.
func NewHasher() *Hasher { return new(Hasher) }

var hasherPool = sync.Pool{New: func() any { return new(Hasher) }}

func getHasher() *Hasher { return hasherPool.Get().(*Hasher) }

func putHasher(h *Hasher) {
	h.Wipe()
	hasherPool.Put(h)
}

// Reset starts a new message E(label, …).
func (h *Hasher) Reset(label Label) {
	h.resetState()
	h.writeLen(uint64(len(label)))
	h.writeString(string(label))
}

func (h *Hasher) resetState() {
	if h.dirty {
		h.d.Reset()
		h.dirty = false
	}
	h.n = 0
	h.open = 0
	h.marked = false
}

// Wipe overwrites the staged bytes and the saved mark and resets the SHA-256 state. Go cannot
// guarantee erasure (PROTOCOL.md §2.12), but this keeps secrets out of pooled buffers.
func (h *Hasher) Wipe() {
	clear(h.buf[:])
	clear(h.snap[:])
	clear(h.tail[:])
	clear(h.out[:])
	if h.d != nil {
		h.d.Reset()
	}
	h.dirty = false
	h.n, h.open, h.snapLen, h.tailN = 0, 0, 0, 0
	h.marked, h.snapDirty = false, false
}

// Field appends one field: u64(len(f)) ‖ f.
func (h *Hasher) Field(f []byte) {
	h.checkClosed()
	h.writeLen(uint64(len(f)))
	h.write(f)
}

// Fields appends each of fs as a field.
func (h *Hasher) Fields(fs ...[]byte) {
	for _, f := range fs {
		h.Field(f)
	}
}

// FieldU8 appends the field u8(v).
func (h *Hasher) FieldU8(v uint8) {
	h.checkClosed()
	h.writeLen(1)
	h.writeByte(v)
}

// FieldU16 appends the field u16(v).
func (h *Hasher) FieldU16(v uint16) {
	b := U16(v)
	h.Field(b[:])
}

// FieldU32 appends the field u32(v).
func (h *Hasher) FieldU32(v uint32) {
	b := U32(v)
	h.Field(b[:])
}

// FieldU64 appends the field u64(v).
func (h *Hasher) FieldU64(v uint64) {
	b := U64(v)
	h.Field(b[:])
}

// FieldHeader opens a field of n bytes whose content follows in one or more calls to
// [Hasher.Write]. It lets a large field (the 32,768-byte Π of the PPRF proof, say) be hashed
// as it is produced, without building it in memory.
func (h *Hasher) FieldHeader(n uint64) {
	h.checkClosed()
	h.writeLen(n)
	h.open = n
}

// Write appends p to the field opened by [Hasher.FieldHeader]. It implements io.Writer and
// never fails. Writing more bytes than the header announced is a programming error and panics.
func (h *Hasher) Write(p []byte) (int, error) {
	if uint64(len(p)) > h.open {
		panic("transcript: internal error: Write beyond the announced field length")
	}
	h.open -= uint64(len(p))
	h.write(p)
	return len(p), nil
}

// Sum returns SHA-256 of the message so far. It does not change the state: more fields may
// follow, and Sum may be called again.
func (h *Hasher) Sum() [32]byte {
	h.checkClosed()
	if !h.dirty {
		return sha256.Sum256(h.buf[:h.n])
	}
	h.flush()
	h.d.Sum(h.out[:0])
	return h.out
}

// Mark saves the current state. [Hasher.Rewind] returns to it. A later Reset discards it.
func (h *Hasher) Mark() {
	h.checkClosed()
	h.marked = true
	if !h.dirty && h.n < len(h.tail) {
		// Short prefix: keep the staged bytes, and keep the one-shot Sum256 path.
		h.snapDirty = false
		h.tailN = copy(h.tail[:], h.buf[:h.n])
		return
	}
	h.flush()
	snap, err := h.d.(encoding.BinaryAppender).AppendBinary(h.snap[:0])
	if err != nil || len(snap) > len(h.snap) {
		panic("transcript: internal error: cannot save the SHA-256 state")
	}
	h.snapDirty = true
	h.snapLen = len(snap)
}

// Rewind restores the state saved by the last [Hasher.Mark]. It panics if there is none.
func (h *Hasher) Rewind() {
	if !h.marked {
		panic("transcript: internal error: Rewind without Mark")
	}
	h.open = 0
	if !h.snapDirty {
		if h.dirty {
			h.d.Reset()
			h.dirty = false
		}
		h.n = copy(h.buf[:], h.tail[:h.tailN])
		return
	}
	if err := h.d.(encoding.BinaryUnmarshaler).UnmarshalBinary(h.snap[:h.snapLen]); err != nil {
		panic("transcript: internal error: cannot restore the SHA-256 state")
	}
	h.dirty = true
	h.n = 0
}

func (h *Hasher) checkClosed() {
	if h.open != 0 {
		panic("transcript: internal error: field shorter than its header")
	}
}

func (h *Hasher) flush() {
	if h.n == 0 {
		return
	}
	if h.d == nil {
		h.d = sha256.New()
	}
	h.d.Write(h.buf[:h.n])
	h.dirty = true
	h.n = 0
}

func (h *Hasher) writeLen(n uint64) {
	if len(h.buf)-h.n < 8 {
		h.flush()
	}
	binary.BigEndian.PutUint64(h.buf[h.n:], n)
	h.n += 8
}

func (h *Hasher) writeByte(b byte) {
	if h.n == len(h.buf) {
		h.flush()
	}
	h.buf[h.n] = b
	h.n++
}

func (h *Hasher) write(p []byte) {
	for len(p) > 0 {
		if h.n == len(h.buf) {
			h.flush()
		}
		c := copy(h.buf[h.n:], p)
		h.n += c
		p = p[c:]
	}
}

func (h *Hasher) writeString(s string) {
	for len(s) > 0 {
		if h.n == len(h.buf) {
			h.flush()
		}
		c := copy(h.buf[h.n:], s)
		h.n += c
		s = s[c:]
	}
}
