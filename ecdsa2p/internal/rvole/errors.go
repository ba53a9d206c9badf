package rvole

import (
	"errors"
	"fmt"
)

// Sentinel errors. Errors caused by the peer are *[Error] values that match [ErrMalformed] or
// [ErrCheckFailed] under errors.Is; the others are the caller's mistakes.
var (
	// ErrMalformed: the sender's message RV has the wrong length or a non-canonical scalar
	// (PROTOCOL.md §6.3 step 1, §10.1 rule 8: MalformedPayload). It does not lock.
	ErrMalformed = errors.New("rvole: malformed message")
	// ErrCheckFailed: μ′ ≠ μ (§6.3 step 5, RVOLECheckFailed). The keyshare is locked
	// (§10.3, defensive).
	ErrCheckFailed = errors.New("rvole: RVOLE check failed")
	// ErrReused: a single-use state was used a second time.
	ErrReused = errors.New("rvole: state already used")
	// ErrInvalidInput: a missing or invalid argument (an output of another session, say).
	ErrInvalidInput = errors.New("rvole: invalid input")
)

// Abort reason codes of PROTOCOL.md §10.4 carried by [Error].
const (
	CodeMalformedPayload = 0x02
	CodeRVOLECheckFailed = 0x22
)

// roundReceiver names the step in which R processes the sender's message (the peer's S3).
const roundReceiver = "processing S3"

// Error is a failure the peer provably caused. It names the culprit by party index (always S,
// the RVOLE sender) and says whether the keyshare must be locked. It carries no secret data.
type Error struct {
	// Round names the protocol step ("processing S3").
	Round string
	// Culprit is the party index of the peer at fault.
	Culprit uint8
	// Err is ErrMalformed or ErrCheckFailed.
	Err error
	// Detail is a public description (a length, the index of a non-canonical scalar). It
	// may be empty.
	Detail string
}

// Error implements error: "rvole: processing S3: RVOLE check failed (culprit party 0)".
func (e *Error) Error() string {
	msg := fmt.Sprintf("rvole: %s: %s (culprit party %d)", e.Round, trimPrefix(e.Err), e.Culprit)
	if e.Detail != "" {
		msg += ": " + e.Detail
	}
	return msg
}

// Unwrap returns the sentinel.
func (e *Error) Unwrap() error { return e.Err }

// Lock reports whether the failure locks the keyshare (PROTOCOL.md §10.3): true for a failed
// μ check (defensive lock), false for a malformed message.
func (e *Error) Lock() bool { return errors.Is(e.Err, ErrCheckFailed) }

// Code returns the abort reason code of §10.4.
func (e *Error) Code() uint8 {
	if e.Lock() {
		return CodeRVOLECheckFailed
	}
	return CodeMalformedPayload
}

func trimPrefix(err error) string {
	s := err.Error()
	const p = "rvole: "
	if len(s) > len(p) && s[:len(p)] == p {
		return s[len(p):]
	}
	return s
}
