package ote

import (
	"fmt"
	"sync/atomic"

	"github.com/tandem-mpc/tandem/internal/transcript"
)

// Sizes of one extension (PROTOCOL.md §1.5, §5).
const (
	// OTs is ξ, the number of correlated OTs one extension produces.
	OTs = 512
	// Width is the number of scalars per OT: two RVOLE inputs and one check column.
	Width = 3
	// RowBytes is ℓ′/8: one row of the extension matrices, 4 OT chunks and 1 mask chunk.
	RowBytes = 80
	// Rows is κ_base, the number of matrix rows (4 per PPRF block).
	Rows = 256
	// MsgSize is the length of the receiver's message OTE = U ‖ x̃ ‖ t̃_0 … t̃_255.
	MsgSize = uSize + 16 + Rows*16
	// ChoiceBytes is the length of β′: 512 choice bits followed by 128 mask bits.
	ChoiceBytes = RowBytes

	blocks = 64
	leaves = 16
	uSize  = blocks * RowBytes // 5,120 bytes
)

// A Session names one extension: the correlation (R, S) of the long-lived seeds and the
// session id sid_ote = H("tandem/v1/sign/ote-sid", sign_sid, u8(R), u8(S)) (PROTOCOL.md §5).
//
// Freshness. sign_sid hashes σ_0 and σ_1, fresh random strings from both parties (§8.2), so
// sid_ote is fresh for every signing session and both parties contributed to it; every PRG
// stream of the extension is keyed by it, so no (leaf, sid_ote) pair is ever expanded twice.
// A Session (with all its copies) serves one extension: [NewReceiver] and [NewSender] each
// accept it once and fail with [ErrReused] afterwards, and each state and output they return
// is consumed by its one round method. The engine builds one Session per signing session and
// direction, so pads are never produced twice under one sid_ote.
//
// A Session is public.
type Session struct {
	sid  [32]byte
	r, s uint8
	run  Runner
	use  *sessionUse // shared by every copy of the Session
}

// sessionUse records which roles have run under a Session.
type sessionUse struct {
	receiver, sender atomic.Bool
}

// SessionID returns sid_ote = H("tandem/v1/sign/ote-sid", sign_sid, u8(r), u8(s)).
func SessionID(signSID [32]byte, r, s uint8) [32]byte {
	rb, sb := transcript.U8(r), transcript.U8(s)
	return transcript.H(transcript.LabelSignOTESID, signSID[:], rb[:], sb[:])
}

// NewSession returns the session of correlation (R = r, S = s) inside the signing session
// sign_sid. r and s are party indices: 0 and 1 in either order.
func NewSession(signSID [32]byte, r, s uint8) (Session, error) {
	if r > 1 || s > 1 || r == s {
		return Session{}, fmt.Errorf("ote: invalid correlation (R=%d, S=%d)", r, s)
	}
	return Session{sid: SessionID(signSID, r, s), r: r, s: s, use: new(sessionUse)}, nil
}

// ID returns sid_ote.
func (s Session) ID() [32]byte { return s.sid }

// Chooser returns R, the party index of the OT-extension and RVOLE receiver.
func (s Session) Chooser() uint8 { return s.r }

// DeltaHolder returns S, the party index of the OT-extension and RVOLE sender.
func (s Session) DeltaHolder() uint8 { return s.s }

func (s Session) valid() bool { return s.use != nil && s.r <= 1 && s.s <= 1 && s.r != s.s }
