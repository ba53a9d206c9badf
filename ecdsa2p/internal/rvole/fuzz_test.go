package rvole

import (
	"errors"
	"testing"

	"github.com/tandem-mpc/tandem/ecdsa2p/internal/ote"
	"github.com/tandem-mpc/tandem/internal/secp"
)

// FuzzRVOLEMsg feeds arbitrary bytes to the receiver's parser and, when they parse, to the μ
// check. Invariant: no panic; a wrong length or a non-canonical scalar is MalformedPayload
// without a lock, blaming S; a parsed message either passes or fails the check with a locking
// error that blames S. The seed corpus (an honest message and mutations) runs as an ordinary
// test.
func FuzzRVOLEMsg(f *testing.F) {
	base, msg := honest(f, "fuzz")
	f.Add(msg)
	f.Add(msg[:MsgSize-1])
	f.Add([]byte{})
	f.Add(make([]byte, MsgSize))
	nc := append([]byte(nil), msg...)
	for i := range 32 {
		nc[32*5+i] = 0xff
	}
	f.Add(nc)
	mu := append([]byte(nil), msg...)
	mu[MsgSize-1] ^= 1
	f.Add(mu)
	for _, v := range loadVectorMessages(f) {
		f.Add(v)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		recvOut := new(ote.ReceiverOutput)
		*recvOut = *base
		r, _, err := NewReceiver(recvOut)
		if err != nil {
			t.Fatal(err)
		}
		var e *Error
		m, err := r.ParseMessage(in)
		if err != nil {
			if !errors.Is(err, ErrMalformed) || !errors.As(err, &e) || e.Lock() || e.Culprit != 0 {
				t.Fatalf("parse: got %v", err)
			}
			if len(in) == MsgSize && canonical(in) {
				t.Fatalf("a canonical %d-byte message was rejected: %v", len(in), err)
			}
			return
		}
		_, _, err = r.Finish(m)
		if err != nil && (!errors.Is(err, ErrCheckFailed) || !errors.As(err, &e) || !e.Lock() || e.Culprit != 0) {
			t.Fatalf("finish: got %v", err)
		}
	})
}

// canonical reports whether every ã and η of a 49,216-byte message is below n.
func canonical(in []byte) bool {
	for off := 0; off < ATildeSize+32; off += 32 {
		if _, err := secp.NewScalar().SetCanonicalBytes(in[off : off+32]); err != nil {
			return false
		}
	}
	return true
}
