package mpctest

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"slices"
	"sync"

	"github.com/tandem-mpc/tandem/mpc"
)

// ToyRound lists the slots each party sends in one round: P0 is sent by party 0 (and expected
// by party 1), P1 by party 1. Either may be empty (an asymmetric round).
type ToyRound struct{ P0, P1 []mpc.Slot }

// ToyVersion is the version byte of a genuine toy payload. A receiver ignores (class (a),
// mpc.ErrIgnoreInput) a payload with another version.
const ToyVersion = 0x01

// toyHeaderSize is version, sender party, round (u32be) and seq (u32be).
const toyHeaderSize = 10

// DefaultToySize is the payload size used when Toy.Size is zero.
const DefaultToySize = 64

// Toy is a deterministic, sans-I/O mpc.Protocol for driver tests. Each payload is
// version ‖ sender ‖ u32be(round) ‖ u32be(seq) ‖ filler, where the filler is derived from
// Seed, the sender, the round and the seq, so the receiver knows exactly what to expect:
//
//   - a payload whose version byte is not ToyVersion is ignored (an error wrapping
//     mpc.ErrIgnoreInput, narrowed with IgnoredInput to that input);
//   - any other difference is a protocol violation by the peer (a *ToyError with
//     PeerFault() == true and AbortClass() == (mpc.ClassPeer, DetailBadPayload));
//   - inputs that are not exactly the round's Expect slots in plan order are a local error.
//
// After a successful run, Transcript returns a digest of every payload sent and received,
// ordered by (round, sender, seq); both parties of a correct run have the same transcript.
// A Toy is for one run; its methods are safe for concurrent use (the test reads Transcript
// while Run may still execute).
type Toy struct {
	Rounds []ToyRound
	Party  int      // 0 or 1
	Seed   [32]byte // shared by both parties
	Size   int      // payload bytes (≥ 10); DefaultToySize if zero

	// Corrupt, if set, may replace a payload this party is about to send (before the driver
	// seals it); return p unchanged to leave it alone. See CorruptVersion and CorruptBody.
	Corrupt func(r int, s mpc.Slot, p []byte) []byte
	// Hook, if set, runs in Next(ctx, r, in) after the inputs are validated and before the
	// round's payloads are produced. A blocking hook models an approval step; it must return
	// promptly with ctx.Err() once ctx is done. Its error is returned by Next as is.
	Hook func(ctx context.Context, r int, in []mpc.Inbound) error

	mu      sync.Mutex
	records []toyRecord
	calls   []int // the r of every Next call, in order
	ignored int
	done    bool
}

type toyRecord struct {
	round  int
	sender int
	seq    uint32
	digest [32]byte
}

// Plan returns the plan of t.Party: its own slots as Send, the other party's as Expect.
func (t *Toy) Plan() mpc.Plan {
	p := mpc.Plan{Rounds: make([]mpc.Round, len(t.Rounds))}
	for i, rd := range t.Rounds {
		mine, theirs := rd.P0, rd.P1
		if t.Party == 1 {
			mine, theirs = theirs, mine
		}
		p.Rounds[i] = mpc.Round{Send: slices.Clone(mine), Expect: slices.Clone(theirs)}
	}
	return p
}

func (t *Toy) size() int {
	if t.Size <= 0 {
		return DefaultToySize
	}
	return max(t.Size, toyHeaderSize)
}

// Payload returns the genuine payload party sends in round r, slot seq.
func (t *Toy) Payload(party, r int, seq uint32) []byte {
	p := make([]byte, t.size())
	p[0] = ToyVersion
	p[1] = byte(party)
	binary.BigEndian.PutUint32(p[2:], uint32(r))
	binary.BigEndian.PutUint32(p[6:], seq)
	var ctr [8]byte
	for off, i := toyHeaderSize, uint64(0); off < len(p); i++ {
		binary.BigEndian.PutUint64(ctr[:], i)
		h := sha256.New()
		h.Write([]byte("tandem/mpctest/toy"))
		h.Write(t.Seed[:])
		h.Write(p[1:toyHeaderSize])
		h.Write(ctr[:])
		off += copy(p[off:], h.Sum(nil))
	}
	return p
}

// Next implements mpc.Protocol.
func (t *Toy) Next(ctx context.Context, r int, in []mpc.Inbound) ([][]byte, error) {
	t.mu.Lock()
	t.calls = append(t.calls, r)
	t.mu.Unlock()
	plan := t.Plan()
	if r < 1 || r > len(plan.Rounds)+1 {
		return nil, &ToyError{Round: r, Reason: fmt.Sprintf("round %d out of range", r)}
	}
	peer := 1 - t.Party
	if r > 1 {
		want := plan.Rounds[r-2].Expect
		if len(in) != len(want) {
			return nil, &ToyError{Round: r, Reason: fmt.Sprintf("%d inputs for %d expected slots", len(in), len(want))}
		}
		for i, m := range in {
			if m.Round != r-1 || m.Slot != want[i] {
				return nil, &ToyError{Round: r, Reason: fmt.Sprintf("input %d is round %d slot %+v, want round %d slot %+v", i, m.Round, m.Slot, r-1, want[i])}
			}
		}
		for i, m := range in {
			if len(m.Payload) > 0 && m.Payload[0] != ToyVersion {
				t.mu.Lock()
				t.ignored++
				t.mu.Unlock()
				return nil, &ToyError{Round: r, Seq: m.Slot.Seq, Ignore: true, Index: i, Reason: "unknown payload version"}
			}
		}
		for i, m := range in {
			if string(m.Payload) != string(t.Payload(peer, r-1, want[i].Seq)) {
				return nil, &ToyError{Round: r, Seq: m.Slot.Seq, Class: mpc.ClassPeer, Detail: DetailBadPayload, Reason: "payload check failed"}
			}
		}
	}
	if t.Hook != nil {
		if err := t.Hook(ctx, r, in); err != nil {
			return nil, err
		}
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, m := range in {
		t.records = append(t.records, toyRecord{m.Round, peer, m.Slot.Seq, sha256.Sum256(m.Payload)})
	}
	if r == len(plan.Rounds)+1 {
		t.done = true
		return nil, nil
	}
	send := plan.Rounds[r-1].Send
	out := make([][]byte, len(send))
	for i, s := range send {
		p := t.Payload(t.Party, r, s.Seq)
		t.records = append(t.records, toyRecord{r, t.Party, s.Seq, sha256.Sum256(p)})
		if t.Corrupt != nil {
			p = t.Corrupt(r, s, p)
		}
		out[i] = p
	}
	return out, nil
}

// Transcript returns the digest of every payload this party sent and accepted, in
// (round, sender, seq) order, and whether the final Next call has happened.
func (t *Toy) Transcript() ([32]byte, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	recs := slices.Clone(t.records)
	slices.SortFunc(recs, func(a, b toyRecord) int {
		return cmp.Or(cmp.Compare(a.round, b.round), cmp.Compare(a.sender, b.sender), cmp.Compare(a.seq, b.seq))
	})
	h := sha256.New()
	var b [12]byte
	for _, rc := range recs {
		binary.BigEndian.PutUint32(b[0:], uint32(rc.round))
		binary.BigEndian.PutUint32(b[4:], uint32(rc.sender))
		binary.BigEndian.PutUint32(b[8:], rc.seq)
		h.Write(b[:])
		h.Write(rc.digest[:])
	}
	var d [32]byte
	h.Sum(d[:0])
	return d, t.done
}

// Calls returns the round argument of every Next call so far, in order.
func (t *Toy) Calls() []int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return slices.Clone(t.calls)
}

// Ignored returns how many times Next reported an ignored input.
func (t *Toy) Ignored() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.ignored
}

// Pair returns the two parties of one toy run over rounds, sharing seed.
func Pair(rounds []ToyRound, seed [32]byte) (p0, p1 *Toy) {
	return &Toy{Rounds: rounds, Party: 0, Seed: seed}, &Toy{Rounds: rounds, Party: 1, Seed: seed}
}

// CorruptVersion returns a Corrupt hook that changes the version byte of the payload of round
// r, slot seq: the receiver ignores it (class (a)).
func CorruptVersion(r int, seq uint32) func(int, mpc.Slot, []byte) []byte {
	return func(rr int, s mpc.Slot, p []byte) []byte {
		if rr == r && s.Seq == seq {
			p = slices.Clone(p)
			p[0] = ToyVersion + 1
		}
		return p
	}
}

// CorruptBody returns a Corrupt hook that flips a bit in the body of the payload of round r,
// slot seq: the receiver reports a protocol violation by the peer (class 1).
func CorruptBody(r int, seq uint32) func(int, mpc.Slot, []byte) []byte {
	return func(rr int, s mpc.Slot, p []byte) []byte {
		if rr == r && s.Seq == seq {
			p = slices.Clone(p)
			p[len(p)-1] ^= 0x01
		}
		return p
	}
}
