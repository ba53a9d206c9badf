package ot

import (
	"runtime"
	"testing"

	"github.com/tandem-mpc/tandem/ecdsa2p/internal/testrng"
)

func benchCorrelation(b *testing.B) Correlation {
	c, err := NewCorrelation([32]byte{1, 2, 3}, 0, 1)
	if err != nil {
		b.Fatal(err)
	}
	return c
}

// benchBaseOT256 runs one direction of a keygen's base OTs: receiver message 1, sender message
// 2 and the receiver output (PROTOCOL.md §1.7: what one party's keygen does as receiver and as
// sender).
func benchBaseOT256(b *testing.B, batch Batch) {
	c := benchCorrelation(b)
	rs, ss := testrng.New("bench/recv"), testrng.New("bench/send")
	b.ReportAllocs()
	for b.Loop() {
		recv, msg1, err := NewBaseOTReceiver(c, rs, batch)
		if err != nil {
			b.Fatal(err)
		}
		_, msg2, err := NewBaseOTSender(c, msg1, ss, batch)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := recv.Finish(msg2, batch); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBaseOT256 spreads the OTs over all cores (what the public layer does).
func BenchmarkBaseOT256(b *testing.B) { benchBaseOT256(b, Parallel(runtime.GOMAXPROCS(0))) }

// BenchmarkBaseOT256Sequential is the same work on one goroutine.
func BenchmarkBaseOT256Sequential(b *testing.B) { benchBaseOT256(b, Sequential) }

func benchOutputs(b *testing.B) (*SenderOutputs, *ReceiverOutputs) {
	c := benchCorrelation(b)
	recv, msg1, err := NewBaseOTReceiver(c, testrng.New("bench/recv"), nil)
	if err != nil {
		b.Fatal(err)
	}
	so, msg2, err := NewBaseOTSender(c, msg1, testrng.New("bench/send"), nil)
	if err != nil {
		b.Fatal(err)
	}
	ro, err := recv.Finish(msg2, nil)
	if err != nil {
		b.Fatal(err)
	}
	return so, ro
}

// BenchmarkPPRFBuild is R's PPRF build and proof (§4.1) for one correlation, on one goroutine.
func BenchmarkPPRFBuild(b *testing.B) {
	so, _ := benchOutputs(b)
	b.ReportAllocs()
	for b.Loop() {
		buildPPRF(&so.corr.SIDPPRF, &so.o, nil)
	}
}

// BenchmarkPPRFEval is S's PPRF evaluation and verification (§4.2), on one goroutine.
func BenchmarkPPRFEval(b *testing.B) {
	so, ro := benchOutputs(b)
	_, msg := buildPPRF(&so.corr.SIDPPRF, &so.o, nil)
	b.ReportAllocs()
	for b.Loop() {
		if _, _, ok := evalPPRF(&ro.corr.SIDPPRF, &ro.cb, &ro.o, msg, nil); ok != 1 {
			b.Fatal("proof does not verify")
		}
	}
}

// BenchmarkCorrelation is one whole correlation on all cores: base OT (both roles) and the PPRF
// (build and evaluate). A keygen runs two, one per direction, and each party does half of each.
func BenchmarkCorrelation(b *testing.B) {
	c := benchCorrelation(b)
	batch := Parallel(runtime.GOMAXPROCS(0))
	rs, ss := testrng.New("bench/recv"), testrng.New("bench/send")
	b.ReportAllocs()
	for b.Loop() {
		recv, msg1, err := NewBaseOTReceiver(c, rs, batch)
		if err != nil {
			b.Fatal(err)
		}
		so, msg2, err := NewBaseOTSender(c, msg1, ss, batch)
		if err != nil {
			b.Fatal(err)
		}
		_, pprf, err := so.BuildPPRF(batch)
		if err != nil {
			b.Fatal(err)
		}
		ro, err := recv.Finish(msg2, batch)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := ro.EvalPPRF(pprf, batch); err != nil {
			b.Fatal(err)
		}
	}
}
