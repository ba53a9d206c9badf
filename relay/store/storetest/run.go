package storetest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tandem-mpc/tandem/relay"
	"github.com/tandem-mpc/tandem/relay/store"
)

// testCase is one row of WIRE.md §13.1.
type testCase struct {
	name  string
	timed bool // runs inside Harness.Bubble
	run   func(t *testing.T, h *Harness)
}

// needs holds the skip conditions of cases that run inside Harness.Bubble: they are checked
// outside the bubble, where t.Skip is reported as a skip.
var needs = map[string]func(t *testing.T, h *Harness) string{
	"S08_WaiterExpiry": func(_ *testing.T, h *Harness) string {
		if !h.Caps.InterestTracking {
			return "S08: the store keeps no waiters (Caps.InterestTracking unset); waiter expiry is the hub's (§13.2)"
		}
		return ""
	},
	"S13_StoreFull": func(t *testing.T, h *Harness) string {
		if h.Caps.ByteCap {
			return ""
		}
		if _, ok := h.NewBackend(t, BackendConfig{Limits: store.DefaultLimits()}).(MemoryFiller); !ok {
			return "S13: needs Caps.ByteCap or a MemoryFiller backend (R)"
		}
		return ""
	},
}

// cases lists S01–S21. Cases marked R in §13.1 need a capability or hook that only a
// multi-instance backend (Redis) has; they skip elsewhere, naming the case.
var cases = []testCase{
	{"S01_AskThenPublish", false, caseS01},
	{"S02_PublishThenAsk", false, caseS02},
	{"S03_Duplicate", true, caseS03},
	{"S04_SecondDistinctBody", false, caseS04},
	{"S05_CandidatesFull", false, caseS05},
	{"S06_ContributorLimits", true, caseS06},
	{"S07_ActiveExpiry", true, caseS07},
	{"S08_WaiterExpiry", true, caseS08},
	{"S09_RepeatedAsk", true, caseS09},
	{"S10_TTLZero", false, caseS10},
	{"S11_TTLClamp", true, caseS11},
	{"S12_OneReceiver", false, caseS12},          // cross-instance claim race: R
	{"S13_StoreFull", true, caseS13},             // maxmemory path: R
	{"S14_LostWakeup", false, caseS14},           //
	{"S15_ConcurrentPublishers", false, caseS15}, //
	{"S16_CrossInstance", false, caseS16},        // R
	{"S17_PubSubKilled", false, caseS17},         // R
	{"S18_ProbeBlackhole", false, caseS18},       // R
	{"S19_BackendRestart", false, caseS19},       // R
	{"S20_BackendPaused", false, caseS20},        // R
	{"S21_StaleWaiter", true, caseS21},           // expiry of the stale member: R
}

// Run runs the store conformance suite of WIRE.md §13.1 against the backend h describes, one
// subtest per case (S01_AskThenPublish, …). Every case builds its own backends and uses fresh
// random ids.
func Run(t *testing.T, h Harness) {
	if h.NewBackend == nil {
		t.Fatal("storetest: Harness.NewBackend is nil")
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if need := needs[c.name]; need != nil {
				if reason := need(t, &h); reason != "" {
					t.Skip(reason)
				}
			}
			if c.timed {
				h.bubble(t, func(t *testing.T) { c.run(t, &h) })
				return
			}
			c.run(t, &h)
		})
	}
}

// env is one backend of a case and the instances created on it.
type env struct {
	t      *testing.T
	h      *Harness
	b      Backend
	limits store.Limits
	n      int // instances created
}

// inst is one store instance with its recording sink and model hub.
type inst struct {
	st    store.Store
	sink  *RecordingSink
	hub   *modelHub
	close func() // closes st once (also done at cleanup)
}

func (h *Harness) newEnv(t *testing.T, limits store.Limits, maxStoredBytes int64) *env {
	t.Helper()
	b := h.NewBackend(t, BackendConfig{Limits: limits, MaxStoredBytes: maxStoredBytes})
	require.NotNil(t, b, "storetest: NewBackend returned nil")
	return &env{t: t, h: h, b: b, limits: limits}
}

// instance creates a store on e's backend. A second call needs Caps.MultiInstance.
func (e *env) instance() *inst {
	e.t.Helper()
	if e.n > 0 && !e.h.Caps.MultiInstance {
		panic("storetest: internal error: second instance without MultiInstance")
	}
	e.n++
	sink := NewRecordingSink()
	hub := newModelHub(sink)
	sink.Next = hub
	st := e.b.NewStore(e.t, sink)
	require.NotNil(e.t, st, "storetest: NewStore returned nil")
	hub.st = st
	var once sync.Once
	closeStore := func() { once.Do(func() { _ = st.Close() }) }
	e.t.Cleanup(func() {
		hub.wait()
		closeStore()
	})
	return &inst{st: st, sink: sink, hub: hub, close: closeStore}
}

// peer returns a second instance on the same backend if the backend has several, else a.
func (e *env) peer(a *inst) *inst {
	if e.h.Caps.MultiInstance {
		return e.instance()
	}
	return a
}

// newID returns a fresh random id.
func newID(t *testing.T) relay.MsgID {
	var id relay.MsgID
	if _, err := rand.Read(id[:]); err != nil {
		t.Fatalf("storetest: random id: %v", err)
	}
	return id
}

// who returns the contributor of test connection n, with its own IPv4 /32.
func who(n int) store.Contributor { return whoIP(n, n) }

// whoIP returns test connection n behind IP number ip.
func whoIP(n, ip int) store.Contributor {
	addr := netip.AddrFrom4([4]byte{10, byte(ip >> 16), byte(ip >> 8), byte(ip)})
	return store.Contributor{Conn: fmt.Sprintf("storetest/%d", n), IP: netip.PrefixFrom(addr, 32)}
}

// body returns a distinct body for label.
func body(label string) []byte { return []byte("storetest body " + label) }

func digestOf(b []byte) [32]byte { return sha256.Sum256(b) }

// pubReq builds a PublishRequest the way the hub does: frame = header ‖ body, digest over the
// body, TTL decoded from the header (or ttl when it is not representable, e.g. 0 or > max).
func pubReq(t *testing.T, id relay.MsgID, ttl time.Duration, flags uint16, b []byte, from store.Contributor) *store.PublishRequest {
	t.Helper()
	frame, err := relay.PublishFrame(id, ttl, flags, b)
	require.NoError(t, err)
	return &store.PublishRequest{ID: id, Frame: frame, Digest: digestOf(b), TTL: ttl, From: from}
}

// publish publishes and requires no error.
func publish(t *testing.T, st store.Store, req *store.PublishRequest) store.PublishStatus {
	t.Helper()
	status, err := st.Publish(context.Background(), req)
	require.NoError(t, err, "Publish")
	return status
}

// ask asks and requires no error.
func ask(t *testing.T, st store.Store, id relay.MsgID, ttl time.Duration) []store.Candidate {
	t.Helper()
	cs, err := st.Ask(context.Background(), id, ttl)
	require.NoError(t, err, "Ask")
	return cs
}

// digests returns the digests of cs in order.
func digests(cs []store.Candidate) [][32]byte {
	out := make([][32]byte, len(cs))
	for i, c := range cs {
		out[i] = c.Digest
	}
	return out
}

// slotsValid checks that the candidates of one id have distinct slots in 1..n.
func slotsValid(t *testing.T, cs []store.Candidate, n int) {
	t.Helper()
	seen := map[uint8]bool{}
	for _, c := range cs {
		require.GreaterOrEqual(t, int(c.Slot), 1, "slot")
		require.LessOrEqual(t, int(c.Slot), n, "slot")
		require.False(t, seen[c.Slot], "slot %d used twice", c.Slot)
		seen[c.Slot] = true
	}
}

// statsKnown reports whether the backend knows its candidate counts.
func statsKnown(s store.Stats) bool { return s.StoredCandidates >= 0 && s.StoredBytes >= 0 }

const (
	longTTL = 30 * time.Second // long enough that nothing expires during a case
	waitTTL = 30 * time.Second // asker TTL of cases that do not test waiter expiry
)

func limitsN(n, perIP int) store.Limits {
	return store.Limits{MaxCandidates: n, MaxCandidatesPerIP: perIP, MaxTTL: time.Hour}
}
