package ot

import (
	"errors"
	"fmt"
)

// Code is the abort reason of PROTOCOL.md §10.4 that an [Error] maps to.
type Code uint8

// The abort reasons this package produces (PROTOCOL.md §10.4).
const (
	// CodeMalformedPayload: a message has the wrong length or an invalid point encoding
	// (§10.1 rule 8). It is detected before any secret-dependent processing.
	CodeMalformedPayload Code = 0x02
	// CodeBaseOTInvalid: the base-OT sender computed M_{t,slot} = O (§3.2 step 2.1).
	CodeBaseOTInvalid Code = 0x13
	// CodePPRFProofInvalid: the PPRF proof s̃ did not verify (§4.2).
	CodePPRFProofInvalid Code = 0x14
	// CodeInternal: a local failure (an honest party reaches it only with negligible
	// probability) or a misuse of a state (a second call, wrong arguments).
	CodeInternal Code = 0xFF
)

// String returns the reason name of §10.4.
func (c Code) String() string {
	switch c {
	case CodeMalformedPayload:
		return "MalformedPayload"
	case CodeBaseOTInvalid:
		return "BaseOTInvalid"
	case CodePPRFProofInvalid:
		return "PPRFProofInvalid"
	case CodeInternal:
		return "Internal"
	default:
		return fmt.Sprintf("Code(0x%02x)", uint8(c))
	}
}

// NoCulprit is the [Error.Culprit] of an error that blames nobody.
const NoCulprit = -1

// Sentinels for errors.Is. Every error returned by this package is an [*Error] that matches
// exactly one of ErrMalformed, ErrBaseOTInvalid, ErrPPRFProofInvalid or ErrInternal (by its
// Code); a misused state also matches ErrStateConsumed.
var (
	ErrMalformed        = errors.New("ot: malformed payload")
	ErrBaseOTInvalid    = errors.New("ot: base OT invalid")
	ErrPPRFProofInvalid = errors.New("ot: PPRF proof invalid")
	ErrInternal         = errors.New("ot: internal error")
	// ErrStateConsumed reports a second use of a single-use state, or a use after an error.
	ErrStateConsumed = errors.New("ot: state already consumed")
)

// Error is the typed error of this package (PROTOCOL.md §10.5). Blame is data: Culprit is the
// party index of the peer that provably misbehaved (MalformedPayload, BaseOTInvalid,
// PPRFProofInvalid) or NoCulprit. None of these errors locks a keyshare (Appendix C item 6):
// base-OT and PPRF failures happen at keygen and refresh, on correlations that are discarded.
// The message holds only public data.
type Error struct {
	Step    string // the round step, e.g. "base-OT sender"
	Code    Code
	Culprit int    // party index to blame, or NoCulprit
	Detail  string // public detail (an OT index, a length)
	cause   error  // an extra sentinel (ErrStateConsumed), or nil
}

func (e *Error) Error() string {
	s := "ot: " + e.Step + ": " + e.Code.String()
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	if e.Culprit != NoCulprit {
		s += fmt.Sprintf(" (culprit: party %d)", e.Culprit)
	}
	return s
}

// Is matches the sentinel of e's Code, and the extra cause if any.
func (e *Error) Is(target error) bool {
	if target == sentinel(e.Code) {
		return true
	}
	return e.cause != nil && target == e.cause
}

// Unwrap returns the extra cause (ErrStateConsumed), or nil.
func (e *Error) Unwrap() error { return e.cause }

func sentinel(c Code) error {
	switch c {
	case CodeMalformedPayload:
		return ErrMalformed
	case CodeBaseOTInvalid:
		return ErrBaseOTInvalid
	case CodePPRFProofInvalid:
		return ErrPPRFProofInvalid
	default:
		return ErrInternal
	}
}

func malformed(step string, culprit int, format string, args ...any) *Error {
	return &Error{Step: step, Code: CodeMalformedPayload, Culprit: culprit, Detail: fmt.Sprintf(format, args...)}
}

func internalErr(step, detail string) *Error {
	return &Error{Step: step, Code: CodeInternal, Culprit: NoCulprit, Detail: detail}
}

func consumedErr(step string) *Error {
	return &Error{Step: step, Code: CodeInternal, Culprit: NoCulprit, Detail: "state already consumed", cause: ErrStateConsumed}
}
