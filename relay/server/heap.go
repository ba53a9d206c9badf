package server

import (
	"container/heap"
	"net/netip"
	"time"
)

// waiterHeap is a min-heap of waiters by deadline; each waiter knows its index (hidx, -1 when
// not in the heap) so that an extended deadline or an UNASK costs O(log n).
type waiterHeap struct{ h waiterSlice }

type waiterSlice []*waiter

func (s waiterSlice) Len() int           { return len(s) }
func (s waiterSlice) Less(i, j int) bool { return s[i].deadline.Before(s[j].deadline) }
func (s waiterSlice) Swap(i, j int) {
	s[i], s[j] = s[j], s[i]
	s[i].hidx = i
	s[j].hidx = j
}
func (s *waiterSlice) Push(x any) {
	w := x.(*waiter)
	w.hidx = len(*s)
	*s = append(*s, w)
}
func (s *waiterSlice) Pop() any {
	old := *s
	n := len(old)
	w := old[n-1]
	old[n-1] = nil
	*s = old[:n-1]
	w.hidx = -1
	return w
}

func (wh *waiterHeap) push(w *waiter)   { heap.Push(&wh.h, w) }
func (wh *waiterHeap) fix(w *waiter)    { heap.Fix(&wh.h, w.hidx) }
func (wh *waiterHeap) remove(w *waiter) { heap.Remove(&wh.h, w.hidx) }
func (wh *waiterHeap) len() int         { return len(wh.h) }
func (wh *waiterHeap) peek() *waiter {
	if len(wh.h) == 0 {
		return nil
	}
	return wh.h[0]
}

// quotaItem is a per-IP quota charge released at the candidate's nominal deadline.
type quotaItem struct {
	prefix netip.Prefix
	cost   int64
	due    time.Time
}

type quotaHeap struct{ h quotaSlice }

type quotaSlice []quotaItem

func (s quotaSlice) Len() int           { return len(s) }
func (s quotaSlice) Less(i, j int) bool { return s[i].due.Before(s[j].due) }
func (s quotaSlice) Swap(i, j int)      { s[i], s[j] = s[j], s[i] }
func (s *quotaSlice) Push(x any)        { *s = append(*s, x.(quotaItem)) }
func (s *quotaSlice) Pop() any {
	old := *s
	n := len(old)
	it := old[n-1]
	*s = old[:n-1]
	return it
}

func (qh *quotaHeap) push(it quotaItem) { heap.Push(&qh.h, it) }
func (qh *quotaHeap) pop() quotaItem    { return heap.Pop(&qh.h).(quotaItem) }
func (qh *quotaHeap) peek() (quotaItem, bool) {
	if len(qh.h) == 0 {
		return quotaItem{}, false
	}
	return qh.h[0], true
}
