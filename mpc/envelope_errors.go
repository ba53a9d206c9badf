package mpc

import "errors"

// Errors of opening an envelope, by what the driver must do with the frame (WIRE.md §12.5,
// §12.7):
//
//   - errMalformed: a structural check failed before authentication (§10.5). Drop the frame
//     silently; nobody is blamed, because anyone can publish under a known id.
//   - errUnauthenticated: the signature or the AEAD tag did not verify, or an authenticated
//     ABORT carried an invalid payload. Drop the frame and remember its digest (rejected[id]),
//     still without blame.
//   - *envelopeViolation: the frame authenticated as the peer's, yet misuses the envelope
//     (EXT_KEX where it does not belong or missing where it does, an all-zero X25519 result).
//     This is provable peer misbehaviour: abort naming the peer (AbortError, CulpritPeer).
//
// Use errors.Is with the two sentinels and errors.As with *envelopeViolation. The concrete
// values below are preallocated so that dropping junk allocates nothing.
var (
	errMalformed       = errors.New("mpc: malformed envelope")
	errUnauthenticated = errors.New("mpc: unauthenticated envelope")
)

// dropError is an error of class errMalformed or errUnauthenticated with the reason, for debug
// logs.
type dropError struct {
	class  error
	reason string
}

func (e *dropError) Error() string { return e.class.Error() + ": " + e.reason }
func (e *dropError) Unwrap() error { return e.class }

// Structural failures (before authentication).
var (
	errShortFrame  = &dropError{errMalformed, "shorter than the 48-byte header"}
	errBadVersion  = &dropError{errMalformed, "unknown version"}
	errBadKind     = &dropError{errMalformed, "unknown kind"}
	errBadExt      = &dropError{errMalformed, "unknown ext bits"}
	errBadReserved = &dropError{errMalformed, "reserved byte not zero"}
	errBadTag      = &dropError{errMalformed, "tag not allowed for the kind"}
	errWrongID     = &dropError{errMalformed, "id is not the expected id"}
	errWrongTag    = &dropError{errMalformed, "tag differs from the expected slot's"}
	errWrongKind   = &dropError{errMalformed, "kind differs from the expected slot's"}
	errTooShort    = &dropError{errMalformed, "shorter than the minimum for its kind"}
)

// Authentication failures.
var (
	errBadSignature    = &dropError{errUnauthenticated, "signature does not verify"}
	errBadAEAD         = &dropError{errUnauthenticated, "AEAD open failed"}
	errBadAbortPayload = &dropError{errUnauthenticated, "authenticated ABORT with an invalid payload"}
)

// envelopeViolation reports an authenticated frame that misuses the envelope: the peer provably
// misbehaved (§10.5, §12.3, §12.7). It satisfies PeerFaulter.
type envelopeViolation struct{ reason string }

func (e *envelopeViolation) Error() string {
	return "mpc: peer violated the envelope rules: " + e.reason
}
func (e *envelopeViolation) PeerFault() bool { return true }

// Peer violations.
var (
	errMissingKEX   = &envelopeViolation{"EXT_KEX missing on the peer's KEX carrier"}
	errUnexpectedKX = &envelopeViolation{"EXT_KEX set on an envelope that is not the peer's KEX carrier"}
	errZeroShared   = &envelopeViolation{"peer's ephemeral key gives an all-zero X25519 result"}
)

// isDrop reports whether err means "drop the frame, blame nobody" (either class).
func isDrop(err error) bool {
	return errors.Is(err, errMalformed) || errors.Is(err, errUnauthenticated)
}
