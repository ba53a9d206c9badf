package ot

import (
	"sync"
	"sync/atomic"
)

// A Batch runs fn(0), …, fn(n−1), possibly concurrently, and returns when every call has
// returned. The rounds of this package use it only for pure per-OT (or per-block) computations
// whose results land in slots indexed by i and are assembled in order afterwards; every random
// draw happens before, on the caller's goroutine, in the order the specification lists. So
// the output is the same for every Batch.
//
// A nil Batch is [Sequential]. The sans-I/O core never starts goroutines by itself: a caller
// that wants both cores passes [Parallel] (the public layer does, for keygen and refresh).
type Batch func(n int, fn func(i int))

// Sequential runs fn(0), …, fn(n−1) in order on the calling goroutine.
func Sequential(n int, fn func(i int)) {
	for i := range n {
		fn(i)
	}
}

// chunk is the number of consecutive indices a worker of [Parallel] takes at a time: small
// enough to balance two loaded cores, large enough to keep the shared counter cold.
const chunk = 4

// Parallel returns a Batch that spreads the calls over the given number of goroutines
// (workers ≤ 1 is [Sequential]). The goroutines exit before the Batch returns.
func Parallel(workers int) Batch {
	if workers <= 1 {
		return Sequential
	}
	return func(n int, fn func(i int)) {
		w := min(workers, (n+chunk-1)/chunk)
		if w <= 1 {
			Sequential(n, fn)
			return
		}
		var next atomic.Int64
		work := func() {
			for {
				lo := int(next.Add(chunk)) - chunk
				if lo >= n {
					return
				}
				for i := lo; i < min(lo+chunk, n); i++ {
					fn(i)
				}
			}
		}
		var wg sync.WaitGroup
		for range w - 1 {
			wg.Go(work)
		}
		work()
		wg.Wait()
	}
}

func (b Batch) run(n int, fn func(i int)) {
	if b == nil {
		Sequential(n, fn)
		return
	}
	b(n, fn)
}
