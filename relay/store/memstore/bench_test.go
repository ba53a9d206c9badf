package memstore

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"net/netip"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tandem-mpc/tandem/relay"
	"github.com/tandem-mpc/tandem/relay/store"
)

// benchFrameBody is the body length of benchmark frames (a typical tandem envelope is a few
// hundred bytes to 50 KB; the store never touches the body, so the size hardly matters).
const benchFrameBody = 256

// benchRequests returns n publish requests for distinct ids (spread over all shards), each
// with its own frame, digest and contributor.
func benchRequests(n int, ttl time.Duration) []*store.PublishRequest {
	reqs := make([]*store.PublishRequest, n)
	for i := range reqs {
		var id relay.MsgID
		binary.LittleEndian.PutUint64(id[:], uint64(i)*0x9E3779B97F4A7C15) // spread id[0]
		binary.LittleEndian.PutUint64(id[8:], uint64(i))
		body := make([]byte, benchFrameBody)
		binary.LittleEndian.PutUint64(body, uint64(i))
		frame, err := relay.PublishFrame(id, ttl, 0, body)
		if err != nil {
			panic("memstore: internal error: " + err.Error())
		}
		reqs[i] = &store.PublishRequest{
			ID: id, Frame: frame, Digest: sha256.Sum256(body), TTL: ttl,
			From: store.Contributor{Conn: "bench/1", IP: netip.MustParsePrefix("192.0.2.1/32")},
		}
	}
	return reqs
}

// BenchmarkMemstorePublish measures a Publish that stores a new candidate for a fresh id
// (the common case: one body per id), sink notification included. Virtual time advances 1 µs
// per publish with a 1 ms TTL, and the sweep runs every 256 publishes, so about 1000
// candidates are live and the cost of expiry is part of the figure.
func BenchmarkMemstorePublish(b *testing.B) {
	clk := newFakeClock()
	s := New(Config{Clock: clk}, nil)
	defer s.Close()
	reqs := benchRequests(1<<14, time.Millisecond)
	ctx := context.Background()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		req := reqs[i&(len(reqs)-1)]
		if st, err := s.Publish(ctx, req); err != nil || st != store.Stored {
			b.Fatalf("publish %d: %v %v", i, st, err)
		}
		clk.Advance(time.Microsecond)
		if i&255 == 255 {
			s.sweep(nil)
		}
		i++
	}
}

// BenchmarkMemstoreAsk measures an Ask that finds one live candidate among 16 384 stored ids.
func BenchmarkMemstoreAsk(b *testing.B) {
	s := New(Config{Clock: newFakeClock()}, nil)
	defer s.Close()
	reqs := benchRequests(1<<14, time.Hour)
	ctx := context.Background()
	for _, req := range reqs {
		if _, err := s.Publish(ctx, req); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		cs, err := s.Ask(ctx, reqs[i&(len(reqs)-1)].ID, time.Minute)
		if err != nil || len(cs) != 1 {
			b.Fatalf("ask: %d candidates, %v", len(cs), err)
		}
		i++
	}
}

// BenchmarkMemstorePublishParallel is BenchmarkMemstorePublish from GOMAXPROCS goroutines,
// each on its own ids, to show how the 256 shards scale.
func BenchmarkMemstorePublishParallel(b *testing.B) {
	clk := newFakeClock()
	s := New(Config{Clock: clk}, nil)
	defer s.Close()
	const perG = 1 << 13
	var next atomic.Int64
	ctx := context.Background()
	pools := make([][]*store.PublishRequest, runtime.GOMAXPROCS(0))
	for g := range pools {
		pools[g] = benchRequests(perG, time.Millisecond)
		for _, r := range pools[g] { // give every goroutine its own ids
			r.ID[31] = byte(g)
			r.Frame[31] = byte(g)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		g := int(next.Add(1)-1) % len(pools)
		reqs := pools[g]
		i := 0
		for pb.Next() {
			if st, err := s.Publish(ctx, reqs[i&(perG-1)]); err != nil || st != store.Stored {
				b.Errorf("publish: %v %v", st, err)
				return
			}
			clk.Advance(time.Microsecond)
			if i&1023 == 1023 {
				s.sweep(nil)
			}
			i++
		}
	})
}
