package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tandem-mpc/tandem/relay"
	"github.com/tandem-mpc/tandem/relay/store"
)

// caseS13: store full → store.ErrStoreFull and no partial state. The byte-cap path needs
// Caps.ByteCap (memstore); the maxmemory path (R) needs a MemoryFiller backend. Timed.
func caseS13(t *testing.T, h *Harness) {
	e := h.newEnv(t, store.DefaultLimits(), 0)
	f, filler := e.b.(MemoryFiller) // Run skips the case when neither path applies
	if h.Caps.ByteCap {
		s13ByteCap(t, h)
	}
	if filler {
		s13Filled(t, e, f)
	}
}

func s13ByteCap(t *testing.T, h *Harness) {
	const bodyLen = 64
	cost := int64(store.StoredBytesOverhead + 36 + bodyLen)
	e := h.newEnv(t, store.DefaultLimits(), 3*cost+cost/2) // room for 3.5 candidates
	a := e.instance()
	mk := func(label string) []byte {
		b := make([]byte, bodyLen)
		copy(b, label)
		return b
	}
	ids := []relay.MsgID{newID(t), newID(t), newID(t)}
	for i, id := range ids {
		require.Equal(t, store.Stored, publish(t, a.st, pubReq(t, id, time.Second, 0, mk("s13 "+string(rune('a'+i))), who(1))))
	}
	full := a.st.Stats()
	if statsKnown(full) {
		require.Equal(t, 3*cost, full.StoredBytes)
	}

	id := newID(t)
	w := a.hub.register(id)
	a.hub.ask(t, w, waitTTL)
	_, err := a.st.Publish(context.Background(), pubReq(t, id, longTTL, 0, mk("s13 refused"), who(1)))
	require.ErrorIs(t, err, store.ErrStoreFull)
	_, err = a.st.Publish(context.Background(), pubReq(t, ids[0], longTTL, 0, mk("s13 second"), who(2)))
	require.ErrorIs(t, err, store.ErrStoreFull, "a second candidate of a stored id")
	h.settle(t)
	require.Empty(t, a.sink.DeliveriesFor(id), "a refused publish is not delivered")
	require.Empty(t, ask(t, a.st, id, 0), "a refused publish leaves nothing")
	require.Len(t, ask(t, a.st, ids[0], 0), 1)
	require.Equal(t, full, a.st.Stats(), "no partial state")

	// What needs no room still works while full.
	require.Equal(t, store.Duplicate, publish(t, a.st, pubReq(t, ids[0], longTTL, 0, mk("s13 a"), who(3))))
	require.Equal(t, store.DeliveredUnstored, publish(t, a.st, pubReq(t, id, 0, 0, mk("s13 zero"), who(1))))
	a.sink.WaitDeliveries(t, id, 1, h.waitTimeout())

	// Expiry frees the room.
	h.sleep(t, time.Second+h.grace())
	require.Equal(t, store.Stored, publish(t, a.st, pubReq(t, id, longTTL, 0, mk("s13 later"), who(1))))
}

func s13Filled(t *testing.T, e *env, f MemoryFiller) {
	a := e.instance()
	id := newID(t)
	release := f.FillMemory(t)
	_, err := a.st.Publish(context.Background(), pubReq(t, id, longTTL, 0, body("s13 oom"), who(1)))
	require.ErrorIs(t, err, store.ErrStoreFull)
	release()
	require.Empty(t, ask(t, a.st, id, 0), "the refused publish left nothing")
	require.Equal(t, store.Stored, publish(t, a.st, pubReq(t, id, longTTL, 0, body("s13 oom"), who(1))))
}

// caseS16 (R): asker on instance A, publisher on instance B → delivered to A through the
// backend; B, which never asked, is not notified (with interest tracking).
func caseS16(t *testing.T, h *Harness) {
	if !h.Caps.MultiInstance {
		t.Skip("S16: needs Caps.MultiInstance (R)")
	}
	e := h.newEnv(t, store.DefaultLimits(), 0)
	a := e.instance()
	b := e.instance()
	id := newID(t)
	require.Empty(t, ask(t, a.st, id, waitTTL))
	req := pubReq(t, id, longTTL, 0, body("s16"), who(1))
	require.Equal(t, store.Stored, publish(t, b.st, req))
	ds := a.sink.WaitDeliveries(t, id, 1, h.waitTimeout())
	require.Equal(t, req.Frame, ds[0].Frame)
	h.settle(t)
	require.Len(t, a.sink.DeliveriesFor(id), 1)
	if h.Caps.InterestTracking {
		require.Empty(t, b.sink.DeliveriesFor(id), "B has no interest in id")
	}
}

// caseS17 (R): the notification connection is killed; a publish during the gap reaches the
// asker through the Resync that follows the re-subscription (or through the notification).
func caseS17(t *testing.T, h *Harness) {
	e := h.newEnv(t, store.DefaultLimits(), 0)
	k, ok := e.b.(PubSubKiller)
	if !ok {
		t.Skip("S17: needs a PubSubKiller backend (R)")
	}
	a := e.instance()
	b := e.peer(a)
	id := newID(t)
	require.Empty(t, ask(t, a.st, id, waitTTL))
	k.KillPubSub(t)
	req := pubReq(t, id, longTTL, 0, body("s17"), who(1))
	require.Equal(t, store.Stored, publish(t, b.st, req))
	a.sink.WaitResync(t, h.waitTimeout())
	require.Contains(t, digests(ask(t, a.st, id, waitTTL)), req.Digest, "the re-Ask after Resync finds it")
}

// caseS18 (R): the subscription is blackholed; the probe notices, the store re-subscribes and
// calls Resync, and the re-Ask finds what was published meanwhile.
func caseS18(t *testing.T, h *Harness) {
	e := h.newEnv(t, store.DefaultLimits(), 0)
	p, ok := e.b.(InboxPauser)
	if !ok {
		t.Skip("S18: needs an InboxPauser backend (R)")
	}
	a := e.instance()
	b := e.peer(a)
	id := newID(t)
	require.Empty(t, ask(t, a.st, id, waitTTL))
	resume := p.PauseInbox(t)
	defer resume()
	req := pubReq(t, id, longTTL, 0, body("s18"), who(1))
	require.Equal(t, store.Stored, publish(t, b.st, req))
	a.sink.WaitResync(t, h.waitTimeout())
	require.Contains(t, digests(ask(t, a.st, id, waitTTL)), req.Digest)
}

// caseS19 (R): the backend restarts and loses its data → every instance calls Reset exactly
// once, and publishing works again.
func caseS19(t *testing.T, h *Harness) {
	e := h.newEnv(t, store.DefaultLimits(), 0)
	r, ok := e.b.(Restarter)
	if !ok {
		t.Skip("S19: needs a Restarter backend (R)")
	}
	insts := []*inst{e.instance()}
	if h.Caps.MultiInstance {
		insts = append(insts, e.instance())
	}
	r.RestartBackend(t)
	for _, in := range insts {
		in.sink.WaitReset(t, h.waitTimeout())
	}
	req := pubReq(t, newID(t), longTTL, 0, body("s19"), who(1))
	require.Eventually(t, func() bool {
		s, err := insts[0].st.Publish(context.Background(), req)
		return err == nil && s == store.Stored
	}, h.waitTimeout(), 50*time.Millisecond, "publish after the restart")
	h.settle(t)
	for i, in := range insts {
		require.Len(t, in.sink.Resets(), 1, "instance %d: exactly one Reset", i)
	}
}

// caseS20 (R): the backend is paused → Publish and Ask fail with store.ErrUnavailable (after
// the backend's op timeout); both work again once it is back.
func caseS20(t *testing.T, h *Harness) {
	e := h.newEnv(t, store.DefaultLimits(), 0)
	p, ok := e.b.(Pauser)
	if !ok {
		t.Skip("S20: needs a Pauser backend (R)")
	}
	const pause = 3 * time.Second
	a := e.instance()
	id := newID(t)
	p.PauseBackend(t, pause)
	req := pubReq(t, id, longTTL, 0, body("s20"), who(1))
	_, err := a.st.Publish(context.Background(), req)
	require.ErrorIs(t, err, store.ErrUnavailable)
	_, err = a.st.Ask(context.Background(), id, waitTTL)
	require.ErrorIs(t, err, store.ErrUnavailable)

	require.Eventually(t, func() bool {
		_, err := a.st.Ask(context.Background(), id, waitTTL)
		return err == nil
	}, pause+h.waitTimeout(), 50*time.Millisecond, "Ask recovers")
	var status store.PublishStatus
	require.Eventually(t, func() bool {
		s, err := a.st.Publish(context.Background(), req)
		status = s
		return err == nil || !errors.Is(err, store.ErrUnavailable)
	}, h.waitTimeout(), 50*time.Millisecond)
	require.Contains(t, []store.PublishStatus{store.Stored, store.Duplicate}, status)
	require.Contains(t, digests(ask(t, a.st, id, 0)), req.Digest)
}

// caseS21: a stale waiter of a dead instance does not disturb a publish, and the stale
// registration expires (R: checked with an InterestInspector backend). For a single-instance
// store the meaningful part is that an asker that went away left nothing behind. Timed.
func caseS21(t *testing.T, h *Harness) {
	e := h.newEnv(t, store.DefaultLimits(), 0)
	a := e.instance()
	id := newID(t)
	if h.Caps.MultiInstance {
		dead := e.instance()
		require.Empty(t, ask(t, dead.st, id, time.Second))
		dead.close()
	} else {
		require.Empty(t, ask(t, a.st, id, time.Second)) // the asker's connection then goes away
	}
	base := a.st.Stats()
	req := pubReq(t, id, longTTL, 0, body("s21"), who(1))
	require.Equal(t, store.Stored, publish(t, a.st, req))
	require.Equal(t, [][32]byte{req.Digest}, digests(ask(t, a.st, id, 0)))
	if st := a.st.Stats(); statsKnown(st) {
		require.Equal(t, base.StoredCandidates+1, st.StoredCandidates, "only the candidate is stored")
	}

	h.sleep(t, time.Second+h.grace())
	require.Equal(t, store.Stored, publish(t, a.st, pubReq(t, id, longTTL, 0, body("s21 later"), who(2))))
	if in, ok := e.b.(InterestInspector); ok {
		require.Zero(t, in.Interested(t, id), "the stale registration expired")
	}
}
