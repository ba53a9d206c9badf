package sign

import (
	"fmt"
	"log/slog"
)

const redacted = "REDACTED"

// String implements fmt.Stringer without revealing φ_i, u_i or v_i.
func (p Presignature) String() string {
	st := "ready"
	if p.consumed {
		st = "consumed"
	}
	return fmt.Sprintf("sign.Presignature(party %d, sign_sid %x…, %s, secrets %s)", p.index, p.signSID[:4], st, redacted)
}

// GoString implements fmt.GoStringer.
func (p Presignature) GoString() string { return p.String() }

// Format implements fmt.Formatter: every verb prints String.
func (p Presignature) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(p.String())) }

// LogValue implements slog.LogValuer.
func (p Presignature) LogValue() slog.Value { return slog.StringValue(p.String()) }

func (r Round1) String() string { return "sign.Round1(" + redacted + ")" }
func (r Round2) String() string { return "sign.Round2(" + redacted + ")" }
func (r Round3) String() string { return "sign.Round3(" + redacted + ")" }
func (r Round4) String() string { return "sign.Round4(" + redacted + ")" }

// GoString implements fmt.GoStringer.
func (r Round1) GoString() string { return r.String() }

// GoString implements fmt.GoStringer.
func (r Round2) GoString() string { return r.String() }

// GoString implements fmt.GoStringer.
func (r Round3) GoString() string { return r.String() }

// GoString implements fmt.GoStringer.
func (r Round4) GoString() string { return r.String() }

// Format implements fmt.Formatter.
func (r Round1) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(r.String())) }

// Format implements fmt.Formatter.
func (r Round2) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(r.String())) }

// Format implements fmt.Formatter.
func (r Round3) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(r.String())) }

// Format implements fmt.Formatter.
func (r Round4) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(r.String())) }

// LogValue implements slog.LogValuer.
func (r Round1) LogValue() slog.Value { return slog.StringValue(r.String()) }

// LogValue implements slog.LogValuer.
func (r Round2) LogValue() slog.Value { return slog.StringValue(r.String()) }

// LogValue implements slog.LogValuer.
func (r Round3) LogValue() slog.Value { return slog.StringValue(r.String()) }

// LogValue implements slog.LogValuer.
func (r Round4) LogValue() slog.Value { return slog.StringValue(r.String()) }

// String implements fmt.Stringer.
func (s session) String() string { return "sign.session(" + redacted + ")" }

// GoString implements fmt.GoStringer.
func (s session) GoString() string { return s.String() }

// Format implements fmt.Formatter.
func (s session) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(s.String())) }

// LogValue implements slog.LogValuer.
func (s session) LogValue() slog.Value { return slog.StringValue(s.String()) }
