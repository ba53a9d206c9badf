package ot

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"
)

// Sizes of one correlation's seeds (PROTOCOL.md §4: 64 blocks × 16 leaves of 32 bytes).
const (
	Blocks         = 64
	LeavesPerBlock = 16
	LeafSize       = 32
	// BaseOTs is the number of base OTs per correlation: 4 per block (k = 4).
	BaseOTs = 4 * Blocks
)

// Leaves are the PPRF leaves of one correlation, indexed [block][leaf].
type Leaves [Blocks][LeavesPerBlock][LeafSize]byte

// ChooserSeeds are R's long-lived outputs of the PPRF for correlation (R, S): all 16 leaves of
// every block (PROTOCOL.md §4.1, "ChooserSeeds"). Secret. The zero value is invalid.
type ChooserSeeds struct {
	leaves Leaves
	valid  bool
}

// DeltaSeeds are S's long-lived outputs for correlation (R, S): Δ (one nibble Δ_b per block,
// the punctured index) and every leaf except the punctured one, which is stored as 32 zero
// bytes (PROTOCOL.md §4.2, "DeltaSeeds"). Secret. The zero value is invalid.
type DeltaSeeds struct {
	delta  [Blocks]uint8
	leaves Leaves
	valid  bool
}

// ErrInvalidSeeds reports seeds that are not well formed (a Δ nibble above 15, or a punctured
// leaf that is not zero).
var ErrInvalidSeeds = errors.New("ot: invalid seeds")

// NewChooserSeeds wraps R's leaves. It copies l.
func NewChooserSeeds(l *Leaves) *ChooserSeeds {
	return &ChooserSeeds{leaves: *l, valid: true}
}

// NewDeltaSeeds wraps S's Δ nibbles and leaves, after checking that every Δ_b is below 16. The
// leaf at each punctured index is forced to zero in constant time. It copies its inputs.
func NewDeltaSeeds(delta *[Blocks]uint8, l *Leaves) (*DeltaSeeds, error) {
	var bad uint8
	for b := range delta {
		bad |= delta[b] &^ 0x0f
	}
	if bad != 0 {
		return nil, fmt.Errorf("%w: Δ nibble out of range", ErrInvalidSeeds)
	}
	d := &DeltaSeeds{delta: *delta, leaves: *l, valid: true}
	var zero [LeafSize]byte
	for b := range d.leaves {
		for x := range d.leaves[b] {
			eq := subtle.ConstantTimeByteEq(uint8(x), d.delta[b])
			subtle.ConstantTimeCopy(eq, d.leaves[b][x][:], zero[:])
		}
	}
	return d, nil
}

// Valid reports whether s was built by a constructor.
func (s *ChooserSeeds) Valid() bool { return s != nil && s.valid }

// Valid reports whether s was built by a constructor.
func (s *DeltaSeeds) Valid() bool { return s != nil && s.valid }

// Leaves returns R's leaves. Secret: callers must not copy them out of the engine's state.
func (s *ChooserSeeds) Leaves() *Leaves { return &s.leaves }

// Leaves returns S's leaves (zero at each punctured index). Secret.
func (s *DeltaSeeds) Leaves() *Leaves { return &s.leaves }

// Delta returns the Δ nibbles. Secret: never branch or index on them.
func (s *DeltaSeeds) Delta() *[Blocks]uint8 { return &s.delta }

// DeltaBytes packs Δ as 32 bytes: byte q is Δ_{2q} | Δ_{2q+1} << 4 (PROTOCOL.md §5, "Rows").
func (s *DeltaSeeds) DeltaBytes() [32]byte {
	var out [32]byte
	for q := range out {
		out[q] = s.delta[2*q] | s.delta[2*q+1]<<4
	}
	return out
}

// Wipe overwrites the seeds (best effort; see PROTOCOL.md §2.12 "Erasure").
func (s *ChooserSeeds) Wipe() {
	if s != nil {
		*s = ChooserSeeds{}
	}
}

// Wipe overwrites the seeds (best effort).
func (s *DeltaSeeds) Wipe() {
	if s != nil {
		*s = DeltaSeeds{}
	}
}

const redacted = "[REDACTED]"

func (s *ChooserSeeds) String() string             { return "ot.ChooserSeeds" + redacted }
func (s *ChooserSeeds) GoString() string           { return s.String() }
func (s *ChooserSeeds) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(s.String())) }
func (s *ChooserSeeds) LogValue() slog.Value       { return slog.StringValue(redacted) }
func (s *DeltaSeeds) String() string               { return "ot.DeltaSeeds" + redacted }
func (s *DeltaSeeds) GoString() string             { return s.String() }
func (s *DeltaSeeds) Format(f fmt.State, _ rune)   { _, _ = f.Write([]byte(s.String())) }
func (s *DeltaSeeds) LogValue() slog.Value         { return slog.StringValue(redacted) }
