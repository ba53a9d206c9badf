package sign

import (
	"bytes"
	"fmt"

	"github.com/tandem-mpc/tandem/ecdsa2p/internal/engineerr"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/ote"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/rvole"
)

// Payload header and sizes (PROTOCOL.md §2.14, §1.7, §8).
const (
	// Version is the protocol version byte that starts every payload.
	Version = 0x01
	// Payload types of S1–S4.
	TypeS1 = 0x21
	TypeS2 = 0x22
	TypeS3 = 0x23
	TypeS4 = 0x24

	// HeaderSize is version ‖ type ‖ 32-byte session binding.
	HeaderSize = 2 + 32

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

// header returns version ‖ type ‖ binding with room for n more bytes.
func header(typ byte, binding *[32]byte, n int) []byte {
	b := make([]byte, 0, HeaderSize+n)
	b = append(b, Version, typ)
	return append(b, binding[:]...)
}

// admit classifies the peer payload p offered to the presign state of round r (PROTOCOL.md
// §10.1) before anything else is parsed. It returns nil when p is round r's payload with the
// right binding and length; an [*engineerr.IgnoredError] for class (a) input (the state stays
// usable); or an [*engineerr.Error] that ends the session: SetupMismatch (round 1, no
// culprit), Equivocation (a different payload for a round already accepted, no lock) or
// MalformedPayload (wrong length, no lock).
func (s *session) admit(r int, p []byte) error {
	if len(p) < HeaderSize || p[0] != Version {
		return engineerr.Ignored(op, r, "short payload or unknown version")
	}
	t := p[1]
	if t < TypeS1 || t > TypeS3 {
		return engineerr.Ignored(op, r, fmt.Sprintf("type 0x%02x is not a presign payload", t))
	}
	pr := int(t-TypeS1) + 1
	if pr > r {
		return engineerr.Ignored(op, r, fmt.Sprintf("payload of round %d is ahead", pr))
	}
	want := &s.sid
	if pr == 1 {
		want = &s.setup
	}
	if !bytes.Equal(p[2:HeaderSize], want[:]) {
		if pr == 1 && r == 1 {
			return engineerr.Local(op, r, engineerr.SetupMismatch, fmt.Errorf("the peer's setup digest differs"))
		}
		return engineerr.Ignored(op, r, "wrong session binding")
	}
	if pr < r {
		if bytes.Equal(p, s.peer[pr-1]) {
			return engineerr.Ignored(op, r, fmt.Sprintf("duplicate of the round-%d payload", pr))
		}
		return engineerr.Peer(op, r, engineerr.Equivocation, int(s.j), fmt.Errorf("a different round-%d payload", pr))
	}
	if len(p) != presignSizes[r-1] {
		return engineerr.Peer(op, r, engineerr.MalformedPayload, int(s.j), fmt.Errorf("%d bytes, want %d", len(p), presignSizes[r-1]))
	}
	return nil
}
