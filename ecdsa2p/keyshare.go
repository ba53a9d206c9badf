package ecdsa2p

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"golang.org/x/crypto/sha3"

	"github.com/tandem-mpc/tandem/ecdsa2p/internal/keyshare"
	"github.com/tandem-mpc/tandem/internal/secp"
)

// Status is the state of a Keyshare's usable generation.
type Status uint8

// Statuses of a Keyshare.
const (
	// StatusActive: confirmed by both parties; it signs.
	StatusActive Status = iota + 1
	// StatusPending: keygen ended without the peer's confirmation (ErrIncomplete). It signs,
	// and the first successful signature promotes it (PROTOCOL.md §7.4).
	StatusPending
	// StatusLocked: a sign-time check failed (PROTOCOL.md §10.3). Presign and finish are
	// refused until a refresh.
	StatusLocked
)

// String returns the status name.
func (s Status) String() string {
	switch s {
	case StatusActive:
		return "ACTIVE"
	case StatusPending:
		return "PENDING"
	case StatusLocked:
		return "LOCKED"
	}
	return fmt.Sprintf("Status(%d)", uint8(s))
}

// usable reports whether k holds a generation (the zero Keyshare does not).
func (k *Keyshare) usable() bool {
	if k == nil {
		return false
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.current() != nil
}

// Keyshare is one party's share of a two-party secp256k1 key: the generation in use and,
// during a refresh handover, the next generation (PROTOCOL.md §9.1). It is opaque and
// secret: it never prints its share, chain code or OT seeds. MarshalBinary returns secret
// bytes. A Keyshare is safe for concurrent use by the protocols of this package. The zero
// value holds no key: get one from RunKeygen, ParseKeyshare or LoadKeyshare.
type Keyshare struct {
	mu   sync.Mutex
	gens keyshare.Generations
}

// ErrInvalidKeyshare is returned by ParseKeyshare for bytes that are not a keyshare.
var ErrInvalidKeyshare = errors.New("ecdsa2p: invalid keyshare")

// Container format of MarshalBinary: "TNDG" ‖ version 0x01 ‖ flags (bit 0: active record,
// bit 1: pending record) ‖ for each record present: u32be length ‖ §11.1 record.
const (
	genMagic   = "TNDG"
	genVersion = 0x01
	maxRecord  = 1 << 20
)

// MarshalBinary returns the keyshare's stored form: both generation records of PROTOCOL.md
// §11.1 in a small container. SECRET: it holds x_i, the chain code and the OT seeds, and must
// go only to encrypted, authenticated storage.
func (k *Keyshare) MarshalBinary() ([]byte, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	return marshalGenerations(&k.gens), nil
}

func marshalGenerations(g *keyshare.Generations) []byte {
	var b bytes.Buffer
	b.WriteString(genMagic)
	var flags byte
	if g.Active != nil {
		flags |= 1
	}
	if g.Pending != nil {
		flags |= 2
	}
	b.WriteByte(genVersion)
	b.WriteByte(flags)
	for _, ks := range []*keyshare.Keyshare{g.Active, g.Pending} {
		if ks == nil {
			continue
		}
		// The lock bits may change concurrently (a signing session of the same
		// generation); read the record under the generation's lock mutex.
		m := ks.LockMutex()
		m.Lock()
		rec := ks.Marshal()
		m.Unlock()
		b.Write(binary.BigEndian.AppendUint32(nil, uint32(len(rec))))
		b.Write(rec)
	}
	return b.Bytes()
}

// ParseKeyshare decodes MarshalBinary's output, or a single §11.1 keyshare record, and runs
// every load check of §11.1 on each record. It never panics; any failure matches
// ErrInvalidKeyshare.
func ParseKeyshare(b []byte) (*Keyshare, error) {
	if len(b) >= 4 && string(b[:4]) == keyshare.Magic {
		ks, err := keyshare.Parse(b)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrInvalidKeyshare, err)
		}
		g := keyshare.Generations{Active: ks}
		if ks.Pending() {
			g = keyshare.Generations{Pending: ks}
		}
		return &Keyshare{gens: g}, nil
	}
	if len(b) < 6 || string(b[:4]) != genMagic {
		return nil, fmt.Errorf("%w: bad magic", ErrInvalidKeyshare)
	}
	if b[4] != genVersion {
		return nil, fmt.Errorf("%w: unsupported version %d", ErrInvalidKeyshare, b[4])
	}
	flags := b[5]
	if flags == 0 || flags&^3 != 0 {
		return nil, fmt.Errorf("%w: bad flags", ErrInvalidKeyshare)
	}
	rest := b[6:]
	var recs [2]*keyshare.Keyshare
	for i := range 2 {
		if flags&(1<<i) == 0 {
			continue
		}
		if len(rest) < 4 {
			return nil, fmt.Errorf("%w: truncated", ErrInvalidKeyshare)
		}
		n := binary.BigEndian.Uint32(rest)
		rest = rest[4:]
		if n > maxRecord || uint64(n) > uint64(len(rest)) {
			return nil, fmt.Errorf("%w: bad record length", ErrInvalidKeyshare)
		}
		ks, err := keyshare.Parse(rest[:n])
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrInvalidKeyshare, err)
		}
		recs[i] = ks
		rest = rest[n:]
	}
	if len(rest) != 0 {
		return nil, fmt.Errorf("%w: trailing bytes", ErrInvalidKeyshare)
	}
	g := keyshare.Generations{Active: recs[0], Pending: recs[1]}
	if err := g.Check(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidKeyshare, err)
	}
	return &Keyshare{gens: g}, nil
}

// LoadKeyshare loads the keyshare stored under key in st.
func LoadKeyshare(ctx context.Context, st Store, key string) (*Keyshare, error) {
	b, err := st.Load(ctx, key)
	if err != nil {
		return nil, err
	}
	return ParseKeyshare(b)
}

// current returns the generation that signs: the ACTIVE one, or the PENDING one after a
// keygen without the peer's confirmation. Callers hold k.mu.
func (k *Keyshare) current() *keyshare.Keyshare {
	if k.gens.Active != nil {
		return k.gens.Active
	}
	return k.gens.Pending
}

// generation returns the generation named by o (the ACTIVE one by default, or the PENDING
// one after a keygen without the peer's confirmation).
func (k *Keyshare) generation(o options) (*keyshare.Keyshare, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if o.shareID == nil {
		return k.current(), nil
	}
	g, err := k.gens.Select(*o.shareID)
	if err != nil {
		return nil, fmt.Errorf("ecdsa2p: %w", err)
	}
	return g, nil
}

func (k *Keyshare) cur() *keyshare.Keyshare {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.current()
}

// Index returns this party's index: 0 for P1, 1 for P2.
func (k *Keyshare) Index() int { return int(k.cur().Index()) }

// PublicKey returns the 33-byte compressed public key.
func (k *Keyshare) PublicKey() [33]byte { return k.cur().PublicKey() }

// PublicKeyUncompressed returns the 65-byte SEC1 uncompressed public key 04 ‖ x ‖ y.
func (k *Keyshare) PublicKeyUncompressed() [65]byte { return uncompressed(k.PublicKey()) }

// Address returns the Ethereum address of the public key: the last 20 bytes of
// Keccak-256(x ‖ y).
func (k *Keyshare) Address() [20]byte { return address(k.PublicKey()) }

// AddressHex returns Address as "0x" and 40 lower-case hex digits.
func (k *Keyshare) AddressHex() string {
	a := k.Address()
	return "0x" + hex.EncodeToString(a[:])
}

// ChainCode returns the root BIP-32 chain code. Confidential: with any child private key it
// reveals the parent key; share it only with the watch-only wallet's owner.
func (k *Keyshare) ChainCode() [32]byte { return k.cur().ChainCode() }

// KeyID returns key_id, which names the key across refreshes.
func (k *Keyshare) KeyID() [32]byte { return k.cur().KeyID() }

// ShareID returns share_id of the ACTIVE generation (of the PENDING one after a keygen
// without the peer's confirmation): the one presign and refresh use by default.
func (k *Keyshare) ShareID() [32]byte { return k.cur().ShareID() }

// PendingShareID returns share_id of the PENDING generation a refresh left when the peer's
// RF4 never arrived (ok = false if there is none). PROTOCOL.md §9.1: the coordinator names the
// share_id of a sign request, and a party proposes or accepts a PENDING one only if it holds
// it; pass it with WithShareID. The first successful signature on it promotes it.
func (k *Keyshare) PendingShareID() (id [32]byte, ok bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.gens.Active == nil || k.gens.Pending == nil {
		return id, false
	}
	return k.gens.Pending.ShareID(), true
}

// Locked reports whether the default generation (see ShareID) is LOCKED (PROTOCOL.md §10.3),
// and the reason.
func (k *Keyshare) Locked() (bool, Code) {
	ks := k.cur()
	ks.LockMutex().Lock()
	defer ks.LockMutex().Unlock()
	l, reason, _ := ks.Locked()
	return l, reason
}

// Status returns the status of the default generation (see ShareID).
func (k *Keyshare) Status() Status {
	if l, _ := k.Locked(); l {
		return StatusLocked
	}
	if k.cur().Pending() {
		return StatusPending
	}
	return StatusActive
}

// MarkRestored marks every generation of k LOCKED with reason Restored and no culprit
// (PROTOCOL.md §10.3 item 5): call it on a keyshare restored from a backup, or on a copy
// whose lock record was lost, before its first use, then persist it (the Session and the
// CLI do both). Presign and finish refuse it until a refresh; a keyshare already LOCKED
// keeps its reason.
func (k *Keyshare) MarkRestored() {
	k.mu.Lock()
	defer k.mu.Unlock()
	for _, g := range []*keyshare.Keyshare{k.gens.Active, k.gens.Pending} {
		if g == nil {
			continue
		}
		m := g.LockMutex()
		m.Lock()
		g.MarkRestored()
		m.Unlock()
	}
}

// Generation is the public summary of one generation of a Keyshare (PROTOCOL.md §9.1,
// §11.1): for lock records kept outside the keyshare (the CLI's sidecar, PROTOCOL.md §10.3
// item 5).
type Generation struct {
	ShareID    [32]byte
	Status     Status // StatusActive, StatusPending or StatusLocked
	LockReason Code   // the reason when Status is StatusLocked, else 0
}

// Generations returns the summaries of k's generations: the ACTIVE one (or the PENDING one
// of a keygen without the peer's confirmation) first, then the PENDING generation of an
// incomplete refresh, if any.
func (k *Keyshare) Generations() []Generation {
	k.mu.Lock()
	defer k.mu.Unlock()
	var out []Generation
	for _, g := range []*keyshare.Keyshare{k.gens.Active, k.gens.Pending} {
		if g == nil {
			continue
		}
		m := g.LockMutex()
		m.Lock()
		locked, reason, _ := g.Locked()
		pending := g.Pending()
		m.Unlock()
		s := Generation{ShareID: g.ShareID(), Status: StatusActive}
		switch {
		case locked:
			s.Status, s.LockReason = StatusLocked, reason
		case pending:
			s.Status = StatusPending
		}
		out = append(out, s)
	}
	return out
}

// RefreshPending reports whether a refresh left a second, PENDING generation (its RF4
// never arrived); the first successful signature on it, or a late RF4, promotes it.
func (k *Keyshare) RefreshPending() bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.gens.Active != nil && k.gens.Pending != nil
}

// String returns the public summary: index, key id prefix, status.
func (k *Keyshare) String() string {
	if !k.usable() {
		return "ecdsa2p.Keyshare(empty)"
	}
	id := k.KeyID()
	return fmt.Sprintf("ecdsa2p.Keyshare{P%d, key_id %x…, %s}", k.Index()+1, id[:4], k.Status())
}

// GoString is String.
func (k *Keyshare) GoString() string { return k.String() }

// Format writes String for every verb.
func (k *Keyshare) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(k.String())) }

// LogValue logs the public summary.
func (k *Keyshare) LogValue() slog.Value {
	if !k.usable() {
		return slog.StringValue(k.String())
	}
	id := k.KeyID()
	return slog.GroupValue(slog.Int("party", k.Index()+1), slog.String("key_id", hex.EncodeToString(id[:])),
		slog.String("status", k.Status().String()))
}

// save persists k under key; the caller holds no lock.
func (k *Keyshare) save(ctx context.Context, st Store, key string) error {
	b, _ := k.MarshalBinary()
	return st.Save(ctx, key, b)
}

func uncompressed(pt [33]byte) [65]byte {
	p, err := new(secp.Point).SetBytes(pt[:])
	if err != nil {
		panic("ecdsa2p: internal error: stored public key does not decode")
	}
	u, err := p.BytesUncompressed()
	if err != nil {
		panic("ecdsa2p: internal error: identity public key")
	}
	return u
}

func address(pt [33]byte) [20]byte {
	u := uncompressed(pt)
	h := sha3.NewLegacyKeccak256()
	h.Write(u[1:])
	var a [20]byte
	copy(a[:], h.Sum(nil)[12:])
	return a
}
