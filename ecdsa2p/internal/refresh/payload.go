package refresh

import (
	"errors"

	"github.com/tandem-mpc/tandem/ecdsa2p/internal/engineerr"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/ot"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/payload"
)

// Payload header and sizes (PROTOCOL.md §2.14, §9.1).
const (
	// Version is the protocol version byte that starts every payload.
	Version = payload.Version
	// Payload types of RF1–RF4.
	TypeRF1 = 0x31
	TypeRF2 = 0x32
	TypeRF3 = 0x33
	TypeRF4 = 0x34

	// HeaderSize is version ‖ type ‖ 32-byte session binding.
	HeaderSize = payload.HeaderSize

	pointSize = 33
	// SizeRF1 … SizeRF4 are the exact payload lengths, header included.
	SizeRF1 = HeaderSize + 32 + pointSize                     // σ_i, pt(Z_i): 99
	SizeRF2 = HeaderSize + ot.BaseOTMsg1Size                  // 16,930
	SizeRF3 = HeaderSize + ot.BaseOTMsg2Size + ot.PPRFMsgSize // 31,298
	SizeRF4 = HeaderSize + 32                                 // 66
	rounds  = 4
)

const op = "refresh"

var sizes = [rounds]int{SizeRF1, SizeRF2, SizeRF3, SizeRF4}

func header(typ byte, binding *[32]byte, n int) []byte { return payload.Header(typ, binding, n) }

// schedule is this operation's payload schedule (PROTOCOL.md §2.14, §10.1).
var schedule = payload.Schedule{Op: op, Name: "refresh", FirstType: TypeRF1, Sizes: sizes[:]}

// admit classifies the peer payload p offered to the state of round r before anything else is
// parsed (PROTOCOL.md §10.1; see payload.Schedule.Admit): nil, an ignored input (class (a)), or
// an error that ends the session (SetupMismatch, Equivocation, MalformedPayload; none locks).
func (s *session) admit(r int, p []byte) error {
	return schedule.Admit(r, p, &s.setup, &s.sid, s.peer[:], int(s.j))
}

// fromOT converts an error of package ot into the engine's error for round r. No OT failure
// locks (§10.2: refresh failures concern only the new, discarded correlations).
func fromOT(r int, err error) *engineerr.Error {
	var oe *ot.Error
	if !errors.As(err, &oe) {
		return engineerr.Local(op, r, engineerr.Internal, err)
	}
	return engineerr.New(op, r, engineerr.Code(oe.Code), oe.Culprit, err)
}
