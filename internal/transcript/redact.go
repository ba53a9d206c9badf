package transcript

import (
	"fmt"
	"log/slog"
)

// A Hasher may hold secret message bytes (PRG seeds, PPRF leaves, blinds), so it never prints
// its state (CONVENTIONS.md #10).

const redacted = "REDACTED"

// String returns a redacted placeholder.
func (h *Hasher) String() string { return "transcript.Hasher(" + redacted + ")" }

// GoString returns a redacted placeholder.
func (h *Hasher) GoString() string { return h.String() }

// Format prints a redacted placeholder for every verb.
func (h *Hasher) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(h.String())) }

// LogValue implements slog.LogValuer with a redacted placeholder.
func (h *Hasher) LogValue() slog.Value { return slog.StringValue(redacted) }
