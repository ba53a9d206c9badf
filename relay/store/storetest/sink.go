package storetest

import (
	"sync"
	"testing"
	"time"

	"github.com/tandem-mpc/tandem/relay"
	"github.com/tandem-mpc/tandem/relay/store"
)

// Delivery is one recorded Sink.Deliver call.
type Delivery struct {
	ID        relay.MsgID
	Candidate store.Candidate
}

// RecordingSink is a store.Sink that records every call. It is safe for concurrent use and
// never blocks. Its wait helpers use timers, so under testing/synctest they wait in virtual
// time. The zero value is not usable: create it with NewRecordingSink.
type RecordingSink struct {
	// Next, if non-nil, receives every call after it has been recorded (outside the sink's
	// lock). Set it before handing the sink to a store.
	Next store.Sink

	mu         sync.Mutex
	deliveries []Delivery
	resyncs    []string
	resets     []string
	changed    chan struct{} // closed and replaced on every recorded call
}

var _ store.Sink = (*RecordingSink)(nil)

// NewRecordingSink returns an empty RecordingSink.
func NewRecordingSink() *RecordingSink {
	return &RecordingSink{changed: make(chan struct{})}
}

// Deliver records a delivery.
func (s *RecordingSink) Deliver(id relay.MsgID, c store.Candidate) {
	s.mu.Lock()
	s.deliveries = append(s.deliveries, Delivery{ID: id, Candidate: c})
	s.mu.Unlock()
	if s.Next != nil {
		s.Next.Deliver(id, c)
	}
	s.notify()
}

// Resync records a resync.
func (s *RecordingSink) Resync(reason string) {
	s.mu.Lock()
	s.resyncs = append(s.resyncs, reason)
	s.mu.Unlock()
	if s.Next != nil {
		s.Next.Resync(reason)
	}
	s.notify()
}

// Reset records a reset.
func (s *RecordingSink) Reset(reason string) {
	s.mu.Lock()
	s.resets = append(s.resets, reason)
	s.mu.Unlock()
	if s.Next != nil {
		s.Next.Reset(reason)
	}
	s.notify()
}

// notify wakes the waiters, after Next has seen the call, so that a wait condition on
// Next's state holds by the time it is re-evaluated.
func (s *RecordingSink) notify() {
	s.mu.Lock()
	close(s.changed)
	s.changed = make(chan struct{})
	s.mu.Unlock()
}

// Deliveries returns a copy of every recorded delivery, in call order.
func (s *RecordingSink) Deliveries() []Delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Delivery(nil), s.deliveries...)
}

// DeliveriesFor returns the candidates delivered for id, in call order.
func (s *RecordingSink) DeliveriesFor(id relay.MsgID) []store.Candidate {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []store.Candidate
	for _, d := range s.deliveries {
		if d.ID == id {
			out = append(out, d.Candidate)
		}
	}
	return out
}

// Resyncs returns the reasons of the recorded Resync calls.
func (s *RecordingSink) Resyncs() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.resyncs...)
}

// Resets returns the reasons of the recorded Reset calls.
func (s *RecordingSink) Resets() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.resets...)
}

// Clear forgets everything recorded so far.
func (s *RecordingSink) Clear() {
	s.mu.Lock()
	s.deliveries, s.resyncs, s.resets = nil, nil, nil
	s.mu.Unlock()
}

// WaitUntil waits until cond returns true or timeout passes, and reports whether cond held.
// cond is evaluated without the sink's lock (it may call the sink's accessors) once at the
// start and again after every recorded call.
func (s *RecordingSink) WaitUntil(timeout time.Duration, cond func() bool) bool {
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	for {
		s.mu.Lock()
		ch := s.changed
		s.mu.Unlock()
		if cond() {
			return true
		}
		select {
		case <-ch:
		case <-timer.C:
			return cond()
		}
	}
}

// WaitDeliveries waits until at least n candidates were delivered for id and returns them; it
// fails the test if that does not happen within timeout.
func (s *RecordingSink) WaitDeliveries(t testing.TB, id relay.MsgID, n int, timeout time.Duration) []store.Candidate {
	t.Helper()
	if !s.WaitUntil(timeout, func() bool { return len(s.DeliveriesFor(id)) >= n }) {
		t.Fatalf("storetest: %d deliveries for id %s within %v, want %d", len(s.DeliveriesFor(id)), id.Short(), timeout, n)
	}
	return s.DeliveriesFor(id)
}

// WaitResync waits for at least one Resync call and fails the test after timeout.
func (s *RecordingSink) WaitResync(t testing.TB, timeout time.Duration) []string {
	t.Helper()
	if !s.WaitUntil(timeout, func() bool { return len(s.Resyncs()) > 0 }) {
		t.Fatalf("storetest: no Resync within %v", timeout)
	}
	return s.Resyncs()
}

// WaitReset waits for at least one Reset call and fails the test after timeout.
func (s *RecordingSink) WaitReset(t testing.TB, timeout time.Duration) []string {
	t.Helper()
	if !s.WaitUntil(timeout, func() bool { return len(s.Resets()) > 0 }) {
		t.Fatalf("storetest: no Reset within %v", timeout)
	}
	return s.Resets()
}
