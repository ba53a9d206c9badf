package ecdsa2p

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"sync"

	"golang.org/x/crypto/sha3"

	"github.com/tandem-mpc/tandem/mpc"
)

// HashAlg is the hash byte of a SIGN_REQUEST (WIRE.md §12.9): how P2 derives the 32-byte
// digest e_bytes from the message.
type HashAlg uint8

// The hash codes of WIRE.md §12.9.
const (
	// RawDigest: the message is the 32-byte digest itself. Both sides must enable it
	// explicitly (PROTOCOL.md 8.6).
	RawDigest HashAlg = 0x00
	// Keccak256: e_bytes = Keccak-256(message) (the pre-SHA-3 padding used by Ethereum).
	Keccak256 HashAlg = 0x01
	// SHA256: e_bytes = SHA-256(message).
	SHA256 HashAlg = 0x02
)

// MaxSignMessage is the largest message a SIGN_REQUEST carries (WIRE.md §12.9).
const MaxSignMessage = 524288

// SIGN_REQUEST layout (WIRE.md §12.9): version 0x01 ‖ type 0x51 ‖ sign_sid (32) ‖ hash (1) ‖
// u32be m ‖ message (m); signRequestHeader is the fixed part before the message.
const (
	signRequestVersion = 0x01
	signRequestType    = 0x51
	signRequestHeader  = 39
)

// String returns "keccak256", "sha256", "raw" or "hash(0xNN)".
func (h HashAlg) String() string {
	switch h {
	case RawDigest:
		return "raw"
	case Keccak256:
		return "keccak256"
	case SHA256:
		return "sha256"
	}
	return fmt.Sprintf("hash(%#02x)", uint8(h))
}

// Known reports whether h is one of the codes of WIRE.md §12.9.
func (h HashAlg) Known() bool { return h == RawDigest || h == Keccak256 || h == SHA256 }

// Errors of ParseSignRequest and MessageToSign.MarshalBinary, for errors.Is.
var (
	// ErrMalformedSignRequest: bad layout, version, type or length (WIRE.md §12.9 check 1).
	ErrMalformedSignRequest = errors.New("ecdsa2p: malformed SIGN_REQUEST")
	// ErrUnknownHash: the hash code is not one of §12.9's (check 2).
	ErrUnknownHash = errors.New("ecdsa2p: unknown SIGN_REQUEST hash code")
)

// MessageToSign is the SIGN_REQUEST payload of WIRE.md §12.9 (finish round 1, P1 → P2):
// version 0x01 ‖ type 0x51 ‖ sign_sid (32) ‖ hash (1) ‖ u32be m ‖ message (m), exactly
// 39 + m bytes, with 1 ≤ m ≤ MaxSignMessage and m = 32 when Hash is RawDigest.
//
// It holds only public data (the message P2 is asked to sign).
type MessageToSign struct {
	SignSID [32]byte // the pre-signature to finish (PROTOCOL.md 8.8)
	Hash    HashAlg
	Message []byte
}

// Validate checks the length and hash rules of §12.9. The error wraps
// ErrMalformedSignRequest or ErrUnknownHash.
func (r *MessageToSign) Validate() error {
	m := len(r.Message)
	if m < 1 || m > MaxSignMessage {
		return fmt.Errorf("%w: message length %d not in [1, %d]", ErrMalformedSignRequest, m, MaxSignMessage)
	}
	if !r.Hash.Known() {
		return fmt.Errorf("%w: %#02x", ErrUnknownHash, uint8(r.Hash))
	}
	if r.Hash == RawDigest && m != 32 {
		return fmt.Errorf("%w: raw digest of %d bytes", ErrMalformedSignRequest, m)
	}
	return nil
}

// MarshalBinary returns the payload's bytes after Validate.
func (r *MessageToSign) MarshalBinary() ([]byte, error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	b := make([]byte, 0, signRequestHeader+len(r.Message))
	b = append(b, signRequestVersion, signRequestType)
	b = append(b, r.SignSID[:]...)
	b = append(b, byte(r.Hash))
	b = binary.BigEndian.AppendUint32(b, uint32(len(r.Message)))
	return append(b, r.Message...), nil
}

// ParseSignRequest parses a SIGN_REQUEST payload with §12.9's check order: layout, version,
// type and lengths first (an error wrapping ErrMalformedSignRequest), then the hash code
// (ErrUnknownHash). Message is a copy; b is not retained.
func ParseSignRequest(b []byte) (MessageToSign, error) {
	var r MessageToSign
	if len(b) < signRequestHeader {
		return r, fmt.Errorf("%w: %d bytes, need at least %d", ErrMalformedSignRequest, len(b), signRequestHeader)
	}
	if b[0] != signRequestVersion || b[1] != signRequestType {
		return r, fmt.Errorf("%w: version %#02x type %#02x", ErrMalformedSignRequest, b[0], b[1])
	}
	m := binary.BigEndian.Uint32(b[35:39])
	if m < 1 || m > MaxSignMessage {
		return r, fmt.Errorf("%w: message length %d not in [1, %d]", ErrMalformedSignRequest, m, MaxSignMessage)
	}
	if uint64(len(b)) != signRequestHeader+uint64(m) {
		return r, fmt.Errorf("%w: %d bytes for message length %d", ErrMalformedSignRequest, len(b), m)
	}
	h := HashAlg(b[34])
	if h == RawDigest && m != 32 {
		return r, fmt.Errorf("%w: raw digest of %d bytes", ErrMalformedSignRequest, m)
	}
	if !h.Known() {
		return r, fmt.Errorf("%w: %#02x", ErrUnknownHash, uint8(h))
	}
	copy(r.SignSID[:], b[2:34])
	r.Hash = h
	r.Message = append([]byte(nil), b[signRequestHeader:]...)
	return r, nil
}

// Digest returns e_bytes: Keccak-256 or SHA-256 of Message, or Message itself for
// RawDigest. It is defined for a request that passes Validate (ParseSignRequest returns
// only such); for an unknown hash code or a raw digest that is not 32 bytes it returns the
// zero value, which no caller may sign.
func (r *MessageToSign) Digest() [32]byte {
	var d [32]byte
	switch r.Hash {
	case Keccak256:
		h := sha3.NewLegacyKeccak256()
		h.Write(r.Message)
		h.Sum(d[:0])
	case SHA256:
		d = sha256.Sum256(r.Message)
	case RawDigest:
		if len(r.Message) == 32 {
			copy(d[:], r.Message)
		}
	}
	return d
}

// MessageRequest returns P1's SIGN_REQUEST for the message msg hashed with hash (RawDigest:
// msg is the 32-byte digest) and the digest e_bytes to sign, for NewFinishP1.
func MessageRequest(signSID [32]byte, hash HashAlg, msg []byte) (request []byte, eBytes [32]byte, err error) {
	r := MessageToSign{SignSID: signSID, Hash: hash, Message: msg}
	request, err = r.MarshalBinary()
	if err != nil {
		return nil, eBytes, err
	}
	return request, r.Digest(), nil
}

// ApproveMessageFunc is P2's approval hook with the parsed SIGN_REQUEST (WIRE.md §12.9
// check 4). An error declines (class 3, REJECTED) unless it classifies itself with
// mpc.AbortClassifier.
type ApproveMessageFunc func(ctx context.Context, req MessageToSign) error

// AcceptMessage returns P2's hooks for the full SIGN_REQUEST of §12.9, for one finish
// session: pass accept to NewFinishP2 and approve to Finish.WithApproval. accept runs checks
// 1 and 2 (a malformed payload is MalformedPayload with culprit P1, class 1; an unknown
// hash code, or RawDigest without allowRaw, is declined, class 3) and computes e_bytes
// itself; the finish then looks the pre-signature up (check 3); approve (check 4) calls
// the approval hook with the request accept parsed (nil approve approves everything).
func AcceptMessage(allowRaw bool, approveMsg ApproveMessageFunc) (accept AcceptFunc, approve ApproveFunc) {
	var (
		mu  sync.Mutex
		got *MessageToSign
	)
	accept = func(_ context.Context, b []byte) (sid, e [32]byte, err error) {
		r, err := ParseSignRequest(b)
		switch {
		case errors.Is(err, ErrUnknownHash):
			return sid, e, &signRequestDeclined{err: err}
		case err != nil:
			return sid, e, &Error{Op: "finish", Round: 1, Code: MalformedPayload, Culprit: 0, Err: err}
		case r.Hash == RawDigest && !allowRaw:
			return sid, e, &signRequestDeclined{err: errors.New("ecdsa2p: raw-digest mode not enabled")}
		}
		mu.Lock()
		got = &r
		mu.Unlock()
		return r.SignSID, r.Digest(), nil
	}
	approve = func(ctx context.Context, sid, e [32]byte) error {
		mu.Lock()
		r := got
		mu.Unlock()
		if r == nil || r.SignSID != sid || r.Digest() != e {
			return newError("finish", 1, Internal, errors.New("approval without a matching accepted SIGN_REQUEST"))
		}
		if approveMsg == nil {
			return nil
		}
		return approveMsg(ctx, *r)
	}
	return accept, approve
}

// signRequestDeclined is check 2's local refusal (abort class 3); it unwraps to the cause.
type signRequestDeclined struct{ err error }

func (e *signRequestDeclined) Error() string {
	return "ecdsa2p: finish round 1: declined: " + e.err.Error()
}
func (e *signRequestDeclined) Unwrap() error                     { return e.err }
func (e *signRequestDeclined) AbortClass() (class, detail uint8) { return mpc.ClassDeclined, 0 }
