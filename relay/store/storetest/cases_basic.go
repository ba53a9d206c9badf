package storetest

import (
	"net/netip"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tandem-mpc/tandem/relay"
	"github.com/tandem-mpc/tandem/relay/store"
)

// caseS01: ask then publish → the candidate is delivered once to the waiter.
func caseS01(t *testing.T, h *Harness) {
	e := h.newEnv(t, store.DefaultLimits(), 0)
	a := e.instance()
	id := newID(t)
	w := a.hub.register(id)
	a.hub.ask(t, w, waitTTL)
	_, got := a.hub.snapshot(w)
	require.Empty(t, got, "nothing stored yet")

	req := pubReq(t, id, longTTL, 0, body("s01"), who(1))
	require.Equal(t, store.Stored, publish(t, a.st, req))
	a.sink.WaitDeliveries(t, id, 1, h.waitTimeout())
	h.settle(t)

	ds := a.sink.DeliveriesFor(id)
	require.Len(t, ds, 1, "one notification per stored candidate")
	c := ds[0]
	require.Equal(t, req.Frame, c.Frame, "delivered frame is byte-identical")
	require.Equal(t, req.Digest, c.Digest)
	require.False(t, c.OneReceiver)
	require.False(t, c.Claimed)
	slotsValid(t, ds, e.limits.MaxCandidates)
	received, distinct := a.hub.snapshot(w)
	require.Equal(t, 1, received, "waiter received the frame once")
	require.Equal(t, [][32]byte{req.Digest}, distinct)
}

// caseS02: publish then ask → the candidate is returned by Ask at once.
func caseS02(t *testing.T, h *Harness) {
	e := h.newEnv(t, store.DefaultLimits(), 0)
	a := e.instance()
	id := newID(t)
	req := pubReq(t, id, longTTL, relay.AppFlagsMask&0x0123, body("s02"), who(1))
	require.Equal(t, store.Stored, publish(t, a.st, req))

	cs := ask(t, a.st, id, waitTTL)
	require.Len(t, cs, 1)
	require.Equal(t, req.Frame, cs[0].Frame, "exact bytes, header included")
	require.Equal(t, req.Digest, cs[0].Digest)
	require.False(t, cs[0].Claimed)
	slotsValid(t, cs, e.limits.MaxCandidates)

	require.Empty(t, ask(t, a.st, newID(t), waitTTL), "another id has nothing")
}

// caseS03: an identical body republished (also with another TTL, other flags, from another
// connection, with TTL 0) → Duplicate, no second delivery, first header wins, and the
// deadline is not extended. Timed.
func caseS03(t *testing.T, h *Harness) {
	e := h.newEnv(t, store.DefaultLimits(), 0)
	a := e.instance()
	id := newID(t)
	w := a.hub.register(id)
	a.hub.ask(t, w, waitTTL)

	b := body("s03")
	first := pubReq(t, id, 2*time.Second, 0, b, who(1))
	require.Equal(t, store.Stored, publish(t, a.st, first))
	a.sink.WaitDeliveries(t, id, 1, h.waitTimeout())
	h.sleep(t, time.Second)

	for i, req := range []*store.PublishRequest{
		pubReq(t, id, 2*time.Second, 0, b, who(1)),                           // same frame
		pubReq(t, id, longTTL, 0, b, who(1)),                                 // longer TTL
		pubReq(t, id, longTTL, relay.FlagOneReceiver|0x0001, b, who(2)),      // other flags, conn, IP
		pubReq(t, id, 0, 0, b, whoIP(3, 1)),                                  // TTL 0
		pubReq(t, id, 2*time.Second, 0, b, store.Contributor{Conn: "other"}), // no IP
	} {
		require.Equal(t, store.Duplicate, publish(t, a.st, req), "republish %d", i)
	}
	h.settle(t)
	require.Len(t, a.sink.DeliveriesFor(id), 1, "duplicates are not delivered")
	received, _ := a.hub.snapshot(w)
	require.Equal(t, 1, received)

	cs := ask(t, a.st, id, waitTTL)
	require.Len(t, cs, 1)
	require.Equal(t, first.Frame, cs[0].Frame, "the first header wins")

	h.sleep(t, time.Second+h.grace())
	require.Empty(t, ask(t, a.st, id, waitTTL), "the duplicates did not extend the deadline")
}

// caseS04: a second distinct body → stored; delivered to the existing waiter and returned to
// a later asker.
func caseS04(t *testing.T, h *Harness) {
	e := h.newEnv(t, store.DefaultLimits(), 0)
	a := e.instance()
	id := newID(t)
	w := a.hub.register(id)
	a.hub.ask(t, w, waitTTL)

	r1 := pubReq(t, id, longTTL, 0, body("s04 one"), who(1))
	r2 := pubReq(t, id, longTTL, 0, body("s04 two"), who(2))
	require.Equal(t, store.Stored, publish(t, a.st, r1))
	require.Equal(t, store.Stored, publish(t, a.st, r2))
	a.sink.WaitDeliveries(t, id, 2, h.waitTimeout())
	h.settle(t)

	ds := a.sink.DeliveriesFor(id)
	require.Len(t, ds, 2)
	require.ElementsMatch(t, [][32]byte{r1.Digest, r2.Digest}, digests(ds))
	slotsValid(t, ds, e.limits.MaxCandidates)
	_, distinct := a.hub.snapshot(w)
	require.ElementsMatch(t, [][32]byte{r1.Digest, r2.Digest}, distinct, "the waiter got both")

	later := a.hub.register(id)
	a.hub.ask(t, later, waitTTL)
	_, distinct = a.hub.snapshot(later)
	require.ElementsMatch(t, [][32]byte{r1.Digest, r2.Digest}, distinct, "a later asker gets both")
	cs := ask(t, a.st, id, waitTTL)
	require.Len(t, cs, 2)
	slotsValid(t, cs, e.limits.MaxCandidates)
}

// caseS05: the N+1-th distinct body → CandidatesFull; askers see exactly N. Also N = 1
// (first writer wins).
func caseS05(t *testing.T, h *Harness) {
	for _, n := range []int{3, 1} {
		e := h.newEnv(t, limitsN(n, 1), 0)
		a := e.instance()
		id := newID(t)
		var stored [][32]byte
		for i := range n {
			req := pubReq(t, id, longTTL, 0, body("s05 "+string(rune('a'+i))), who(i+1))
			require.Equal(t, store.Stored, publish(t, a.st, req), "N=%d candidate %d", n, i)
			stored = append(stored, req.Digest)
		}
		extra := pubReq(t, id, longTTL, 0, body("s05 extra"), who(100))
		require.Equal(t, store.CandidatesFull, publish(t, a.st, extra), "N=%d", n)
		again := pubReq(t, id, longTTL, 0, body("s05 a"), who(101))
		require.Equal(t, store.Duplicate, publish(t, a.st, again), "duplicate test comes first")

		cs := ask(t, a.st, id, waitTTL)
		require.Len(t, cs, n)
		require.ElementsMatch(t, stored, digests(cs))
		slotsValid(t, cs, n)
	}
}

// caseS06: contributor limits (§3.3), checked after the duplicate test and only for a new
// digest: one live candidate per connection and id; at most MaxCandidatesPerIP per IP prefix
// and id (0 = off). A connection whose candidate expired may publish again. Timed.
func caseS06(t *testing.T, h *Harness) {
	ipX, ipY := 1, 2
	type step = struct {
		conn, ip int
		label    string
		want     store.PublishStatus
	}
	run := func(perIP int, steps []step) {
		e := h.newEnv(t, limitsN(4, perIP), 0)
		a := e.instance()
		id := newID(t)
		for i, s := range steps {
			req := pubReq(t, id, longTTL, 0, body(s.label), whoIP(s.conn, s.ip))
			require.Equal(t, s.want, publish(t, a.st, req), "per-IP limit %d, step %d", perIP, i)
		}
	}
	run(1, []step{
		{1, ipX, "A", store.Stored},
		{1, ipX, "B", store.ContributorLimit}, // same connection
		{1, ipX, "A", store.Duplicate},        // duplicate test first
		{2, ipX, "B", store.ContributorLimit}, // same IP, limit 1
		{3, ipY, "B", store.Stored},
	})
	run(0, []step{
		{1, ipX, "A", store.Stored},
		{1, ipX, "B", store.ContributorLimit}, // the connection limit stays
		{2, ipX, "B", store.Stored},           // IP limit off
		{3, ipX, "C", store.Stored},
	})
	run(2, []step{
		{1, ipX, "A", store.Stored},
		{2, ipX, "B", store.Stored},
		{3, ipX, "C", store.ContributorLimit},
		{4, ipY, "C", store.Stored},
	})

	// IPv6: the hub hands over masked /64 prefixes; two hosts of one /64 are one contributor IP.
	e := h.newEnv(t, limitsN(4, 1), 0)
	a := e.instance()
	id := newID(t)
	p64 := netip.MustParsePrefix("2001:db8:1:2::/64")
	require.Equal(t, store.Stored, publish(t, a.st, pubReq(t, id, longTTL, 0, body("v6 A"), store.Contributor{Conn: "v6/1", IP: p64})))
	require.Equal(t, store.ContributorLimit, publish(t, a.st, pubReq(t, id, longTTL, 0, body("v6 B"), store.Contributor{Conn: "v6/2", IP: p64})))

	// Only live candidates count: after expiry the same connection may publish again.
	id = newID(t)
	require.Equal(t, store.Stored, publish(t, a.st, pubReq(t, id, time.Second, 0, body("short"), who(7))))
	h.sleep(t, time.Second+h.grace())
	require.Equal(t, store.Stored, publish(t, a.st, pubReq(t, id, longTTL, 0, body("after"), who(7))))
}
