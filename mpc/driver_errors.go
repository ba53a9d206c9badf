package mpc

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/tandem-mpc/tandem/relay"
	"github.com/tandem-mpc/tandem/signer"
)

// Errors returned by Run before any network traffic.
var (
	ErrInvalidConfig = errors.New("mpc: invalid config")
	ErrInvalidPlan   = errors.New("mpc: invalid plan")
	// ErrTimeout is matched by every *TimeoutError (Appendix Y.4).
	ErrTimeout = errors.New("mpc: timeout")
)

// AbortError: this party aborted the session.
type AbortError struct {
	Round    int
	Culprit  Culprit
	Party    signer.VerifyingKey // the culprit's key when Culprit == CulpritPeer
	Evidence []byte              // the authenticated frame that triggered it, if any
	Code     AbortCode           // the code published in the ABORT envelope
	Detail   uint8               // the detail byte published (the engine's reason code)
	Err      error               // engine/local cause
}

func (e *AbortError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "mpc: round %d: aborted (%s", e.Round, e.Code)
	if e.Culprit == CulpritPeer {
		fmt.Fprintf(&b, ", culprit peer %s", e.Party)
	} else if e.Culprit == CulpritSelf {
		b.WriteString(", local fault")
	}
	b.WriteString(")")
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

func (e *AbortError) Unwrap() error { return e.Err }

// PeerAbortedError: the peer published a valid ABORT.
type PeerAbortedError struct {
	Round  int       // our round when it arrived
	Code   AbortCode // WIRE.md §10.9
	Detail uint8     // the peer engine's reason code (PROTOCOL.md 10.4), 0 = none
	// Claim is the peer's unproven claim, from our point of view (the peer accusing us →
	// CulpritSelf). It is never grounds for blame or a lock (WIRE.md §10.9).
	Claim  Culprit
	Reason string // sanitised: control characters removed
}

func (e *PeerAbortedError) Error() string {
	s := fmt.Sprintf("mpc: round %d: peer aborted: %s", e.Round, e.Code)
	if e.Reason != "" && e.Reason != e.Code.String() {
		s += fmt.Sprintf(" (%q)", e.Reason)
	}
	return s
}

// Pending names one expected message that never arrived.
type Pending struct {
	Round int
	Slot  Slot
	ID    relay.MsgID
}

// TimeoutError: the session deadline passed with messages outstanding.
type TimeoutError struct {
	Round            int
	Waiting          []Pending // what never arrived (authenticated)
	Rejected         int       // frames dropped as junk for those ids (hints at a junk-first attack)
	LastTransportErr error
}

func (e *TimeoutError) Error() string {
	s := fmt.Sprintf("mpc: round %d: timeout waiting for %d message(s)", e.Round, len(e.Waiting))
	if e.Rejected > 0 {
		s += fmt.Sprintf(", %d rejected frame(s) for them", e.Rejected)
	}
	if e.LastTransportErr != nil {
		s += ": last transport error: " + e.LastTransportErr.Error()
	}
	return s
}

// Unwrap returns context.DeadlineExceeded, and LastTransportErr if set.
func (e *TimeoutError) Unwrap() []error {
	if e.LastTransportErr != nil {
		return []error{context.DeadlineExceeded, e.LastTransportErr}
	}
	return []error{context.DeadlineExceeded}
}

// Is matches ErrTimeout.
func (e *TimeoutError) Is(target error) bool { return target == ErrTimeout }

// TransportError: the transport failed terminally (a refused handshake, a terminal close code,
// a closed client).
type TransportError struct{ Err error }

func (e *TransportError) Error() string { return "mpc: transport failed: " + e.Err.Error() }
func (e *TransportError) Unwrap() error { return e.Err }

func sortPending(p []Pending) {
	slices.SortFunc(p, func(a, b Pending) int {
		if a.Round != b.Round {
			return cmp.Compare(a.Round, b.Round)
		}
		return cmp.Compare(a.Slot.Seq, b.Slot.Seq)
	})
}
