package redisstore

import (
	"fmt"
	"log/slog"
)

// Password is a Redis password (AUTH/ACL). It never prints: every fmt verb, %#v and slog show
// "[REDACTED]". Reveal returns the text for the client.
type Password string

const redacted = "[REDACTED]"

// Reveal returns the password text.
func (p Password) Reveal() string { return string(p) }

// String implements fmt.Stringer without the secret.
func (p Password) String() string { return redacted }

// GoString implements fmt.GoStringer without the secret.
func (p Password) GoString() string { return redacted }

// Format implements fmt.Formatter: every verb prints "[REDACTED]".
func (p Password) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(redacted)) }

// LogValue implements slog.LogValuer without the secret.
func (p Password) LogValue() slog.Value { return slog.StringValue(redacted) }

// MarshalText implements encoding.TextMarshaler without the secret (encoding/json, slog's
// JSON handler).
func (p Password) MarshalText() ([]byte, error) { return []byte(redacted), nil }
