package ecdsa2p

import (
	"errors"
	"fmt"

	"github.com/tandem-mpc/tandem/ecdsa2p/internal/engineerr"
	"github.com/tandem-mpc/tandem/mpc"
)

// Code is an abort reason of PROTOCOL.md §10.4. It travels to the peer as the detail byte of
// the driver's ABORT envelope (mpc.PeerAbortedError.Detail on the other side). A Code is an
// error, so errors.Is(err, ecdsa2p.OTExtensionCheckFailed) works on any *Error.
type Code = engineerr.Code

// The reason codes of PROTOCOL.md §10.4.
const (
	SetupMismatch           = engineerr.SetupMismatch
	MalformedPayload        = engineerr.MalformedPayload
	Equivocation            = engineerr.Equivocation
	CommitmentMismatch      = engineerr.CommitmentMismatch
	SchnorrProofInvalid     = engineerr.SchnorrProofInvalid
	PublicKeyInvalid        = engineerr.PublicKeyInvalid
	BaseOTInvalid           = engineerr.BaseOTInvalid
	PPRFProofInvalid        = engineerr.PPRFProofInvalid
	ConfirmationMismatch    = engineerr.ConfirmationMismatch
	NonceCommitmentMismatch = engineerr.NonceCommitmentMismatch
	OTExtensionCheckFailed  = engineerr.OTExtensionCheckFailed
	RVOLECheckFailed        = engineerr.RVOLECheckFailed
	NonceConsistencyFailed  = engineerr.NonceConsistencyFailed
	KeyConsistencyFailed    = engineerr.KeyConsistencyFailed
	DegenerateNonce         = engineerr.DegenerateNonce
	MessageMismatch         = engineerr.MessageMismatch
	DegenerateSignature     = engineerr.DegenerateSignature
	SignatureVerifyFailed   = engineerr.SignatureVerifyFailed
	KeyshareLocked          = engineerr.KeyshareLocked
	PresignatureConsumed    = engineerr.PresignatureConsumed
	Restored                = engineerr.Restored
	ExportRejected          = engineerr.ExportRejected
	ExportInvalid           = engineerr.ExportInvalid
	Cancelled               = engineerr.Cancelled
	Internal                = engineerr.Internal
)

// NoCulprit is the Error.Culprit of an error that blames nobody.
const NoCulprit = engineerr.NoCulprit

// Sentinels for errors.Is.
var (
	// ErrKeyshareLocked: the keyshare is LOCKED (PROTOCOL.md §10.3); presign and finish are
	// refused until a refresh.
	ErrKeyshareLocked error = KeyshareLocked
	// ErrPresignatureConsumed: the pre-signature was already used, or is unknown (§8.8).
	ErrPresignatureConsumed error = PresignatureConsumed
	// ErrIncomplete: keygen or refresh sent its confirmation but never received the peer's
	// (§7.4, §9.1). The keyshare was stored PENDING; the session outcome is not an abort.
	ErrIncomplete = engineerr.ErrIncomplete
	// ErrNotFound is returned by a Store's Load for a key it does not hold.
	ErrNotFound = errors.New("ecdsa2p: not found")
	// ErrKeyExists: keygen was given a Store key that already holds something. Keygen never
	// overwrites (a failed keygen deletes its own record, which would destroy an existing share).
	ErrKeyExists = errors.New("ecdsa2p: store key already in use")
)

// Error is the engine's typed error (PROTOCOL.md §10.5). A failed check of an authenticated
// message names the culprit (the peer's party index) and the §10.4 reason; the driver copies
// the reason into the ABORT envelope's detail byte. Locked reports that the keyshare was
// locked and the lock persisted (Store.Save returned) before the error was returned.
//
// Error holds only public data: it may be logged.
type Error struct {
	Op      string // "keygen", "presign", "finish", "refresh"
	Round   int    // the round whose peer payload was processed (1-based), or 0
	Code    Code   // the §10.4 reason
	Culprit int    // the party index to blame, or NoCulprit
	Locked  bool   // the keyshare is now LOCKED, and the lock was persisted
	Err     error  // the cause (no secrets), or nil
}

// Error returns "ecdsa2p: <op> round <r>: <reason>[: cause]".
func (e *Error) Error() string {
	s := fmt.Sprintf("ecdsa2p: %s round %d: %s", e.Op, e.Round, e.Code.Text())
	if e.Round == 0 {
		s = fmt.Sprintf("ecdsa2p: %s: %s", e.Op, e.Code.Text())
	}
	if e.Culprit != NoCulprit {
		s += fmt.Sprintf(" (culprit: party %d)", e.Culprit)
	}
	if e.Locked {
		s += " (keyshare locked)"
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Is matches e's Code, so errors.Is(err, ErrKeyshareLocked) and
// errors.Is(err, ecdsa2p.RVOLECheckFailed) work.
func (e *Error) Is(target error) bool {
	c, ok := target.(Code)
	return ok && c == e.Code
}

// PeerFault implements mpc.PeerFaulter: the peer provably misbehaved.
func (e *Error) PeerFault() bool { return e.Culprit != NoCulprit }

// AbortClass implements mpc.AbortClassifier: 1 if the error names a culprit, 2 for
// disagreeing inputs (SetupMismatch, MessageMismatch, PresignatureConsumed), 3 for local
// refusals (KeyshareLocked, ExportRejected), else 0. detail is the §10.4 code.
func (e *Error) AbortClass() (class, detail uint8) {
	switch {
	case e.Culprit != NoCulprit:
		class = mpc.ClassPeer
	case e.Code == SetupMismatch || e.Code == MessageMismatch || e.Code == PresignatureConsumed:
		class = mpc.ClassMismatch
	case e.Code == KeyshareLocked || e.Code == ExportRejected:
		class = mpc.ClassDeclined
	default:
		class = mpc.ClassLocal
	}
	return class, uint8(e.Code)
}

// newError builds an *Error.
func newError(op string, r int, code Code, cause error) *Error {
	return &Error{Op: op, Round: r, Code: code, Culprit: NoCulprit, Err: cause}
}

// ignoredError wraps mpc.ErrIgnoreInput and the engine's reason for a class (a) input.
type ignoredError struct{ cause error }

func (e *ignoredError) Error() string     { return "ecdsa2p: " + e.cause.Error() + " (input ignored)" }
func (e *ignoredError) Unwrap() []error   { return []error{mpc.ErrIgnoreInput, e.cause} }
func (e *ignoredError) IgnoredInput() int { return 0 }

// convert maps an engine error to the public layer's errors: engineerr.ErrIgnore becomes an
// error wrapping mpc.ErrIgnoreInput (index 0), an *engineerr.Error becomes an *Error (with op
// and round of this layer), and anything else is returned unchanged.
func convert(op string, r int, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, engineerr.ErrIgnore) {
		return &ignoredError{cause: err}
	}
	var ee *engineerr.Error
	if errors.As(err, &ee) {
		return &Error{Op: op, Round: r, Code: ee.Code, Culprit: ee.Culprit, Locked: ee.Locked, Err: ee.Unwrap()}
	}
	return err
}
