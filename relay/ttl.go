package relay

import "time"

const (
	ttlLinearMax = 255    // codes 1…255 are exact seconds
	ttlOffset    = 230    // codes ≥ 256 mean 10 × (code − 230) seconds
	ttlMaxSecs   = 653050 // 10 × (0xFFFF − 230)
)

// EncodeTTL maps a duration to the 16-bit TTL code of WIRE.md §2.4: d is rounded up to whole
// seconds; up to 255 s the code is exact; above, 10-second steps (rounded up); from 653 050 s
// the code saturates at 0xFFFF. Negative durations encode as 0.
func EncodeTTL(d time.Duration) uint16 {
	if d <= 0 {
		return 0
	}
	s := int64((d + time.Second - 1) / time.Second)
	if d > MaxTTL { // also guards the rounding above against overflow near MaxInt64
		return 0xFFFF
	}
	switch {
	case s <= ttlLinearMax:
		return uint16(s)
	case s >= ttlMaxSecs:
		return 0xFFFF
	default:
		return uint16((s+9)/10 + ttlOffset)
	}
}

// DecodeTTL maps a TTL code to its duration (WIRE.md §2.4).
func DecodeTTL(code uint16) time.Duration {
	if code <= ttlLinearMax {
		return time.Duration(code) * time.Second
	}
	return time.Duration(10*(int64(code)-ttlOffset)) * time.Second
}
