package ote

import (
	"fmt"
	"log/slog"
)

// The receiver's and sender's outputs and the sender's state hold secrets (β′, the pads, Δ and
// the leaves), so they never print (CONVENTIONS.md #10). A Session is public but small; it
// prints normally.

const redacted = "REDACTED"

// String returns a redacted placeholder.
func (o ReceiverOutput) String() string { return "ote.ReceiverOutput(" + redacted + ")" }

// GoString returns a redacted placeholder.
func (o ReceiverOutput) GoString() string { return o.String() }

// Format prints a redacted placeholder for every verb.
func (o ReceiverOutput) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(o.String())) }

// LogValue implements slog.LogValuer with a redacted placeholder.
func (o ReceiverOutput) LogValue() slog.Value { return slog.StringValue(redacted) }

// String returns a redacted placeholder.
func (o SenderOutput) String() string { return "ote.SenderOutput(" + redacted + ")" }

// GoString returns a redacted placeholder.
func (o SenderOutput) GoString() string { return o.String() }

// Format prints a redacted placeholder for every verb.
func (o SenderOutput) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(o.String())) }

// LogValue implements slog.LogValuer with a redacted placeholder.
func (o SenderOutput) LogValue() slog.Value { return slog.StringValue(redacted) }

// String returns a redacted placeholder.
func (s Sender) String() string { return "ote.Sender(" + redacted + ")" }

// GoString returns a redacted placeholder.
func (s Sender) GoString() string { return s.String() }

// Format prints a redacted placeholder for every verb.
func (s Sender) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(s.String())) }

// LogValue implements slog.LogValuer with a redacted placeholder.
func (s Sender) LogValue() slog.Value { return slog.StringValue(redacted) }

// MarshalJSON encodes a redacted placeholder.
func (o ReceiverOutput) MarshalJSON() ([]byte, error) { return []byte(`"` + redacted + `"`), nil }

// MarshalJSON encodes a redacted placeholder.
func (o SenderOutput) MarshalJSON() ([]byte, error) { return []byte(`"` + redacted + `"`), nil }

// MarshalJSON encodes a redacted placeholder.
func (s Sender) MarshalJSON() ([]byte, error) { return []byte(`"` + redacted + `"`), nil }
