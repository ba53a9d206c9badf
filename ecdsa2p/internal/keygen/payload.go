package keygen

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/tandem-mpc/tandem/ecdsa2p/internal/engineerr"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/ot"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/schnorr"
)

// Payload header and sizes (PROTOCOL.md §2.14, §1.7, §7).
const (
	// Version is the protocol version byte that starts every payload.
	Version = 0x01
	// Payload types of K1–K4.
	TypeK1 = 0x11
	TypeK2 = 0x12
	TypeK3 = 0x13
	TypeK4 = 0x14

	// HeaderSize is version ‖ type ‖ 32-byte session binding.
	HeaderSize = 2 + 32

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

// header returns version ‖ type ‖ binding with room for n more bytes.
func header(typ byte, binding *[32]byte, n int) []byte {
	b := make([]byte, 0, HeaderSize+n)
	b = append(b, Version, typ)
	return append(b, binding[:]...)
}

// admit classifies the peer payload p offered to the state of round r (PROTOCOL.md §10.1),
// before anything else is parsed. It returns nil when p is round r's payload with the right
// binding and length; an [*engineerr.IgnoredError] for class (a) input (the state stays
// usable); or an [*engineerr.Error] that ends the session: SetupMismatch (round 1, no culprit),
// Equivocation (a different payload for a round already accepted) or MalformedPayload (wrong
// length).
func (s *session) admit(r int, p []byte) error {
	if len(p) < HeaderSize || p[0] != Version {
		return engineerr.Ignored(op, r, "short payload or unknown version")
	}
	t := p[1]
	if t < TypeK1 || t > TypeK4 {
		return engineerr.Ignored(op, r, fmt.Sprintf("type 0x%02x is not a keygen payload", t))
	}
	pr := int(t-TypeK1) + 1
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
	if len(p) != sizes[r-1] {
		return engineerr.Peer(op, r, engineerr.MalformedPayload, int(s.j), fmt.Errorf("%d bytes, want %d", len(p), sizes[r-1]))
	}
	return nil
}

// fromOT converts an error of package ot into the engine's error for round r.
func fromOT(r int, err error) *engineerr.Error {
	var oe *ot.Error
	if !errors.As(err, &oe) {
		return engineerr.Local(op, r, engineerr.Internal, err)
	}
	return engineerr.New(op, r, engineerr.Code(oe.Code), oe.Culprit, err)
}
