package signer

import (
	"errors"
	"strings"
)

// Errors returned by this package. Every error it returns wraps one or more of these, so callers
// can test with [errors.Is]; the wrapping adds what was being parsed and why it failed.
var (
	// ErrUnknownKeyType: a key type name, type code or private key algorithm that this package
	// does not support.
	ErrUnknownKeyType = errors.New("signer: unknown key type")
	// ErrInvalidKey: a verifying or private key that is malformed, has the wrong length, is not
	// a valid point (off the curve, the identity, a small-order Ed25519 point, a non-canonical
	// encoding), or is the zero value where a key is required.
	ErrInvalidKey = errors.New("signer: invalid key")
	// ErrInvalidSignature: a signature of the wrong length, a malformed DER signature, an r or
	// s outside [1, n−1], or an external signer's result that does not verify.
	ErrInvalidSignature = errors.New("signer: invalid signature")
	// ErrInvalidPEM: a private key file or PEM text that is not exactly one supported,
	// unencrypted private key block.
	ErrInvalidPEM = errors.New("signer: invalid PEM private key")
)

// multiError is an error with its own message that matches several sentinels with errors.Is,
// for example a well-formed PEM file holding an RSA key (ErrInvalidPEM and ErrUnknownKeyType).
type multiError struct {
	msg  string
	errs []error
}

func (e *multiError) Error() string   { return e.msg }
func (e *multiError) Unwrap() []error { return e.errs }

// withContext prefixes err with what was being done, keeping a single "signer: " prefix:
// withContext("load private key k.pem", ErrInvalidPEM) reads
// "signer: load private key k.pem: invalid PEM private key", and still matches ErrInvalidPEM.
func withContext(context string, err error) error {
	return &contextError{context: context, err: err}
}

type contextError struct {
	context string
	err     error
}

func (e *contextError) Error() string {
	return "signer: " + e.context + ": " + strings.TrimPrefix(e.err.Error(), "signer: ")
}

func (e *contextError) Unwrap() error { return e.err }
