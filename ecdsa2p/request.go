package ecdsa2p

import (
	"context"
	"encoding/binary"
	"errors"

	"github.com/tandem-mpc/tandem/mpc"
)

// SIGN_REQUEST layout of WIRE.md §12.9 (finish round 1, P1 → P2): version 0x01 ‖ type 0x51 ‖
// sign_sid (32) ‖ hash (1) ‖ u32be m ‖ message (m). The SDK owns the full form (hashing a
// message, the approval hook); this package provides only the raw-digest mode (hash 0x00,
// m = 32), which both sides must enable explicitly (PROTOCOL.md 8.6).
const (
	signRequestVersion = 0x01
	signRequestType    = 0x51
	hashRawDigest      = 0x00
	signRequestRawSize = 39 + 32
)

// DigestRequest returns a raw-digest SIGN_REQUEST (hash 0x00) naming the pre-signature
// signSID and the 32-byte digest to sign, for NewFinishP1.
func DigestRequest(signSID, digest [32]byte) []byte {
	b := make([]byte, 0, signRequestRawSize)
	b = append(b, signRequestVersion, signRequestType)
	b = append(b, signSID[:]...)
	b = append(b, hashRawDigest)
	b = binary.BigEndian.AppendUint32(b, 32)
	return append(b, digest[:]...)
}

// declinedError is a refusal by local policy (abort class 3).
type declinedError struct{ msg string }

func (e *declinedError) Error() string                     { return "ecdsa2p: finish round 1: " + e.msg }
func (e *declinedError) AbortClass() (class, detail uint8) { return mpc.ClassDeclined, 0 }

// AcceptDigest returns an AcceptFunc for P2 that accepts DigestRequest's raw-digest form,
// with WIRE.md §12.9's checks 1 and 2 in order: a bad layout is the peer's fault
// (MalformedPayload, culprit P1); another hash mode is declined (class 3).
func AcceptDigest() AcceptFunc {
	return func(ctx context.Context, req []byte) (sid, e [32]byte, err error) {
		if len(req) < 39 || req[0] != signRequestVersion || req[1] != signRequestType ||
			uint64(binary.BigEndian.Uint32(req[35:39]))+39 != uint64(len(req)) ||
			binary.BigEndian.Uint32(req[35:39]) == 0 {
			return sid, e, &Error{Op: "finish", Round: 1, Code: MalformedPayload, Culprit: 0,
				Err: errors.New("bad SIGN_REQUEST layout")}
		}
		if req[34] != hashRawDigest {
			return sid, e, &declinedError{msg: "hash mode not enabled"}
		}
		if len(req) != signRequestRawSize {
			return sid, e, &Error{Op: "finish", Round: 1, Code: MalformedPayload, Culprit: 0,
				Err: errors.New("raw digest is not 32 bytes")}
		}
		copy(sid[:], req[2:34])
		copy(e[:], req[39:])
		return sid, e, nil
	}
}
