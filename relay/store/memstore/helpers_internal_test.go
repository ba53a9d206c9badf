package memstore

import (
	"crypto/sha256"
	"fmt"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tandem-mpc/tandem/relay"
	"github.com/tandem-mpc/tandem/relay/store"
)

// fataler is the part of testing.TB (and *rapid.T) the helpers use.
type fataler interface {
	Helper()
	Fatal(args ...any)
	Fatalf(format string, args ...any)
}

// fakeClock is a manual clock whose tickers never fire: tests drive the sweeper by calling
// Store.sweep themselves. It is safe for concurrent use.
type fakeClock struct {
	base time.Time
	ns   atomic.Int64
}

func newFakeClock() *fakeClock { return &fakeClock{base: time.Unix(1_700_000_000, 0)} }

func (c *fakeClock) Now() time.Time                 { return c.base.Add(time.Duration(c.ns.Load())) }
func (c *fakeClock) Advance(d time.Duration)        { c.ns.Add(int64(d)) }
func (c *fakeClock) NewTicker(time.Duration) Ticker { return silentTicker{} }

type silentTicker struct{}

func (silentTicker) C() <-chan time.Time { return nil } // never fires
func (silentTicker) Stop()               {}

// countSink counts Deliver calls per kind of candidate. It is safe for concurrent use.
type countSink struct {
	mu         sync.Mutex
	deliveries []store.Candidate
}

func (s *countSink) Deliver(_ relay.MsgID, c store.Candidate) {
	s.mu.Lock()
	s.deliveries = append(s.deliveries, c)
	s.mu.Unlock()
}
func (s *countSink) Resync(string) {}
func (s *countSink) Reset(string)  {}

func (s *countSink) take() []store.Candidate {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.deliveries
	s.deliveries = nil
	return d
}

// idWith returns an id whose first byte (the shard) is shard and whose tail encodes n.
func idWith(shard byte, n uint64) relay.MsgID {
	var id relay.MsgID
	id[0] = shard
	for i := range 8 {
		id[1+i] = byte(n >> (8 * i))
	}
	return id
}

// request builds a publish request as the hub does.
func request(t fataler, id relay.MsgID, ttl time.Duration, flags uint16, body []byte, conn, ip int) *store.PublishRequest {
	t.Helper()
	frame, err := relay.PublishFrame(id, ttl, flags, body)
	if err != nil {
		t.Fatal(err)
	}
	return &store.PublishRequest{
		ID: id, Frame: frame, Digest: sha256.Sum256(body), TTL: ttl,
		From: store.Contributor{
			Conn: fmt.Sprintf("i/%d", conn),
			IP:   netip.PrefixFrom(netip.AddrFrom4([4]byte{192, 0, 2, byte(ip)}), 32),
		},
	}
}

// checkInvariants verifies the internal structure of s (no concurrent use allowed):
// every entry holds 1..N candidates with pairwise distinct digests and slots in 1..N matching
// its slot mask; every candidate sits in its shard's heap at its recorded index; the heaps are
// ordered; and the global counters equal the sums over the stored candidates.
func checkInvariants(t fataler, s *Store) {
	t.Helper()
	var bytes, cands, ids int64
	for si := range s.shards {
		sh := &s.shards[si]
		sh.mu.Lock()
		inHeap := 0
		for id, e := range sh.entries {
			if id[0] != byte(si) || e.id != id {
				t.Fatalf("entry %s in shard %d", id.Short(), si)
			}
			if len(e.cands) == 0 || len(e.cands) > s.limits.MaxCandidates {
				t.Fatalf("entry %s has %d candidates (N=%d)", id.Short(), len(e.cands), s.limits.MaxCandidates)
			}
			var mask uint32
			digests := map[[32]byte]bool{}
			for _, c := range e.cands {
				if c.entry != e {
					t.Fatalf("candidate of %s points to another entry", id.Short())
				}
				if digests[c.digest] {
					t.Fatalf("entry %s: duplicate digest", id.Short())
				}
				digests[c.digest] = true
				if c.slot < 1 || int(c.slot) > s.limits.MaxCandidates || mask&(1<<(c.slot-1)) != 0 {
					t.Fatalf("entry %s: bad or repeated slot %d", id.Short(), c.slot)
				}
				mask |= 1 << (c.slot - 1)
				if c.heapIdx < 0 || c.heapIdx >= len(sh.heap) || sh.heap[c.heapIdx] != c {
					t.Fatalf("entry %s: candidate not at its heap index", id.Short())
				}
				bytes += CandidateBytes(len(c.frame))
				cands++
				inHeap++
			}
			if mask != e.slots {
				t.Fatalf("entry %s: slot mask %b, want %b", id.Short(), e.slots, mask)
			}
			ids++
		}
		if inHeap != len(sh.heap) {
			t.Fatalf("shard %d: %d candidates, %d heap items", si, inHeap, len(sh.heap))
		}
		for i := 1; i < len(sh.heap); i++ {
			if sh.heap[(i-1)/2].deadline > sh.heap[i].deadline {
				t.Fatalf("shard %d: heap order broken at %d", si, i)
			}
		}
		sh.mu.Unlock()
	}
	st := s.Stats()
	if st.StoredBytes != bytes || st.StoredCandidates != cands || st.StoredIDs != ids {
		t.Fatalf("stats %+v, want bytes %d candidates %d ids %d", st, bytes, cands, ids)
	}
}

func sha256Of(s string) [32]byte { return sha256.Sum256([]byte(s)) }
