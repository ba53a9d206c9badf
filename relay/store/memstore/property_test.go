package memstore

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/tandem-mpc/tandem/relay"
	"github.com/tandem-mpc/tandem/relay/store"
)

// modelCand is a candidate in the reference model: present until a lookup of its id or a
// sweep finds it expired, exactly like the store's own bookkeeping.
type modelCand struct {
	digest      [32]byte
	conn, ip    string
	deadline    time.Duration
	slot        uint8
	oneReceiver bool
	cost        int64
}

// model is a straightforward reference implementation of WIRE.md §3.2/§3.3 for one store.
type model struct {
	n, perIP int
	maxBytes int64
	now      time.Duration
	bytes    int64
	ids      map[relay.MsgID][]*modelCand // arrival order
}

func (m *model) purge(id relay.MsgID) {
	var keep []*modelCand
	for _, c := range m.ids[id] {
		if c.deadline > m.now {
			keep = append(keep, c)
		} else {
			m.bytes -= c.cost
		}
	}
	if len(keep) == 0 {
		delete(m.ids, id)
	} else {
		m.ids[id] = keep
	}
}

func (m *model) remove(id relay.MsgID, c *modelCand) {
	cs := m.ids[id]
	for i := range cs {
		if cs[i] == c {
			m.ids[id] = append(cs[:i:i], cs[i+1:]...)
			break
		}
	}
	if len(m.ids[id]) == 0 {
		delete(m.ids, id)
	}
	m.bytes -= c.cost
}

// publish returns the expected status and slot (0 for none), or errFull.
func (m *model) publish(req *store.PublishRequest) (store.PublishStatus, uint8, error) {
	m.purge(req.ID)
	cs := m.ids[req.ID]
	for _, c := range cs {
		if c.digest == req.Digest {
			return store.Duplicate, 0, nil
		}
	}
	fromIP := 0
	for _, c := range cs {
		if c.conn == req.From.Conn {
			return store.ContributorLimit, 0, nil
		}
		if c.ip == req.From.IP.String() {
			fromIP++
		}
	}
	if m.perIP > 0 && fromIP >= m.perIP {
		return store.ContributorLimit, 0, nil
	}
	if req.TTL == 0 {
		return store.DeliveredUnstored, 0, nil
	}
	if len(cs) >= m.n {
		return store.CandidatesFull, 0, nil
	}
	cost := CandidateBytes(len(req.Frame))
	if m.bytes+cost > m.maxBytes {
		return 0, 0, store.ErrStoreFull
	}
	slot := uint8(1)
	for taken := true; taken; {
		taken = false
		for _, c := range cs {
			if c.slot == slot {
				taken = true
				slot++
				break
			}
		}
	}
	m.ids[req.ID] = append(cs, &modelCand{
		digest: req.Digest, conn: req.From.Conn, ip: req.From.IP.String(), deadline: m.now + req.TTL,
		slot: slot, oneReceiver: req.Frame[35]&0x80 != 0, cost: cost,
	})
	m.bytes += cost
	return store.Stored, slot, nil
}

// TestProperties drives a store and the model with random operation sequences and checks
// that every answer agrees and the store's invariants hold after every step: at most N
// candidates per id, pairwise distinct digests, distinct slots, a consistent heap, and stored
// bytes equal to the sum over present candidates of len(frame)+overhead.
func TestProperties(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		n := rapid.IntRange(1, 4).Draw(rt, "N")
		perIP := rapid.IntRange(0, 2).Draw(rt, "perIP")
		maxBytes := rapid.SampledFrom([]int64{1 << 30, 600, 1200}).Draw(rt, "maxBytes")
		clk := newFakeClock()
		sink := &countSink{}
		s := New(Config{Clock: clk, Limits: store.Limits{MaxCandidates: n, MaxCandidatesPerIP: perIP}, MaxStoredBytes: maxBytes}, sink)
		defer s.Close()
		m := &model{n: n, perIP: perIP, maxBytes: maxBytes, ids: map[relay.MsgID][]*modelCand{}}
		ctx := context.Background()
		// Ids 0 and 1 share a shard; id 2 has its own.
		ids := []relay.MsgID{idWith(5, 0), idWith(5, 1), idWith(6, 0)}
		drawID := func(rt *rapid.T) relay.MsgID { return ids[rapid.IntRange(0, len(ids)-1).Draw(rt, "id")] }

		rt.Repeat(map[string]func(*rapid.T){
			"publish": func(rt *rapid.T) {
				id := drawID(rt)
				body := fmt.Appendf(nil, "body %d %s", rapid.IntRange(0, 5).Draw(rt, "body"),
					make([]byte, rapid.SampledFrom([]int{0, 0, 150}).Draw(rt, "pad")))
				ttl := rapid.SampledFrom([]time.Duration{0, time.Second, 2 * time.Second, 5 * time.Second}).Draw(rt, "ttl")
				var flags uint16
				if rapid.Bool().Draw(rt, "oneReceiver") {
					flags = relay.FlagOneReceiver
				}
				req := request(rt, id, ttl, flags, body, rapid.IntRange(0, 3).Draw(rt, "conn"), rapid.IntRange(0, 2).Draw(rt, "ip"))
				wantStatus, wantSlot, wantErr := m.publish(req)
				status, err := s.Publish(ctx, req)
				if !errors.Is(err, wantErr) || status != wantStatus {
					rt.Fatalf("publish: got (%v, %v), want (%v, %v)", status, err, wantStatus, wantErr)
				}
				d := sink.take()
				switch wantStatus {
				case store.Stored, store.DeliveredUnstored:
					if len(d) != 1 || d[0].Slot != wantSlot || d[0].Digest != req.Digest || string(d[0].Frame) != string(req.Frame) {
						rt.Fatalf("deliveries %+v, want one with slot %d", d, wantSlot)
					}
				default:
					if len(d) != 0 {
						rt.Fatalf("%d deliveries for status %v", len(d), wantStatus)
					}
				}
			},
			"ask": func(rt *rapid.T) {
				id := drawID(rt)
				m.purge(id)
				want := m.ids[id]
				got, err := s.Ask(ctx, id, time.Minute)
				if err != nil || len(got) != len(want) {
					rt.Fatalf("ask: got %d candidates (%v), want %d", len(got), err, len(want))
				}
				for i, c := range want {
					if got[i].Digest != c.digest || got[i].Slot != c.slot || got[i].OneReceiver != c.oneReceiver || got[i].Claimed != c.oneReceiver {
						rt.Fatalf("ask: candidate %d is %+v, want %+v", i, got[i], *c)
					}
				}
				for _, c := range want {
					if c.oneReceiver {
						m.remove(id, c)
					}
				}
			},
			"claim": func(rt *rapid.T) {
				id := drawID(rt)
				slot := uint8(rapid.IntRange(0, 5).Draw(rt, "slot"))
				body := fmt.Appendf(nil, "body %d", rapid.IntRange(0, 5).Draw(rt, "body"))
				m.purge(id)
				var target *modelCand
				for _, c := range m.ids[id] {
					if c.slot == slot && c.oneReceiver && c.digest == sha256Of(string(body)) {
						target = c
					}
				}
				// Bodies with padding have other digests; claim the real one half the time.
				digest := sha256Of(string(body))
				if cs := m.ids[id]; len(cs) > 0 && rapid.Bool().Draw(rt, "realDigest") {
					c := cs[rapid.IntRange(0, len(cs)-1).Draw(rt, "which")]
					slot, digest = c.slot, c.digest
					target = nil
					if c.oneReceiver {
						target = c
					}
				}
				won, err := s.Claim(ctx, id, slot, digest)
				if err != nil || won != (target != nil) {
					rt.Fatalf("claim: got %v (%v), want %v", won, err, target != nil)
				}
				if target != nil {
					m.remove(id, target)
				}
			},
			"advance": func(rt *rapid.T) {
				d := rapid.SampledFrom([]time.Duration{100 * time.Millisecond, time.Second, 3 * time.Second}).Draw(rt, "d")
				clk.Advance(d)
				m.now += d
			},
			"sweep": func(rt *rapid.T) {
				s.sweep(nil)
				for id := range m.ids {
					m.purge(id)
				}
			},
			"": func(rt *rapid.T) {
				checkInvariants(rt, s)
				if got := s.Stats().StoredBytes; got != m.bytes {
					rt.Fatalf("stored bytes %d, model %d", got, m.bytes)
				}
			},
		})
	})
}
