package ote

import "github.com/tandem-mpc/tandem/ecdsa2p/internal/ot"

// A Runner calls f(i) exactly once for every i in [0, n) and returns when all calls have
// returned. The calls may run in any order and concurrently: the core gives each call its own
// scratch space and disjoint outputs, so the results do not depend on the schedule.
//
// The core itself never starts a goroutine (CONVENTIONS.md #3). [Sequential] is the default;
// the public layer may pass a Runner that spreads the parts over the CPU's cores
// ([Session.WithRunner]): the leaf expansions and pads, which are most of the work of one
// extension, split into [Parts] independent parts.
//
// Runner is the same type as [ot.Batch], so the public layer can pass one value (for example
// ot.Parallel(2)) to the keygen OTs and to the extension.
type Runner = ot.Batch

// Parts is the number of independent parts the heavy loops are split into: enough for
// ot.Parallel, which hands out indices four at a time, to keep two cores busy.
const Parts = 16

// Sequential is the Runner that calls f(0), …, f(n−1) in order on the calling goroutine.
func Sequential(n int, f func(i int)) {
	for i := range n {
		f(i)
	}
}

// WithRunner returns a copy of s whose extension, and the RVOLE on top of it, run their
// independent parts with r. A nil r means [Sequential].
func (s Session) WithRunner(r Runner) Session {
	s.run = r
	return s
}

// Run calls f(i) for i in [0, n) with the session's Runner. Package rvole uses it for its own
// independent loops.
func (s Session) Run(n int, f func(i int)) {
	if s.run == nil {
		Sequential(n, f)
		return
	}
	s.run(n, f)
}

// partRange returns the half-open range of part p of [0, n) split into Parts parts.
func partRange(p, n int) (lo, hi int) { return p * n / Parts, (p + 1) * n / Parts }
