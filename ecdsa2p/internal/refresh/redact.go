package refresh

import (
	"fmt"
	"log/slog"
)

const redacted = "[REDACTED]"

// The round states hold ζ_i, x′_i and OT secrets: they never print.

func (r Round1) String() string             { return "refresh.Round1" + redacted }
func (r Round1) GoString() string           { return r.String() }
func (r Round1) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(r.String())) }
func (r Round1) LogValue() slog.Value       { return slog.StringValue(r.String()) }

func (r Round2) String() string             { return "refresh.Round2" + redacted }
func (r Round2) GoString() string           { return r.String() }
func (r Round2) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(r.String())) }
func (r Round2) LogValue() slog.Value       { return slog.StringValue(r.String()) }

func (r Round3) String() string             { return "refresh.Round3" + redacted }
func (r Round3) GoString() string           { return r.String() }
func (r Round3) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(r.String())) }
func (r Round3) LogValue() slog.Value       { return slog.StringValue(r.String()) }

func (r Round4) String() string             { return "refresh.Round4" + redacted }
func (r Round4) GoString() string           { return r.String() }
func (r Round4) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(r.String())) }
func (r Round4) LogValue() slog.Value       { return slog.StringValue(r.String()) }

func (s session) String() string             { return "refresh.session" + redacted }
func (s session) GoString() string           { return s.String() }
func (s session) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(s.String())) }
func (s session) LogValue() slog.Value       { return slog.StringValue(s.String()) }
