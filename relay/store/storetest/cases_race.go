package storetest

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tandem-mpc/tandem/relay"
	"github.com/tandem-mpc/tandem/relay/store"
)

// caseS12: ONE_RECEIVER. With two waiters exactly one delivery, to the earliest; with no
// waiter the first Ask claims it and the second gets nothing; concurrent Claims → exactly one
// true (across two instances: R, with Caps.MultiInstance).
func caseS12(t *testing.T, h *Harness) {
	e := h.newEnv(t, store.DefaultLimits(), 0)
	a := e.instance()
	b := e.peer(a)
	ctx := context.Background()

	// Two (or, across instances, three) waiters: exactly one delivery.
	id := newID(t)
	w1 := a.hub.register(id)
	a.hub.ask(t, w1, waitTTL)
	w2 := a.hub.register(id)
	a.hub.ask(t, w2, waitTTL)
	var w3 *waiter
	if b != a {
		w3 = b.hub.register(id)
		b.hub.ask(t, w3, waitTTL)
	}
	req := pubReq(t, id, longTTL, relay.FlagOneReceiver, body("s12 one"), who(1))
	require.Equal(t, store.Stored, publish(t, a.st, req))
	ds := a.sink.WaitDeliveries(t, id, 1, h.waitTimeout())
	require.True(t, ds[0].OneReceiver)
	require.NotZero(t, ds[0].Slot, "a stored ONE_RECEIVER candidate has a slot")
	if w3 != nil {
		b.sink.WaitDeliveries(t, id, 1, h.waitTimeout())
	}
	h.settle(t)
	a.hub.wait()
	b.hub.wait()
	r1, _ := a.hub.snapshot(w1)
	r2, _ := a.hub.snapshot(w2)
	total := r1 + r2
	if w3 != nil {
		r3, _ := b.hub.snapshot(w3)
		total += r3
	}
	require.Equal(t, 1, total, "exactly one waiter received the ONE_RECEIVER candidate")
	require.Zero(t, r2, "never the later waiter of the winning instance")
	require.Empty(t, ask(t, a.st, id, 0), "the claimed candidate is gone")

	// No waiter: the first Ask claims it, the second gets nothing.
	id2 := newID(t)
	req2 := pubReq(t, id2, longTTL, relay.FlagOneReceiver, body("s12 two"), who(1))
	require.Equal(t, store.Stored, publish(t, a.st, req2))
	cs := ask(t, b.st, id2, waitTTL)
	require.Len(t, cs, 1)
	require.True(t, cs[0].Claimed)
	require.True(t, cs[0].OneReceiver)
	require.Equal(t, req2.Frame, cs[0].Frame)
	require.Empty(t, ask(t, a.st, id2, waitTTL), "second asker gets nothing")
	won, err := a.st.Claim(ctx, id2, cs[0].Slot, req2.Digest)
	require.NoError(t, err)
	require.False(t, won, "already claimed by the Ask")

	// Claim race. Interest is registered with a plain Ask (no hub waiter, so nobody claims)
	// to learn the slot from the notification.
	id3 := newID(t)
	require.Empty(t, ask(t, a.st, id3, waitTTL))
	req3 := pubReq(t, id3, longTTL, relay.FlagOneReceiver, body("s12 three"), who(1))
	require.Equal(t, store.Stored, publish(t, b.st, req3))
	slot := a.sink.WaitDeliveries(t, id3, 1, h.waitTimeout())[0].Slot
	for _, bad := range []struct {
		slot   uint8
		digest [32]byte
	}{{slot, digestOf([]byte("other"))}, {slot + 1, req3.Digest}, {0, req3.Digest}} {
		won, err := a.st.Claim(ctx, id3, bad.slot, bad.digest)
		require.NoError(t, err)
		require.False(t, won, "claim with slot %d and a wrong digest or slot", bad.slot)
	}
	var wins atomic.Int32
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range 16 {
		st := a.st
		if i%2 == 1 {
			st = b.st // the cross-instance race (R) when b is another instance
		}
		wg.Go(func() {
			<-start
			won, err := st.Claim(ctx, id3, slot, req3.Digest)
			if err == nil && won {
				wins.Add(1)
			}
		})
	}
	close(start)
	wg.Wait()
	require.Equal(t, int32(1), wins.Load(), "exactly one Claim wins")
	require.Empty(t, ask(t, a.st, id3, 0))
}

// caseS14: the lost-wakeup race of WIRE.md §6.
//
// The store cannot deliver to waiters itself, so "every ask gets exactly one delivery" is
// stated against the hub's rule, modelled by modelHub: the hub registers its local waiter
// FIRST, then calls Store.Ask and hands the results to the waiter, while Sink.Deliver hands
// a notified candidate to every waiter registered at that moment; the waiter deduplicates by
// digest. Each round races one such ask against one publish of a fresh id. The store
// guarantees that the candidate reaches the waiter through Ask's result, through the
// notification, or both (never neither: that would be the lost wakeup); after deduplication
// the waiter has therefore enqueued exactly one frame, the published one. The raw count is 1
// or 2.
func caseS14(t *testing.T, h *Harness) {
	e := h.newEnv(t, store.DefaultLimits(), 0)
	a := e.instance()
	b := e.peer(a) // publisher: another instance when there is one
	n := h.iterations()
	type round struct {
		w      *waiter
		digest [32]byte
	}
	rounds := make([]round, n)
	var askErrs, pubErrs atomic.Int32
	for i := range rounds {
		id := newID(t)
		req := pubReq(t, id, longTTL, 0, body(fmt.Sprintf("s14 %d", i)), who(1))
		rounds[i].digest = req.Digest
		var wg sync.WaitGroup
		wg.Go(func() {
			w := a.hub.register(id)
			rounds[i].w = w
			if err := a.hub.tryAsk(w, waitTTL); err != nil {
				askErrs.Add(1)
			}
		})
		wg.Go(func() {
			if st, err := b.st.Publish(context.Background(), req); err != nil || st != store.Stored {
				pubErrs.Add(1)
			}
		})
		wg.Wait()
	}
	require.Zero(t, askErrs.Load(), "Ask errors")
	require.Zero(t, pubErrs.Load(), "publishes not Stored")

	allDelivered := func() bool {
		for _, r := range rounds {
			if received, _ := a.hub.snapshot(r.w); received == 0 {
				return false
			}
		}
		return true
	}
	a.sink.WaitUntil(h.waitTimeout(), allDelivered)
	h.settle(t)
	lost, bad := 0, 0
	for _, r := range rounds {
		received, distinct := a.hub.snapshot(r.w)
		switch {
		case received == 0:
			lost++
		case len(distinct) != 1 || distinct[0] != r.digest || received > 2:
			bad++
		}
	}
	require.Zero(t, lost, "lost wakeups in %d rounds", n)
	require.Zero(t, bad, "rounds with a wrong delivery in %d rounds", n)
}

// caseS15: 64 concurrent distinct publishers on one id → exactly N stored, the rest
// CandidatesFull; every asker sees the same set, and the notifications carry the same set.
func caseS15(t *testing.T, h *Harness) {
	e := h.newEnv(t, store.DefaultLimits(), 0)
	a := e.instance()
	b := e.peer(a)
	n := e.limits.MaxCandidates
	id := newID(t)
	require.Empty(t, ask(t, a.st, id, waitTTL)) // interest, for stores that track it

	const publishers = 64
	type result struct {
		status store.PublishStatus
		err    error
		digest [32]byte
	}
	results := make([]result, publishers)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range publishers {
		st := a.st
		if i%2 == 1 {
			st = b.st
		}
		req := pubReq(t, id, longTTL, 0, body(fmt.Sprintf("s15 %d", i)), who(i+1))
		wg.Go(func() {
			<-start
			status, err := st.Publish(context.Background(), req)
			results[i] = result{status, err, req.Digest}
		})
	}
	close(start)
	wg.Wait()

	var stored [][32]byte
	for i, r := range results {
		require.NoError(t, r.err, "publisher %d", i)
		switch r.status {
		case store.Stored:
			stored = append(stored, r.digest)
		case store.CandidatesFull:
		default:
			t.Fatalf("publisher %d: status %v", i, r.status)
		}
	}
	require.Len(t, stored, n, "exactly N stored")

	const askers = 8
	seen := make([][]store.Candidate, askers)
	errs := make([]error, askers)
	for i := range askers {
		st := a.st
		if i%2 == 1 {
			st = b.st
		}
		wg.Go(func() { seen[i], errs[i] = st.Ask(context.Background(), id, 0) })
	}
	wg.Wait()
	for i := range askers {
		require.NoError(t, errs[i])
		require.ElementsMatch(t, stored, digests(seen[i]), "asker %d", i)
		slotsValid(t, seen[i], n)
	}

	a.sink.WaitDeliveries(t, id, n, h.waitTimeout())
	h.settle(t)
	require.ElementsMatch(t, stored, digests(a.sink.DeliveriesFor(id)), "notified exactly the stored set")
}
