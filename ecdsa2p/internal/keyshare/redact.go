package keyshare

import (
	"encoding/hex"
	"fmt"
	"log/slog"
)

// String returns a summary with the public ids only: index, key_id and share_id prefixes and
// the status. It never contains x_i, the chain code or seeds.
func (k Keyshare) String() string {
	return fmt.Sprintf("keyshare.Keyshare{index: %d, key_id: %s…, share_id: %s…, status: %s, secrets: [REDACTED]}",
		k.index, hex.EncodeToString(k.keyID[:4]), hex.EncodeToString(k.shareID[:4]), k.status())
}

func (k *Keyshare) status() string {
	s := "active"
	if k.flags&FlagPending != 0 {
		s = "pending"
	}
	if k.flags&FlagLocked != 0 {
		s += ",locked"
	}
	if k.flags&FlagExported != 0 {
		s += ",exported"
	}
	return s
}

// GoString implements fmt.GoStringer with the redacted summary.
func (k Keyshare) GoString() string { return k.String() }

// Format implements fmt.Formatter: every verb prints the redacted summary.
func (k Keyshare) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(k.String())) }

// LogValue implements slog.LogValuer with public fields only.
func (k Keyshare) LogValue() slog.Value {
	return slog.GroupValue(
		slog.Int("index", int(k.index)),
		slog.String("key_id", hex.EncodeToString(k.keyID[:])),
		slog.String("share_id", hex.EncodeToString(k.shareID[:])),
		slog.String("status", k.status()),
	)
}
