package rvole

import (
	"testing"

	"github.com/tandem-mpc/tandem/ecdsa2p/internal/ote"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/ote/modn"
	"github.com/tandem-mpc/tandem/internal/transcript"
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

// TestGadgetPaths checks both gadget paths against transcript.H2S.
func TestGadgetPaths(t *testing.T) {
	sess, err := ote.NewSession([32]byte{3}, 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	sid := sess.ID()
	defer func(v bool) { fastHash = v }(fastHash)
	for _, fast := range []bool{false, true} {
		fastHash = fast
		var g [ote.OTs]modn.Scalar
		gadget(&g, sess)
		for _, j := range []int{0, 1, 255, 256, 511} {
			jb := transcript.U16(uint16(j))
			want := modn.FromSecp(transcript.H2S(transcript.LabelRVOLEGadget, sid[:], jb[:]))
			if modn.Equal(&g[j], &want) != 1 {
				t.Fatalf("fast=%v: g_%d differs", fast, j)
			}
		}
	}
}
