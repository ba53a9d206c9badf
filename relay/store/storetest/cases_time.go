package storetest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tandem-mpc/tandem/relay"
	"github.com/tandem-mpc/tandem/relay/store"
)

// caseS07: candidate expiry is active: the candidate is gone within deadline + grace without
// any traffic, and the stats drop (for backends that know them); its slot and its
// contributor's allowance are free again while the id's other candidate stays. Timed.
func caseS07(t *testing.T, h *Harness) {
	e := h.newEnv(t, limitsN(2, 1), 0) // N = 2: the expired candidate's slot must be reused
	a := e.instance()
	id := newID(t)
	base := a.st.Stats()
	short := pubReq(t, id, time.Second, 0, body("s07 short"), who(1))
	long := pubReq(t, id, longTTL, 0, body("s07 long"), who(2))
	require.Equal(t, store.Stored, publish(t, a.st, short))
	require.Equal(t, store.Stored, publish(t, a.st, long))
	cost := func(r *store.PublishRequest) int64 { return int64(len(r.Frame)) + store.StoredBytesOverhead }
	if st := a.st.Stats(); statsKnown(st) {
		require.Equal(t, base.StoredCandidates+2, st.StoredCandidates)
		require.Equal(t, base.StoredBytes+cost(short)+cost(long), st.StoredBytes)
		require.Equal(t, base.StoredIDs+1, st.StoredIDs)
	}

	h.sleep(t, time.Second+h.grace()) // no traffic in between
	if st := a.st.Stats(); statsKnown(st) {
		require.Equal(t, base.StoredCandidates+1, st.StoredCandidates, "expired without any traffic")
		require.Equal(t, base.StoredBytes+cost(long), st.StoredBytes)
		require.Equal(t, base.StoredIDs+1, st.StoredIDs)
	}
	require.Equal(t, [][32]byte{long.Digest}, digests(ask(t, a.st, id, 0)))

	again := pubReq(t, id, time.Second, 0, body("s07 again"), who(1))
	require.Equal(t, store.Stored, publish(t, a.st, again), "the slot and the connection's allowance are free again")
	cs := ask(t, a.st, id, 0)
	require.ElementsMatch(t, [][32]byte{long.Digest, again.Digest}, digests(cs))
	slotsValid(t, cs, 2)

	other := newID(t)
	require.Equal(t, store.Stored, publish(t, a.st, pubReq(t, other, time.Second, 0, body("s07 other"), who(3))))
	h.sleep(t, time.Second+h.grace())
	if st := a.st.Stats(); statsKnown(st) {
		require.Equal(t, base.StoredCandidates+1, st.StoredCandidates, "both short candidates expired")
		require.Equal(t, base.StoredIDs+1, st.StoredIDs, "an id without candidates is gone")
	}
	require.Empty(t, ask(t, a.st, other, 0))
}

// caseS08: waiter expiry: a publish after the instance's interest lapsed is not delivered to
// it. Needs Caps.InterestTracking; a store that notifies every publish leaves waiter expiry to
// the hub (§13.2). Timed.
func caseS08(t *testing.T, h *Harness) {
	// Run skips this case without Caps.InterestTracking.
	e := h.newEnv(t, store.DefaultLimits(), 0)
	a := e.instance()
	b := e.peer(a)
	expired, live := newID(t), newID(t)
	require.Empty(t, ask(t, a.st, expired, time.Second))
	require.Empty(t, ask(t, a.st, live, 3*time.Second))
	h.sleep(t, time.Second+h.grace())

	require.Equal(t, store.Stored, publish(t, b.st, pubReq(t, expired, longTTL, 0, body("s08 late"), who(1))))
	require.Equal(t, store.Stored, publish(t, b.st, pubReq(t, live, longTTL, 0, body("s08 live"), who(1))))
	a.sink.WaitDeliveries(t, live, 1, h.waitTimeout())
	h.settle(t)
	require.Empty(t, a.sink.DeliveriesFor(expired), "interest lapsed at its deadline")
}

// caseS09: a repeated ask returns all candidates again; the waiter deadline becomes the max
// of the asks' deadlines (Caps.InterestTracking only; for memstore that part is the hub's).
// Timed.
func caseS09(t *testing.T, h *Harness) {
	e := h.newEnv(t, store.DefaultLimits(), 0)
	a := e.instance()
	b := e.peer(a)
	id := newID(t)
	r1 := pubReq(t, id, longTTL, 0, body("s09 one"), who(1))
	r2 := pubReq(t, id, longTTL, 0, body("s09 two"), who(2))
	require.Equal(t, store.Stored, publish(t, a.st, r1))
	require.Equal(t, store.Stored, publish(t, a.st, r2))
	for i := range 3 {
		cs := ask(t, a.st, id, waitTTL)
		require.ElementsMatch(t, [][32]byte{r1.Digest, r2.Digest}, digests(cs), "ask %d", i)
	}
	if b != a {
		require.ElementsMatch(t, [][32]byte{r1.Digest, r2.Digest}, digests(ask(t, b.st, id, 0)))
	}

	if !h.Caps.InterestTracking {
		t.Log("S09: waiter deadline = max is the hub's for a store without interest tracking")
		return
	}
	shorter, longer := newID(t), newID(t)
	require.Empty(t, ask(t, a.st, shorter, 3*time.Second))
	require.Empty(t, ask(t, a.st, shorter, time.Second)) // must not shorten
	require.Empty(t, ask(t, a.st, longer, time.Second))
	require.Empty(t, ask(t, a.st, longer, 3*time.Second)) // extends
	h.sleep(t, 2*time.Second)
	require.Equal(t, store.Stored, publish(t, b.st, pubReq(t, shorter, longTTL, 0, body("s09 s"), who(1))))
	require.Equal(t, store.Stored, publish(t, b.st, pubReq(t, longer, longTTL, 0, body("s09 l"), who(1))))
	a.sink.WaitDeliveries(t, shorter, 1, h.waitTimeout())
	a.sink.WaitDeliveries(t, longer, 1, h.waitTimeout())
}

// caseS10: a TTL-0 publish reaches the current waiters only (Slot 0, not stored); it is still
// subject to the duplicate test and the contributor limits (in the order of §8.3). A TTL-0
// ask returns what is stored and registers nothing (the latter checked with
// Caps.InterestTracking).
func caseS10(t *testing.T, h *Harness) {
	e := h.newEnv(t, store.DefaultLimits(), 0)
	a := e.instance()
	b := e.peer(a)
	id := newID(t)
	w := a.hub.register(id)
	a.hub.ask(t, w, waitTTL)
	base := a.st.Stats()

	zero := pubReq(t, id, 0, 0, body("s10 zero"), who(1))
	require.Equal(t, store.DeliveredUnstored, publish(t, b.st, zero))
	ds := a.sink.WaitDeliveries(t, id, 1, h.waitTimeout())
	require.Equal(t, uint8(0), ds[0].Slot, "TTL 0 is delivered with slot 0")
	require.Equal(t, zero.Frame, ds[0].Frame)
	require.False(t, ds[0].Claimed)
	received, _ := a.hub.snapshot(w)
	require.Equal(t, 1, received)
	require.Empty(t, ask(t, a.st, id, waitTTL), "TTL 0 is not stored")
	if st := a.st.Stats(); statsKnown(st) {
		require.Equal(t, base, st)
	}

	zeroOR := pubReq(t, id, 0, relay.FlagOneReceiver, body("s10 zero one-receiver"), who(2))
	require.Equal(t, store.DeliveredUnstored, publish(t, b.st, zeroOR))
	ds = a.sink.WaitDeliveries(t, id, 2, h.waitTimeout())
	require.Equal(t, uint8(0), ds[1].Slot)
	require.True(t, ds[1].OneReceiver)

	// Duplicate of a live candidate, and the contributor limit of a connection that owns one.
	stored := pubReq(t, id, longTTL, 0, body("s10 stored"), who(3))
	require.Equal(t, store.Stored, publish(t, b.st, stored))
	a.sink.WaitDeliveries(t, id, 3, h.waitTimeout())
	require.Equal(t, store.Duplicate, publish(t, b.st, pubReq(t, id, 0, 0, body("s10 stored"), who(4))))
	require.Equal(t, store.ContributorLimit, publish(t, b.st, pubReq(t, id, 0, 0, body("s10 other"), who(3))))
	h.settle(t)
	require.Len(t, a.sink.DeliveriesFor(id), 3, "refused TTL-0 publishes are not delivered")

	// TTL-0 ask returns what is stored.
	cs := ask(t, a.st, id, 0)
	require.Equal(t, [][32]byte{stored.Digest}, digests(cs))

	if !h.Caps.InterestTracking || b == a {
		t.Log("S10: 'current waiters only' and 'TTL-0 ask registers nothing' are the hub's for this store")
		return
	}
	// Only interested instances are notified, and a TTL-0 ask registers no interest.
	other := newID(t)
	require.Empty(t, ask(t, a.st, other, 0))
	require.Equal(t, store.DeliveredUnstored, publish(t, b.st, pubReq(t, other, 0, 0, body("s10 nobody"), who(1))))
	require.Equal(t, store.Stored, publish(t, b.st, pubReq(t, other, longTTL, 0, body("s10 nobody stored"), who(2))))
	h.settle(t)
	require.Empty(t, a.sink.DeliveriesFor(other), "a TTL-0 ask registers nothing")
	require.Empty(t, b.sink.DeliveriesFor(id), "b never asked for id")
}

// caseS11: the store clamps TTLs to Limits.MaxTTL (the hub clamps first; the store makes
// sure), and it never rewrites the frame's TTL field. Timed.
func caseS11(t *testing.T, h *Harness) {
	limits := store.DefaultLimits()
	limits.MaxTTL = 2 * time.Second
	e := h.newEnv(t, limits, 0)
	a := e.instance()
	id := newID(t)
	base := a.st.Stats()
	req := pubReq(t, id, time.Hour, 0, body("s11"), who(1))
	require.Equal(t, store.Stored, publish(t, a.st, req))

	h.sleep(t, time.Second)
	cs := ask(t, a.st, id, 0)
	require.Len(t, cs, 1)
	require.Equal(t, req.Frame, cs[0].Frame, "the TTL field is not rewritten")
	hdr, err := relay.ParseHeader(cs[0].Frame)
	require.NoError(t, err)
	require.Equal(t, time.Hour, hdr.TTL())

	h.sleep(t, time.Second+h.grace())
	require.Empty(t, ask(t, a.st, id, 0), "expired at MaxTTL")
	if st := a.st.Stats(); statsKnown(st) {
		require.Equal(t, base, st)
	}
}
