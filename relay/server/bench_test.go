package server_test

import (
	"context"
	"encoding/binary"
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/tandem-mpc/tandem/relay"
	"github.com/tandem-mpc/tandem/relay/relaytest"
	"github.com/tandem-mpc/tandem/relay/server"
)

func benchConfig() server.Config {
	cfg := testConfig()
	cfg.MaxPendingAsks = 1 << 20
	cfg.MaxStoredBytes = 4 << 30
	cfg.MaxStoredBytesPerIP = server.Off
	cfg.SweepInterval = 100 * time.Millisecond
	return cfg
}

// roundTrip runs one ASK (asker) + PUB (publisher) + delivery on a fresh id per iteration.
func roundTrip(b *testing.B, asker, publisher relay.Link, body []byte) {
	ctx := context.Background()
	var n uint64
	for b.Loop() {
		n++
		var id relay.MsgID
		binary.BigEndian.PutUint64(id[:], n)
		if err := asker.WriteFrame(ctx, relay.AskFrame(id, 2*time.Second)); err != nil {
			b.Fatal(err)
		}
		f, _ := relay.PublishFrame(id, 2*time.Second, 0, body)
		if err := publisher.WriteFrame(ctx, f); err != nil {
			b.Fatal(err)
		}
		if _, err := asker.ReadFrame(ctx); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(len(body) + relay.HeaderSize))
}

// BenchmarkHubPublishDeliver measures ASK → PUB → delivery through the hub and the memory
// store over in-memory links.
func BenchmarkHubPublishDeliver(b *testing.B) {
	for _, size := range []int{1 << 10, 48 << 10} {
		b.Run(byteSize(size), func(b *testing.B) {
			r, err := relaytest.New(benchConfig())
			if err != nil {
				b.Fatal(err)
			}
			defer r.Close()
			asker, _ := r.LinkDialer(mustAddr("10.0.0.1"))(context.Background())
			publisher, _ := r.LinkDialer(mustAddr("10.0.0.2"))(context.Background())
			roundTrip(b, asker, publisher, make([]byte, size))
		})
	}
}

// BenchmarkWebSocketRoundTrip is the same exchange over real WebSockets on loopback.
func BenchmarkWebSocketRoundTrip(b *testing.B) {
	for _, size := range []int{1 << 10, 48 << 10} {
		b.Run(byteSize(size), func(b *testing.B) {
			srv, err := server.New(benchConfig(), nil)
			if err != nil {
				b.Fatal(err)
			}
			hs := httptest.NewServer(srv)
			defer hs.Close()
			defer srv.Close()
			asker, _, err := dialWS(context.Background(), wsURLOf(hs), "", nil)
			if err != nil {
				b.Fatal(err)
			}
			defer asker.Close(relay.CloseNormal, "")
			publisher, _, err := dialWS(context.Background(), wsURLOf(hs), "", nil)
			if err != nil {
				b.Fatal(err)
			}
			defer publisher.Close(relay.CloseNormal, "")
			roundTrip(b, asker, publisher, make([]byte, size))
		})
	}
}

func byteSize(n int) string { return fmt.Sprintf("%dKiB", n>>10) }
