package ecdsa2p

import (
	"testing"
)

// The benchmarks run both parties in one process, each on its own goroutine as two devices
// would be, passing the encoded payloads of each round in memory (runLocal): no envelopes,
// no driver, no relay. Stores are MemoryStores, so persistence (marshalling the keyshare,
// the pre-signature and its tombstone) is included.

func BenchmarkKeygen2P(b *testing.B) {
	for b.Loop() {
		newLocal(b).keygen(b) // fresh stores: keygen never overwrites a stored keyshare
	}
}

func BenchmarkPresign2P(b *testing.B) {
	l := newLocal(b)
	l.keygen(b)
	for b.Loop() {
		l.presign(b)
	}
}

func BenchmarkSign2P(b *testing.B) {
	l := newLocal(b)
	l.keygen(b)
	digest := digestOf("bench")
	for b.Loop() {
		sid := l.presign(b)
		l.finish(b, sid, digest)
	}
}

// BenchmarkOnline2P times the finish session alone; the pre-signature of each iteration is
// made with the timer stopped.
func BenchmarkOnline2P(b *testing.B) {
	l := newLocal(b)
	l.keygen(b)
	digest := digestOf("bench")
	for b.Loop() {
		b.StopTimer()
		sid := l.presign(b)
		b.StartTimer()
		l.finish(b, sid, digest)
	}
}

func BenchmarkRefresh2P(b *testing.B) {
	l := newLocal(b)
	l.keygen(b)
	for b.Loop() {
		l.refresh(b)
	}
}
