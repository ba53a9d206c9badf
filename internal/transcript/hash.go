package transcript

import "crypto/sha256"

// stackLimit is the largest E(…) that [H] assembles on the stack and hashes in one call.
const stackLimit = 256

// H returns the tagged hash H(label, fields...) = SHA-256(E(label, fields...)) of PROTOCOL.md
// §2.3. It does not allocate.
func H(label Label, fields ...[]byte) [32]byte {
	if EncodedLen(label, fields...) <= stackLimit {
		var buf [stackLimit]byte
		m := AppendE(buf[:0], label, fields...)
		out := sha256.Sum256(m)
		clear(m) // fields may be secret (PPRF leaves, say)
		return out
	}
	h := getHasher()
	h.Reset(label)
	h.Fields(fields...)
	out := h.Sum()
	putHasher(h)
	return out
}

// A Prefix is the saved SHA-256 state of E(label, f1, …, fk) for constant leading fields,
// so that H(label, f1, …, fk, g1, …) hashes the prefix only once. It pays off when the prefix
// fills at least one 64-byte block (a label and a 32-byte session id usually do). A Prefix is
// immutable and safe for concurrent use. Its fields should be public: the prefix bytes are
// kept until the Prefix is garbage.
type Prefix struct {
	label     Label
	snapDirty bool
	snap      []byte // marshalled SHA-256 state, when snapDirty
	tail      []byte // staged bytes, when !snapDirty
}

// NewPrefix returns the Prefix for E(label, fields...).
func NewPrefix(label Label, fields ...[]byte) *Prefix {
	h := getHasher()
	defer putHasher(h)
	h.Reset(label)
	h.Fields(fields...)
	h.Mark()
	p := &Prefix{label: label, snapDirty: h.snapDirty}
	if h.snapDirty {
		p.snap = append([]byte(nil), h.snap[:h.snapLen]...)
	} else {
		p.tail = append([]byte(nil), h.tail[:h.tailN]...)
	}
	return p
}

// Label returns the label the prefix starts with.
func (p *Prefix) Label() Label { return p.label }

// ResetPrefix starts a new message that begins with the prefix p. The state after it is
// also saved as the mark, so [Hasher.Rewind] returns to the bare prefix.
func (h *Hasher) ResetPrefix(p *Prefix) {
	h.resetState()
	h.marked = true
	h.snapDirty = p.snapDirty
	if p.snapDirty {
		if h.d == nil {
			h.d = sha256.New()
		}
		h.snapLen = copy(h.snap[:], p.snap)
	} else {
		h.tailN = copy(h.tail[:], p.tail)
	}
	h.Rewind()
}

// Sum returns H(label, prefix fields..., fields...). It does not allocate.
func (p *Prefix) Sum(fields ...[]byte) [32]byte {
	h := getHasher()
	h.ResetPrefix(p)
	h.Fields(fields...)
	out := h.Sum()
	putHasher(h)
	return out
}
