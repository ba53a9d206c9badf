package ote

import (
	"testing"

	"github.com/tandem-mpc/tandem/ecdsa2p/internal/ote/modn"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/testrng"
)

// BenchmarkSoftSpokenExtend512 runs one extension of 512 OTs with both roles: the receiver's
// message and pads, then the sender's check and pads.
func BenchmarkSoftSpokenExtend512(b *testing.B) {
	cs, ds := testSeeds(b, "bench")
	sess := testSession(b, "bench", 0, 1)
	rnd := testrng.New("ote/bench")
	b.ReportAllocs()
	start := cpuTime()
	defer reportCPU(b, start)
	for b.Loop() {
		_, msg, err := NewReceiver(renew(sess), cs, rnd)
		if err != nil {
			b.Fatal(err)
		}
		snd, err := NewSender(renew(sess), ds)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := snd.Extend(msg); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReceiver and BenchmarkSender split the extension by role.
func BenchmarkReceiver(b *testing.B) {
	cs, _ := testSeeds(b, "bench")
	sess := testSession(b, "bench", 0, 1)
	rnd := testrng.New("ote/bench")
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := NewReceiver(renew(sess), cs, rnd); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSender(b *testing.B) {
	cs, ds := testSeeds(b, "bench")
	sess := testSession(b, "bench", 0, 1)
	_, msg, err := NewReceiver(renew(sess), cs, testrng.New("ote/bench"))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		snd, err := NewSender(renew(sess), ds)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := snd.Extend(msg); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkExpand80(b *testing.B) {
	p := newHasher([32]byte{1})
	var dst [RowBytes]byte
	var leaf [32]byte
	for b.Loop() {
		p.expand80(&dst, &leaf, 3, 4)
	}
}

func BenchmarkPad(b *testing.B) {
	p := newHasher([32]byte{1})
	var out [Width]modn.Scalar
	var key [32]byte
	for b.Loop() {
		p.pad(&out, &key, 77)
	}
}
