package ecdsa2p

import (
	"fmt"
	"log/slog"
)

// The protocol values hold the engine's round states, which hold secrets. fmt and slog
// would print their fields by reflection, so each redacts itself under every verb.

// String returns the operation name only.
func (k *Keygen) String() string { return "ecdsa2p.Keygen{REDACTED}" }

// GoString is String.
func (k *Keygen) GoString() string { return k.String() }

// Format writes String for every verb.
func (k *Keygen) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(k.String())) }

// LogValue logs String.
func (k *Keygen) LogValue() slog.Value { return slog.StringValue(k.String()) }

// String returns the operation name only.
func (p *Presign) String() string { return "ecdsa2p.Presign{REDACTED}" }

// GoString is String.
func (p *Presign) GoString() string { return p.String() }

// Format writes String for every verb.
func (p *Presign) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(p.String())) }

// LogValue logs String.
func (p *Presign) LogValue() slog.Value { return slog.StringValue(p.String()) }

// String returns the operation name only.
func (f *Finish) String() string { return "ecdsa2p.Finish{REDACTED}" }

// GoString is String.
func (f *Finish) GoString() string { return f.String() }

// Format writes String for every verb.
func (f *Finish) Format(s fmt.State, _ rune) { _, _ = s.Write([]byte(f.String())) }

// LogValue logs String.
func (f *Finish) LogValue() slog.Value { return slog.StringValue(f.String()) }

// String returns the operation name only.
func (rf *Refresh) String() string { return "ecdsa2p.Refresh{REDACTED}" }

// GoString is String.
func (rf *Refresh) GoString() string { return rf.String() }

// Format writes String for every verb.
func (rf *Refresh) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(rf.String())) }

// LogValue logs String.
func (rf *Refresh) LogValue() slog.Value { return slog.StringValue(rf.String()) }
