package ecdsa2p

import (
	"context"
	"errors"

	"github.com/tandem-mpc/tandem/mpc"
)

// DigestRequest returns a raw-digest SIGN_REQUEST (WIRE.md §12.9, hash 0x00, m = 32) naming the
// pre-signature signSID and the 32-byte digest to sign, for NewFinishP1. Both sides must
// enable raw-digest mode explicitly (PROTOCOL.md 8.6); MessageRequest is the ordinary form.
func DigestRequest(signSID, digest [32]byte) []byte {
	r := MessageToSign{SignSID: signSID, Hash: RawDigest, Message: digest[:]}
	b, err := r.MarshalBinary()
	if err != nil {
		panic("ecdsa2p: internal error: raw-digest SIGN_REQUEST: " + err.Error())
	}
	return b
}

// declinedError is a refusal by local policy (abort class 3).
// It unwraps to the hook's error, if any.
type declinedError struct {
	msg string
	err error
}

func (e *declinedError) Error() string                     { return "ecdsa2p: finish round 1: " + e.msg }
func (e *declinedError) Unwrap() error                     { return e.err }
func (e *declinedError) AbortClass() (class, detail uint8) { return mpc.ClassDeclined, 0 }

// AcceptDigest returns an AcceptFunc for P2 that accepts only DigestRequest's raw-digest form,
// with WIRE.md §12.9's checks 1 and 2 in order: a bad layout is the peer's fault
// (MalformedPayload, culprit P1); another hash mode is declined (class 3).
func AcceptDigest() AcceptFunc {
	return func(ctx context.Context, req []byte) (sid, e [32]byte, err error) {
		r, err := ParseSignRequest(req)
		switch {
		case errors.Is(err, ErrUnknownHash):
			return sid, e, &declinedError{msg: "hash mode not enabled"}
		case err != nil:
			return sid, e, &Error{Op: "finish", Round: 1, Code: MalformedPayload, Culprit: 0, Err: err}
		case r.Hash != RawDigest:
			return sid, e, &declinedError{msg: "hash mode not enabled"}
		}
		return r.SignSID, r.Digest(), nil
	}
}
