package sign

import (
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/ote"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/payload"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/rvole"
)

// Payload header and sizes (PROTOCOL.md §2.14, §1.7, §8).
const (
	// Version is the protocol version byte that starts every payload.
	Version = payload.Version
	// Payload types of S1–S4.
	TypeS1 = 0x21
	TypeS2 = 0x22
	TypeS3 = 0x23
	TypeS4 = 0x24

	// HeaderSize is version ‖ type ‖ 32-byte session binding.
	HeaderSize = payload.HeaderSize

	pointSize  = 33
	scalarSize = 32

	// SizeS1 … SizeS4 are the exact payload lengths, header included.
	SizeS1 = HeaderSize + 32 + 32                                                   // σ_i, C_i: 98
	SizeS2 = HeaderSize + ote.MsgSize                                               // 9,266
	SizeS3 = HeaderSize + rvole.MsgSize + pointSize + 32 + 2*pointSize + scalarSize // 49,413
	SizeS4 = HeaderSize + 32 + 2*scalarSize                                         // 130

	presignRounds = 3
)

// Offsets inside S3 (after the header).
const (
	s3RV    = HeaderSize
	s3R     = s3RV + rvole.MsgSize
	s3Omega = s3R + pointSize
	s3GU    = s3Omega + 32
	s3GV    = s3GU + pointSize
	s3Psi   = s3GV + pointSize
)

// Offsets inside S4 (after the header).
const (
	s4E = HeaderSize
	s4W = s4E + 32
	s4U = s4W + scalarSize
)

const op = "sign"

var presignSizes = [presignRounds]int{SizeS1, SizeS2, SizeS3}

func header(typ byte, binding *[32]byte, n int) []byte { return payload.Header(typ, binding, n) }

// schedule is this operation's payload schedule (PROTOCOL.md §2.14, §10.1).
var schedule = payload.Schedule{Op: op, Name: "presign", FirstType: TypeS1, Sizes: presignSizes[:]}

// admit classifies the peer payload p offered to the state of round r before anything else is
// parsed (PROTOCOL.md §10.1; see payload.Schedule.Admit): nil, an ignored input (class (a)), or
// an error that ends the session (SetupMismatch, Equivocation, MalformedPayload; none locks).
func (s *session) admit(r int, p []byte) error {
	return schedule.Admit(r, p, &s.setup, &s.sid, s.peer[:], int(s.j))
}
