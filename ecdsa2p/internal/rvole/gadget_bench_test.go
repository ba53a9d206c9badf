package rvole

import (
	"testing"

	"github.com/tandem-mpc/tandem/ecdsa2p/internal/ote"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/ote/modn"
)

func BenchmarkGadget(b *testing.B) {
	sess, err := ote.NewSession([32]byte{1}, 0, 1)
	if err != nil {
		b.Fatal(err)
	}
	var g [ote.OTs]modn.Scalar
	b.ReportAllocs()
	for b.Loop() {
		gadget(&g, sess)
	}
}
