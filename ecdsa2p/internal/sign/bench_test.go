package sign_test

import (
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/keyshare"
	"testing"

	"github.com/tandem-mpc/tandem/ecdsa2p/internal/ot"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/rng"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/sign"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/testvec"
)

// benchSign runs presign and finish for both parties, sequentially on one goroutine, b.N
// times with crypto/rand, and reports the payload bytes each party sends per round.
func benchSign(b *testing.B, runner ot.Batch) {
	ks := katKeyshares(b)
	in := testvec.DefaultSign1(ks)
	in.Sources = [2]rng.Source{rng.System, rng.System}
	in.Runner = runner
	var run *testvec.SignRun
	for b.Loop() {
		var err error
		if run, err = testvec.RunSign(in); err != nil {
			b.Fatal(err)
		}
	}
	for r, name := range []string{"S1", "S2", "S3", "S4"} {
		b.ReportMetric(float64(len(run.Payloads[r][0])), name+"-B/party")
	}
}

// BenchmarkSign2PCore is presign (S1–S3) + finish (S4) of both parties in one goroutine: the
// CPU cost of one signature for the pair, without transport.
func BenchmarkSign2PCore(b *testing.B) { benchSign(b, nil) }

// BenchmarkSign2PCoreParallel2 is the same with the OT extension and RVOLE parts spread over
// two goroutines.
func BenchmarkSign2PCoreParallel2(b *testing.B) { benchSign(b, ot.Parallel(2)) }

// BenchmarkFinish2P is Finish (S4) of both parties on fresh pre-signatures: the online phase.
func BenchmarkFinish2P(b *testing.B) {
	ks := katKeyshares(b)
	in := testvec.DefaultSign1(ks)
	for b.Loop() {
		b.StopTimer()
		pre, err := runPresign(b, in)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		r4a, s4a, err := sign.Finish(ks[0], pre[0], in.Digest[0])
		if err != nil {
			b.Fatal(err)
		}
		r4b, s4b, err := sign.Finish(ks[1], pre[1], in.Digest[1])
		if err != nil {
			b.Fatal(err)
		}
		if _, err := r4a.Next(s4b); err != nil {
			b.Fatal(err)
		}
		if _, err := r4b.Next(s4a); err != nil {
			b.Fatal(err)
		}
	}
}

// signParty runs one party's presign and finish, exchanging payloads over channels.
func signParty(ks *keyshare.Keyshare, inst [32]byte, e [32]byte, send chan<- []byte, recv <-chan []byte) error {
	r1, err := sign.NewPresign(ks, inst, nil, rng.System)
	if err != nil {
		return err
	}
	send <- r1.Payload()
	r2, s2, err := r1.Next(<-recv)
	if err != nil {
		return err
	}
	send <- s2
	r3, s3, err := r2.Next(<-recv)
	if err != nil {
		return err
	}
	send <- s3
	pre, err := r3.Next(<-recv)
	if err != nil {
		return err
	}
	r4, s4, err := sign.Finish(ks, pre, e)
	if err != nil {
		return err
	}
	send <- s4
	_, err = r4.Next(<-recv)
	return err
}

// BenchmarkSign2PConcurrent runs the two parties on two goroutines connected by channels:
// the wall-clock latency of one signature without network (the shape of the public
// BenchmarkSign2P).
func BenchmarkSign2PConcurrent(b *testing.B) {
	ks := katKeyshares(b)
	var inst [32]byte
	e := testvec.Sign1Digest
	for b.Loop() {
		inst[0]++
		ab, ba := make(chan []byte, 1), make(chan []byte, 1)
		errs := make(chan error, 2)
		go func() { errs <- signParty(ks[0], inst, e, ab, ba) }()
		go func() { errs <- signParty(ks[1], inst, e, ba, ab) }()
		for range 2 {
			if err := <-errs; err != nil {
				b.Fatal(err)
			}
		}
	}
}
