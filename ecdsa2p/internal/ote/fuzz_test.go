package ote

import (
	"errors"
	"testing"

	"github.com/tandem-mpc/tandem/ecdsa2p/internal/testrng"
)

// FuzzOTEMsg feeds arbitrary bytes to the sender's parser and check. Invariant: no panic; a
// wrong length is MalformedPayload without a lock; a 9,232-byte input either passes or fails
// the check with a locking error that blames R. The seed corpus (an honest message, its
// truncations and bit flips) runs as an ordinary test.
func FuzzOTEMsg(f *testing.F) {
	cs, ds := testSeeds(f, "fuzz")
	sess := testSession(f, "fuzz", 1, 0)
	_, msg, err := NewReceiver(renew(sess), cs, testrng.New("ote/fuzz"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(msg)
	f.Add(msg[:MsgSize-1])
	f.Add(append(append([]byte(nil), msg...), 0))
	f.Add([]byte{})
	f.Add(make([]byte, MsgSize))
	flipped := append([]byte(nil), msg...)
	flipped[uSize+20] ^= 1
	f.Add(flipped)
	for _, v := range loadVectorMessages(f) {
		f.Add(v)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		snd, err := NewSender(renew(sess), ds)
		if err != nil {
			t.Fatal(err)
		}
		out, err := snd.Extend(in)
		var e *Error
		switch {
		case len(in) != MsgSize:
			if !errors.Is(err, ErrMalformed) || !errors.As(err, &e) || e.Lock() || e.Culprit != 1 {
				t.Fatalf("length %d: got %v", len(in), err)
			}
		case err == nil:
			if out == nil {
				t.Fatal("nil output without an error")
			}
		default:
			if !errors.Is(err, ErrCheckFailed) || !errors.As(err, &e) || !e.Lock() || e.Culprit != 1 {
				t.Fatalf("got %v", err)
			}
		}
	})
}
