package rvole

import (
	"fmt"
	"log/slog"
)

// A Receiver holds R's secrets (β′, the pads), so it never prints (CONVENTIONS.md #10). A
// Message is public, but it is also redacted: printing 1,536 scalars is never useful.

const redacted = "REDACTED"

// String returns a redacted placeholder.
func (r Receiver) String() string { return "rvole.Receiver(" + redacted + ")" }

// GoString returns a redacted placeholder.
func (r Receiver) GoString() string { return r.String() }

// Format prints a redacted placeholder for every verb.
func (r Receiver) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(r.String())) }

// LogValue implements slog.LogValuer with a redacted placeholder.
func (r Receiver) LogValue() slog.Value { return slog.StringValue(redacted) }

// MarshalJSON encodes a redacted placeholder.
func (r Receiver) MarshalJSON() ([]byte, error) { return []byte(`"` + redacted + `"`), nil }

// String returns a short placeholder.
func (m Message) String() string { return "rvole.Message(" + redacted + ")" }

// GoString returns a short placeholder.
func (m Message) GoString() string { return m.String() }

// Format prints a short placeholder for every verb.
func (m Message) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(m.String())) }

// LogValue implements slog.LogValuer with a short placeholder.
func (m Message) LogValue() slog.Value { return slog.StringValue(redacted) }

// MarshalJSON encodes a short placeholder.
func (m Message) MarshalJSON() ([]byte, error) { return []byte(`"` + redacted + `"`), nil }
