// Package payload holds what every engine payload shares (PROTOCOL.md §2.14): the header
// version ‖ type ‖ 32-byte session binding, and the input classification of §10.1 that runs
// before anything else in a payload is parsed. Keygen, refresh and presign use one Schedule
// each.
package payload

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/tandem-mpc/tandem/ecdsa2p/internal/engineerr"
)

// Header layout (PROTOCOL.md §2.14).
const (
	// Version is the protocol version byte every payload starts with.
	Version = 0x01
	// HeaderSize is version ‖ type ‖ binding.
	HeaderSize = 2 + 32
)

// Header returns version ‖ typ ‖ binding with room for n more bytes.
func Header(typ byte, binding *[32]byte, n int) []byte {
	b := make([]byte, 0, HeaderSize+n)
	b = append(b, Version, typ)
	return append(b, binding[:]...)
}

// Schedule describes the payloads of one multi-round operation: round r (1-based) has type
// FirstType+r−1 and exactly Sizes[r−1] bytes; round 1 is bound to the setup digest and every
// later round to the operation's session id.
type Schedule struct {
	Op        string // the engine error's Op: "keygen", "refresh", "sign"
	Name      string // the operation named in ignore reasons: "keygen", "refresh", "presign"
	FirstType byte
	Sizes     []int
}

// Admit classifies the peer payload p offered to the state of round r (PROTOCOL.md §10.1),
// before anything else is parsed. peer holds the peer payloads already accepted (peer[k] is
// round k+1's), and peerIndex is the peer's party index. Admit returns:
//   - nil when p is round r's payload with the right binding and length;
//   - an [*engineerr.IgnoredError] for class (a) input: a short payload, an unknown version or
//     type, a payload for a later round, a wrong binding, or an exact duplicate of an accepted
//     payload (the state stays usable);
//   - an [*engineerr.Error] that ends the session: SetupMismatch (round 1, no culprit),
//     Equivocation (a different payload for a round already accepted) or MalformedPayload
//     (wrong length). None of them locks.
func (sc *Schedule) Admit(r int, p []byte, setup, sid *[32]byte, peer [][]byte, peerIndex int) error {
	op := sc.Op
	if len(p) < HeaderSize || p[0] != Version {
		return engineerr.Ignored(op, r, "short payload or unknown version")
	}
	t := p[1]
	if t < sc.FirstType || int(t-sc.FirstType) >= len(sc.Sizes) {
		return engineerr.Ignored(op, r, fmt.Sprintf("type 0x%02x is not a %s payload", t, sc.Name))
	}
	pr := int(t-sc.FirstType) + 1
	if pr > r {
		return engineerr.Ignored(op, r, fmt.Sprintf("payload of round %d is ahead", pr))
	}
	want := sid
	if pr == 1 {
		want = setup
	}
	if !bytes.Equal(p[2:HeaderSize], want[:]) {
		if pr == 1 && r == 1 {
			return engineerr.Local(op, r, engineerr.SetupMismatch, errors.New("the peer's setup digest differs"))
		}
		return engineerr.Ignored(op, r, "wrong session binding")
	}
	if pr < r {
		if pr-1 < len(peer) && bytes.Equal(p, peer[pr-1]) {
			return engineerr.Ignored(op, r, fmt.Sprintf("duplicate of the round-%d payload", pr))
		}
		return engineerr.Peer(op, r, engineerr.Equivocation, peerIndex, fmt.Errorf("a different round-%d payload", pr))
	}
	if want := sc.Sizes[r-1]; len(p) != want {
		return engineerr.Peer(op, r, engineerr.MalformedPayload, peerIndex, fmt.Errorf("%d bytes, want %d", len(p), want))
	}
	return nil
}
