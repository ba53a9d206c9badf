package gf128

import (
	"fmt"
	"log/slog"
)

// Elements and accumulators hold rows of the OT-extension matrices, which are secret
// (PROTOCOL.md §2.12), so they never print their value (CONVENTIONS.md #10). Use
// [Element.Bytes] to inspect a public element.

const redacted = "REDACTED"

// String returns a redacted placeholder.
func (e Element) String() string { return "gf128.Element(" + redacted + ")" }

// GoString returns a redacted placeholder.
func (e Element) GoString() string { return e.String() }

// Format prints a redacted placeholder for every verb.
func (e Element) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(e.String())) }

// LogValue implements slog.LogValuer with a redacted placeholder.
func (e Element) LogValue() slog.Value { return slog.StringValue(redacted) }

// String returns a redacted placeholder.
func (acc Accumulator) String() string { return "gf128.Accumulator(" + redacted + ")" }

// GoString returns a redacted placeholder.
func (acc Accumulator) GoString() string { return acc.String() }

// Format prints a redacted placeholder for every verb.
func (acc Accumulator) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(acc.String())) }

// LogValue implements slog.LogValuer with a redacted placeholder.
func (acc Accumulator) LogValue() slog.Value { return slog.StringValue(redacted) }

// MarshalJSON encodes a redacted placeholder string, so that JSON loggers that bypass
// LogValue (slog's JSON handler does for slices) cannot print the value.
func (e Element) MarshalJSON() ([]byte, error) { return []byte(`"` + redacted + `"`), nil }

// MarshalJSON encodes a redacted placeholder string.
func (acc Accumulator) MarshalJSON() ([]byte, error) { return []byte(`"` + redacted + `"`), nil }
