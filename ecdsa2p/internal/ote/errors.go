package ote

import (
	"errors"
	"fmt"
)

// Sentinel errors. Errors caused by the peer are *[Error] values that match one of
// [ErrMalformed] and [ErrCheckFailed] under errors.Is; the others are the caller's mistakes.
var (
	// ErrMalformed: the peer's message has the wrong length (PROTOCOL.md §10.1 rule 8,
	// MalformedPayload). It is detected before any secret is used; it does not lock.
	ErrMalformed = errors.New("ote: malformed message")
	// ErrCheckFailed: the OT-extension consistency check of §5.2 step 5 failed
	// (OTExtensionCheckFailed). The keyshare MUST be locked (§10.3, mandatory).
	ErrCheckFailed = errors.New("ote: OT-extension consistency check failed")
	// ErrReused: a single-use state or output was used a second time.
	ErrReused = errors.New("ote: state already used")
	// ErrInvalidInput: a session, seeds or randomness source that is not valid.
	ErrInvalidInput = errors.New("ote: invalid input")
)

// Abort reason codes of PROTOCOL.md §10.4 carried by [Error].
const (
	CodeMalformedPayload       = 0x02
	CodeOTExtensionCheckFailed = 0x21
)

// Error is a failure that the peer provably caused: a malformed message or a failed check.
// It names the culprit by party index, and says whether the keyshare must be locked. It never
// carries secret data, nor the index of a failing row (§10.4).
type Error struct {
	// Round names the protocol step ("processing S2": S handles the peer's S2 payload).
	Round string
	// Culprit is the party index of the peer at fault (R for every error of this package).
	Culprit uint8
	// Err is ErrMalformed or ErrCheckFailed.
	Err error
	// Detail is a public description (a length, say). It may be empty.
	Detail string
}

// Error implements error: "ote: processing S2: OT-extension consistency check failed (culprit
// party 1)".
func (e *Error) Error() string {
	msg := fmt.Sprintf("ote: %s: %s (culprit party %d)", e.Round, trimPrefix(e.Err), e.Culprit)
	if e.Detail != "" {
		msg += ": " + e.Detail
	}
	return msg
}

// Unwrap returns the sentinel.
func (e *Error) Unwrap() error { return e.Err }

// Lock reports whether the failure must lock the keyshare (PROTOCOL.md §10.3): true for a
// failed consistency check (mandatory), false for a malformed message.
func (e *Error) Lock() bool { return errors.Is(e.Err, ErrCheckFailed) }

// Code returns the abort reason code of §10.4.
func (e *Error) Code() uint8 {
	if e.Lock() {
		return CodeOTExtensionCheckFailed
	}
	return CodeMalformedPayload
}

func trimPrefix(err error) string {
	s := err.Error()
	const p = "ote: "
	if len(s) > len(p) && s[:len(p)] == p {
		return s[len(p):]
	}
	return s
}
