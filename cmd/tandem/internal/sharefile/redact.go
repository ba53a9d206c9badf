package sharefile

import (
	"fmt"
	"io"
	"log/slog"
)

// File holds the passphrase and in-memory pre-signatures: like Passphrase it never prints
// them. fmt would print unexported fields of a struct without calling their methods, so
// File and its Store implement every printing interface themselves.

// String returns "sharefile.File(<path>)".
func (f *File) String() string { return "sharefile.File(" + f.path + ")" }

// GoString is String.
func (f *File) GoString() string { return f.String() }

// Format writes String for every verb.
func (f *File) Format(s fmt.State, _ rune) { _, _ = io.WriteString(s, f.String()) }

// LogValue logs the path only.
func (f *File) LogValue() slog.Value { return slog.StringValue(f.String()) }

// GoString is String.
func (s store) GoString() string { return s.String() }

// Format writes String for every verb.
func (s store) Format(st fmt.State, _ rune) { _, _ = io.WriteString(st, s.String()) }

// LogValue logs String.
func (s store) LogValue() slog.Value { return slog.StringValue(s.String()) }
