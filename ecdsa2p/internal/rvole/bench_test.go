package rvole

import (
	"sync"
	"testing"

	"github.com/tandem-mpc/tandem/ecdsa2p/internal/ot"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/ote"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/testrng"
	"github.com/tandem-mpc/tandem/internal/transcript"
)

// BenchmarkRVOLE runs one complete RVOLE with both roles, the OT extension included: the
// receiver's S2 work (extension message, pads, χ), the sender's S3 work (extension check, pads,
// RV) and the receiver's processing of RV (parse, μ check, d_0, d_1). It reports wall-clock
// ns/op and cpu-ns/op (CPU time of all threads).
func BenchmarkRVOLE(b *testing.B) { benchRVOLE(b, nil) }

// BenchmarkRVOLEParallel is BenchmarkRVOLE with the independent parts (leaf expansions, pads,
// gadget, RVOLE rows) spread over two goroutines by ot.Parallel(2), as the public layer may do.
func BenchmarkRVOLEParallel(b *testing.B) { benchRVOLE(b, ot.Parallel(2)) }

func benchRVOLE(b *testing.B, run ote.Runner) {
	cs, ds := testSeeds(b, "bench")
	signSID := transcript.H("tandem/v1/test/rvole", []byte("bench"))
	rnd := testrng.New("rvole/bench")
	a0, a1 := rnd.RandomScalar(), rnd.RandomScalar()
	b.ReportAllocs()
	start := cpuTime()
	defer reportCPU(b, start)
	for b.Loop() {
		sess, err := ote.NewSession(signSID, 0, 1) // one Session per extension
		if err != nil {
			b.Fatal(err)
		}
		sess = sess.WithRunner(run)
		recvOut, oteMsg, err := ote.NewReceiver(sess, cs, rnd)
		if err != nil {
			b.Fatal(err)
		}
		r, _, err := NewReceiver(recvOut)
		if err != nil {
			b.Fatal(err)
		}
		snd, err := ote.NewSender(sess, ds)
		if err != nil {
			b.Fatal(err)
		}
		sendOut, err := snd.Extend(oteMsg)
		if err != nil {
			b.Fatal(err)
		}
		rv, _, _, err := Send(sendOut, a0, a1, rnd)
		if err != nil {
			b.Fatal(err)
		}
		m, err := r.ParseMessage(rv)
		if err != nil {
			b.Fatal(err)
		}
		if _, _, err := r.Finish(m); err != nil {
			b.Fatal(err)
		}
	}
}

// twoCores is a Runner that spreads the parts over two goroutines by parity.
func twoCores(n int, f func(i int)) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 1; i < n; i += 2 {
			f(i)
		}
	}()
	for i := 0; i < n; i += 2 {
		f(i)
	}
	wg.Wait()
}
