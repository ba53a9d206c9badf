package keygen

import (
	"errors"

	"github.com/tandem-mpc/tandem/ecdsa2p/internal/engineerr"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/ot"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/payload"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/schnorr"
)

// Payload header and sizes (PROTOCOL.md §2.14, §1.7, §7).
const (
	// Version is the protocol version byte that starts every payload.
	Version = payload.Version
	// Payload types of K1–K4.
	TypeK1 = 0x11
	TypeK2 = 0x12
	TypeK3 = 0x13
	TypeK4 = 0x14

	// HeaderSize is version ‖ type ‖ 32-byte session binding.
	HeaderSize = payload.HeaderSize

	pointSize = 33
	// SizeK1 … SizeK4 are the exact payload lengths, header included.
	SizeK1 = HeaderSize + 32 + 32                                                     // σ_i, C_i: 98
	SizeK2 = HeaderSize + pointSize + 32 + 32 + schnorr.ProofSize + ot.BaseOTMsg1Size // 17,092
	SizeK3 = HeaderSize + ot.BaseOTMsg2Size + ot.PPRFMsgSize                          // 31,298
	SizeK4 = HeaderSize + 32                                                          // 66
	rounds = 4
)

// Offsets inside K2 (after the header).
const (
	k2X     = HeaderSize
	k2CC    = k2X + pointSize
	k2Omega = k2CC + 32
	k2Proof = k2Omega + 32
	k2Msg1  = k2Proof + schnorr.ProofSize
)

const op = "keygen"

var sizes = [rounds]int{SizeK1, SizeK2, SizeK3, SizeK4}

func header(typ byte, binding *[32]byte, n int) []byte { return payload.Header(typ, binding, n) }

// schedule is this operation's payload schedule (PROTOCOL.md §2.14, §10.1).
var schedule = payload.Schedule{Op: op, Name: "keygen", FirstType: TypeK1, Sizes: sizes[:]}

// admit classifies the peer payload p offered to the state of round r before anything else is
// parsed (PROTOCOL.md §10.1; see payload.Schedule.Admit): nil, an ignored input (class (a)), or
// an error that ends the session (SetupMismatch, Equivocation, MalformedPayload; none locks).
func (s *session) admit(r int, p []byte) error {
	return schedule.Admit(r, p, &s.setup, &s.sid, s.peer[:], int(s.j))
}

// fromOT converts an error of package ot into the engine's error for round r.
func fromOT(r int, err error) *engineerr.Error {
	var oe *ot.Error
	if !errors.As(err, &oe) {
		return engineerr.Local(op, r, engineerr.Internal, err)
	}
	return engineerr.New(op, r, engineerr.Code(oe.Code), oe.Culprit, err)
}
