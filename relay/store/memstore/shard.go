package memstore

import (
	"net/netip"
	"sync"

	"github.com/tandem-mpc/tandem/relay"
)

// numShards is the number of shards; a shard is selected by the first byte of the id (§7).
const numShards = 256

// candidate is one stored PUB frame (WIRE.md §3.1). It belongs to its shard and is read or
// written only under the shard's lock: heapIdx moves with the heap, and removal clears frame.
type candidate struct {
	entry       *entry
	frame       []byte // shared with the hub and with every Candidate handed out; never modified
	digest      [32]byte
	conn        string
	ip          netip.Prefix
	deadline    int64 // nanoseconds since Store.base; live while deadline > now
	heapIdx     int   // position in shard.heap, -1 once removed
	slot        uint8 // 1..N
	oneReceiver bool
}

// entry holds the candidates of one id in arrival order. An entry exists only while it holds
// at least one candidate (possibly expired but not yet removed).
type entry struct {
	id     relay.MsgID
	cands  []*candidate
	slots  uint32 // bit k-1 is set while slot k is taken
	inline [2]*candidate
	first  candidate // storage of the entry's first candidate: one allocation per new id
}

// freeSlot returns the lowest slot number not taken (1-based). The caller has checked that
// fewer than N ≤ 16 candidates exist.
func (e *entry) freeSlot() uint8 {
	for k := range uint8(maxCandidatesCap) {
		if e.slots&(1<<k) == 0 {
			return k + 1
		}
	}
	panic("memstore: internal error: no free slot")
}

// shard is one of the 256 partitions of the id space. Every field is guarded by mu.
type shard struct {
	mu      sync.Mutex
	entries map[relay.MsgID]*entry
	heap    []*candidate // min-heap on deadline
	_       [24]byte     // keep neighbouring shards' mutexes off one cache line
}

// heapPush adds c to the deadline heap.
func (sh *shard) heapPush(c *candidate) {
	c.heapIdx = len(sh.heap)
	sh.heap = append(sh.heap, c)
	sh.heapUp(c.heapIdx)
}

// heapRemove takes c out of the deadline heap.
func (sh *shard) heapRemove(c *candidate) {
	i := c.heapIdx
	if i < 0 || i >= len(sh.heap) || sh.heap[i] != c {
		panic("memstore: internal error: candidate not in heap")
	}
	last := len(sh.heap) - 1
	if i != last {
		sh.heapSwap(i, last)
	}
	sh.heap[last] = nil
	sh.heap = sh.heap[:last]
	c.heapIdx = -1
	if i != last {
		sh.heapDown(i)
		sh.heapUp(i)
	}
}

func (sh *shard) heapSwap(i, j int) {
	sh.heap[i], sh.heap[j] = sh.heap[j], sh.heap[i]
	sh.heap[i].heapIdx = i
	sh.heap[j].heapIdx = j
}

func (sh *shard) heapUp(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if sh.heap[p].deadline <= sh.heap[i].deadline {
			return
		}
		sh.heapSwap(i, p)
		i = p
	}
}

func (sh *shard) heapDown(i int) {
	n := len(sh.heap)
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		m := l
		if r := l + 1; r < n && sh.heap[r].deadline < sh.heap[l].deadline {
			m = r
		}
		if sh.heap[i].deadline <= sh.heap[m].deadline {
			return
		}
		sh.heapSwap(i, m)
		i = m
	}
}

// insert stores c as the newest candidate of e (creating e's map slot if isNew) and pushes it
// on the heap. It reports nothing: accounting is the Store's job.
func (sh *shard) insert(e *entry, c *candidate, isNew bool) {
	c.entry = e
	e.cands = append(e.cands, c)
	e.slots |= 1 << (c.slot - 1)
	if isNew {
		sh.entries[e.id] = e
	}
	sh.heapPush(c)
}

// unlink removes c from its entry and from the heap, and deletes the entry when it becomes
// empty. It reports whether the entry was deleted.
func (sh *shard) unlink(c *candidate) (entryGone bool) {
	e := c.entry
	i := 0
	for i < len(e.cands) && e.cands[i] != c {
		i++
	}
	if i == len(e.cands) {
		panic("memstore: internal error: candidate not in its entry")
	}
	copy(e.cands[i:], e.cands[i+1:])
	e.cands[len(e.cands)-1] = nil
	e.cands = e.cands[:len(e.cands)-1]
	e.slots &^= 1 << (c.slot - 1)
	sh.heapRemove(c)
	if len(e.cands) == 0 {
		delete(sh.entries, e.id)
		return true
	}
	return false
}
