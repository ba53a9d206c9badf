package engineerr

import (
	"errors"
	"fmt"
)

// NoCulprit is the [Error.Culprit] of an error that blames nobody.
const NoCulprit = -1

// ErrIgnore is wrapped by the error returned for input the protocol must ignore (PROTOCOL.md
// §10.1 class (a): a wrong version, type or session binding, a byte-identical duplicate). The
// state that returned it is unchanged and still usable; the public layer maps it to
// mpc.ErrIgnoreInput so that the driver discards the frame and keeps waiting.
var ErrIgnore = errors.New("ecdsa2p: input ignored")

// ErrIncomplete is reported by the public layer when keygen or refresh sent its confirmation
// but never received the peer's (PROTOCOL.md §7.4, §9.1): the keyshare is stored PENDING.
var ErrIncomplete = errors.New("ecdsa2p: incomplete: the peer's confirmation did not arrive")

// ErrStateConsumed is the cause of an Internal error from a state that was already used, or
// that an earlier error poisoned (CONVENTIONS.md #4).
var ErrStateConsumed = errors.New("state already consumed")

// Error is the engine's typed error (PROTOCOL.md §10.5). Its message has the form
// "ecdsa2p: keygen round 2: schnorr proof invalid", followed by the public detail of the cause
// if there is one. errors.Is matches the [Code] itself (errors.Is(err, SchnorrProofInvalid))
// and the wrapped cause.
type Error struct {
	Op      string // the operation: "keygen", "sign", "refresh", "export", "keyshare"
	Round   int    // the round whose peer payload was processed (1-based), or 0
	Code    Code   // the §10.4 reason
	Culprit int    // the index of the party to blame, or NoCulprit
	Locked  bool   // the keyshare was locked (and the lock persisted) before this was returned
	cause   error
}

// New returns an error of operation op in round r with the given reason, culprit and cause
// (which may be nil; its text must not contain secrets).
func New(op string, r int, code Code, culprit int, cause error) *Error {
	return &Error{Op: op, Round: r, Code: code, Culprit: culprit, cause: cause}
}

// Peer returns an error that blames party culprit.
func Peer(op string, r int, code Code, culprit int, cause error) *Error {
	return New(op, r, code, culprit, cause)
}

// Local returns an error that blames nobody.
func Local(op string, r int, code Code, cause error) *Error {
	return New(op, r, code, NoCulprit, cause)
}

// Consumed returns the Internal error of a state used twice or after an error.
func Consumed(op string, r int) *Error {
	return New(op, r, Internal, NoCulprit, ErrStateConsumed)
}

// Error implements error.
func (e *Error) Error() string {
	s := "ecdsa2p: " + e.Op
	if e.Round > 0 {
		s += fmt.Sprintf(" round %d", e.Round)
	}
	s += ": " + e.Code.Text()
	if e.cause != nil {
		s += ": " + e.cause.Error()
	}
	if e.Culprit != NoCulprit {
		s += fmt.Sprintf(" (culprit: party %d)", e.Culprit)
	}
	if e.Locked {
		s += " (keyshare locked)"
	}
	return s
}

// Unwrap returns the cause, or nil.
func (e *Error) Unwrap() error { return e.cause }

// Is reports whether target is e's Code, so errors.Is(err, engineerr.SchnorrProofInvalid)
// works on any wrapped Error.
func (e *Error) Is(target error) bool {
	c, ok := target.(Code)
	return ok && c == e.Code
}

// AbortClass implements the driver's AbortClassifier: class 1 if the error names a culprit,
// else 2 for disagreeing inputs (SetupMismatch, MessageMismatch, PresignatureConsumed), 3 for
// local refusals (KeyshareLocked, ExportRejected), 0 otherwise. detail is the §10.4 code.
func (e *Error) AbortClass() (class, detail uint8) {
	if e.Culprit != NoCulprit {
		return ClassPeer, uint8(e.Code)
	}
	return e.Code.class(), uint8(e.Code)
}

// PeerFault implements the driver's PeerFaulter: the peer provably misbehaved.
func (e *Error) PeerFault() bool { return e.Culprit != NoCulprit }

// Error makes a Code usable as an errors.Is target.
func (c Code) Error() string { return "ecdsa2p: " + c.Text() }

// IgnoredError is the error for class (a) input: it wraps [ErrIgnore] and says why.
type IgnoredError struct {
	Op     string
	Round  int
	Reason string // public: "wrong session binding", "unexpected type 0x13", …
}

// Ignored returns an error wrapping ErrIgnore.
func Ignored(op string, r int, reason string) *IgnoredError {
	return &IgnoredError{Op: op, Round: r, Reason: reason}
}

// Error implements error.
func (e *IgnoredError) Error() string {
	return fmt.Sprintf("ecdsa2p: %s round %d: input ignored: %s", e.Op, e.Round, e.Reason)
}

// Unwrap returns ErrIgnore.
func (e *IgnoredError) Unwrap() error { return ErrIgnore }
