package bench

import (
	"strings"
	"time"
)

// The generator speaks the relay framing of WIRE.md §2 itself, without the relay package, so
// that it stays a separate, independent client of the relay under test.
const (
	headerSize = 36     // id(32) ‖ ttl u16le ‖ flags u16le
	flagUnask  = 0x4000 // tandem's UNASK extension on a 36-byte frame
	featuresHd = "Tandem-Relay"
)

// MsgID is a 32-byte relay routing key.
type MsgID [32]byte

// encodeTTL is the TTL code of WIRE.md §2.4: whole seconds rounded up; exact to 255 s, then
// 10-second steps (code = ceil(s/10) + 230), saturating at 0xFFFF.
func encodeTTL(d time.Duration) uint16 {
	if d <= 0 {
		return 0
	}
	s := int64((d + time.Second - 1) / time.Second)
	switch {
	case s <= 255:
		return uint16(s)
	case s >= 653050:
		return 0xFFFF
	default:
		return uint16((s+9)/10 + 230)
	}
}

// decodeTTL is the inverse mapping of a TTL code to a duration.
func decodeTTL(code uint16) time.Duration {
	if code <= 255 {
		return time.Duration(code) * time.Second
	}
	return time.Duration(10*(int64(code)-230)) * time.Second
}

// relayFeatures is the part of the Tandem-Relay 101 header the generator uses.
type relayFeatures struct {
	Tandem bool // the header was present with v=…
	Unask  bool // the relay honours UNASK
}

// parseFeatures reads the RFC 8941 dictionary of the Tandem-Relay header leniently.
func parseFeatures(v string) relayFeatures {
	var f relayFeatures
	for _, m := range strings.Split(v, ",") {
		m, _, _ = strings.Cut(strings.TrimSpace(m), ";")
		key, val, hasVal := strings.Cut(m, "=")
		key, val = strings.TrimSpace(key), strings.TrimSpace(val)
		switch {
		case key == "v" && hasVal && val != "0":
			f.Tandem = true
		case key == "unask" && (!hasVal || val == "?1"):
			f.Unask = true
		}
	}
	if !f.Tandem {
		return relayFeatures{}
	}
	return f
}
