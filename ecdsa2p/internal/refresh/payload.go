package refresh

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/tandem-mpc/tandem/ecdsa2p/internal/engineerr"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/ot"
)

// Payload header and sizes (PROTOCOL.md §2.14, §9.1).
const (
	// Version is the protocol version byte that starts every payload.
	Version = 0x01
	// Payload types of RF1–RF4.
	TypeRF1 = 0x31
	TypeRF2 = 0x32
	TypeRF3 = 0x33
	TypeRF4 = 0x34

	// HeaderSize is version ‖ type ‖ 32-byte session binding.
	HeaderSize = 2 + 32

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

// header returns version ‖ type ‖ binding with room for n more bytes.
func header(typ byte, binding *[32]byte, n int) []byte {
	b := make([]byte, 0, HeaderSize+n)
	b = append(b, Version, typ)
	return append(b, binding[:]...)
}

// admit classifies the peer payload p offered to the state of round r (PROTOCOL.md §10.1),
// before anything else is parsed. It returns nil when p is round r's payload with the right
// binding and length; an [*engineerr.IgnoredError] for class (a) input (the state stays
// usable); or an [*engineerr.Error] that ends the session: SetupMismatch (round 1, no culprit:
// the parties are on different generations or keys), Equivocation (a different payload for a
// round already accepted) or MalformedPayload (wrong length). None locks.
func (s *session) admit(r int, p []byte) error {
	if len(p) < HeaderSize || p[0] != Version {
		return engineerr.Ignored(op, r, "short payload or unknown version")
	}
	t := p[1]
	if t < TypeRF1 || t > TypeRF4 {
		return engineerr.Ignored(op, r, fmt.Sprintf("type 0x%02x is not a refresh payload", t))
	}
	pr := int(t-TypeRF1) + 1
	if pr > r {
		return engineerr.Ignored(op, r, fmt.Sprintf("payload of round %d is ahead", pr))
	}
	want := &s.sid
	if pr == 1 {
		want = &s.setup
	}
	if !bytes.Equal(p[2:HeaderSize], want[:]) {
		if pr == 1 && r == 1 {
			return engineerr.Local(op, r, engineerr.SetupMismatch, errors.New("the peer's setup digest differs (another generation or key)"))
		}
		return engineerr.Ignored(op, r, "wrong session binding")
	}
	if pr < r {
		if bytes.Equal(p, s.peer[pr-1]) {
			return engineerr.Ignored(op, r, fmt.Sprintf("duplicate of the round-%d payload", pr))
		}
		return engineerr.Peer(op, r, engineerr.Equivocation, int(s.j), fmt.Errorf("a different round-%d payload", pr))
	}
	if len(p) != sizes[r-1] {
		return engineerr.Peer(op, r, engineerr.MalformedPayload, int(s.j), fmt.Errorf("%d bytes, want %d", len(p), sizes[r-1]))
	}
	return nil
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
