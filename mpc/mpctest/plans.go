package mpctest

import "github.com/tandem-mpc/tandem/mpc"

// Slot constructors.
var (
	// S is a directed signed slot with sequence number seq.
	S = func(seq uint32) mpc.Slot { return mpc.Slot{Seq: seq, Kind: mpc.Signed} }
	// B is a broadcast signed slot with sequence number seq.
	B = func(seq uint32) mpc.Slot { return mpc.Slot{Seq: seq, Kind: mpc.Signed, Broadcast: true} }
	// E is an encrypted (always directed) slot with sequence number seq.
	E = func(seq uint32) mpc.Slot { return mpc.Slot{Seq: seq, Kind: mpc.Encrypted} }
)

// Slots returns s as a slice (for readable plan literals).
func Slots(s ...mpc.Slot) []mpc.Slot { return s }

// FiveRounds is D01's plan: signed, broadcast and encrypted slots, several slots per round,
// an asymmetric round, the KEX carried by round 1's first signed slot on each side.
func FiveRounds() []ToyRound {
	return []ToyRound{
		{P0: Slots(S(0), B(1)), P1: Slots(B(0), S(1))},
		{P0: Slots(E(0)), P1: Slots(E(0), B(1))},
		{P0: Slots(E(0), E(1), S(2)), P1: nil},
		{P0: Slots(B(0)), P1: Slots(E(0), E(1))},
		{P0: Slots(E(7)), P1: Slots(E(3))},
	}
}

// FourRounds is the benchmark plan: round 1 signed (the KEX carriers), rounds 2–4 encrypted,
// one slot per party per round (keygen's shape, §12.9).
func FourRounds() []ToyRound {
	return []ToyRound{
		{P0: Slots(S(0)), P1: Slots(S(0))},
		{P0: Slots(E(0)), P1: Slots(E(0))},
		{P0: Slots(E(0)), P1: Slots(E(0))},
		{P0: Slots(E(0)), P1: Slots(E(0))},
	}
}

// SignedRounds is an n-round plan of directed signed slots only (no KEX): both parties send
// one slot per round.
func SignedRounds(n int) []ToyRound {
	rs := make([]ToyRound, n)
	for i := range rs {
		rs[i] = ToyRound{P0: Slots(S(0)), P1: Slots(S(0))}
	}
	return rs
}

// FinishShape is an asymmetric, encrypted-from-round-1 plan (finish in WIRE.md §12.9): the
// driver inserts a round-0 KEX slot on both sides; party 0 sends a request in round 1 and
// expects nothing; party 1 answers in round 2 after its (hookable) approval step.
func FinishShape() []ToyRound {
	return []ToyRound{
		{P0: Slots(E(0)), P1: nil},
		{P0: nil, P1: Slots(E(0))},
	}
}
