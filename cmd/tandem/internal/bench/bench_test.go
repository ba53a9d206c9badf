package bench

import (
	"context"
	"testing"
)

// The benchmarks run the operations of Run over the in-memory relay, both parties in this
// process on their own goroutines, through the Session SDK, the driver and the envelopes
// (ecdsa2p's own benchmarks pass the payloads in memory, without any of the three).

// memPair returns a pair over a fresh in-memory relay, with its keyshares made; the relay is
// closed at the end of the benchmark.
func memPair(b *testing.B) (*memRelay, *pair) {
	b.Helper()
	mem, err := newMemRelay(b.Context())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(mem.close)
	p, err := newPair(mem.c1, mem.c2)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := p.keygen(b.Context()); err != nil {
		b.Fatal(err)
	}
	return mem, p
}

func run(b *testing.B, op func(context.Context) error) {
	b.Helper()
	if err := op(b.Context()); err != nil {
		b.Fatal(err)
	}
}

func BenchmarkSessionKeygen(b *testing.B) {
	_, p := memPair(b)
	for b.Loop() {
		run(b, func(ctx context.Context) error { _, err := p.keygen(ctx); return err })
	}
}

// BenchmarkSessionSign is the one-call sign (SigngenP1 ‖ SigngenP2); it also reports the PUB
// bytes P1 sends per sign.
func BenchmarkSessionSign(b *testing.B) {
	mem, p := memPair(b)
	start := mem.n1.pubBytes.Load()
	for b.Loop() {
		run(b, func(ctx context.Context) error { _, err := p.sign(ctx); return err })
	}
	b.ReportMetric(float64(mem.n1.pubBytes.Load()-start)/float64(b.N), "P1-bytes/op")
}

func BenchmarkSessionPresign(b *testing.B) {
	_, p := memPair(b)
	for b.Loop() {
		run(b, func(ctx context.Context) error { _, _, err := p.presign(ctx); return err })
	}
}

// BenchmarkSessionFinish times the online round (FinishP1 ‖ FinishP2) alone; the
// pre-signature of each iteration is made with the timer stopped.
func BenchmarkSessionFinish(b *testing.B) {
	_, p := memPair(b)
	for b.Loop() {
		b.StopTimer()
		_, ps, err := p.presign(b.Context())
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		run(b, func(ctx context.Context) error { _, err := p.finish(ctx, ps); return err })
	}
}

// BenchmarkRelaySessionSign is BenchmarkSessionSign over the loopback WebSocket relay.
func BenchmarkRelaySessionSign(b *testing.B) {
	ws, err := newWSRelay(b.Context())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(ws.close)
	p, err := newPair(ws.c1, ws.c2)
	if err != nil {
		b.Fatal(err)
	}
	run(b, func(ctx context.Context) error { _, err := p.keygen(ctx); return err })
	for b.Loop() {
		run(b, func(ctx context.Context) error { _, err := p.sign(ctx); return err })
	}
}
