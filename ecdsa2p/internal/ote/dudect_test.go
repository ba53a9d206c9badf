//go:build dudect

// dudect-style timing smoke tests (PROTOCOL.md §12.3), not part of CI:
//
//	go test -tags dudect -run Dudect -v ./ecdsa2p/internal/ote [-dudect.n 40000] [-dudect.strict]
package ote

import (
	"testing"
	"time"

	"github.com/tandem-mpc/tandem/ecdsa2p/internal/gf128"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/ot"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/ote/dudect"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/ote/modn"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/testrng"
)

// The OT-extension sender's Δ-dependent work (PROTOCOL.md §5.2 steps 2, 3 and 5) for one block:
// class 0 has Δ = 0^256, class 1 a fresh random Δ; the leaves and u are random in both.
func TestDudectSenderDelta(t *testing.T) {
	rnd := testrng.New("ote/dudect/sender")
	sess := testSession(t, "dudect", 0, 1)
	p := newHasher(sess.ID())
	var lv ot.Leaves
	var delta [ot.Blocks]uint8
	var r [leaves][RowBytes]byte
	var w [Rows][RowBytes]byte
	u := make([]byte, uSize)
	tt := make([]byte, 16*4)
	var chi [4]gf128.Element
	for m := range chi {
		chi[m] = gf128.Element{uint64(m) + 1, 3}
	}
	dudect.Check(t, func(class int) time.Duration {
		rnd.RandomBytes(lv[0][0][:])
		rnd.RandomBytes(u[:RowBytes])
		rnd.RandomBytes(tt)
		d := rnd.Bytes(1)[0] & 0x0f
		delta[0] = d * uint8(class)
		start := time.Now()
		senderRows(p, &r, &w, &delta, &lv, u, 0, 1)
		ok := 1
		for i := range 4 {
			bit := uint64(delta[0]>>i) & 1
			want := gf128.Add(gf128.FromBytes((*[16]byte)(tt[16*i:])), gf128.Element{1, 2}.Mask(bit))
			ok &= fold(&w[i], &chi).Equal(want)
		}
		el := time.Since(start)
		_ = ok
		return el
	})
}

// GF(2^128) Fold (four products and the mask chunk) on a zero row vs a random row, with random
// challenges: the check of §5.2 step 5 runs on secret rows.
func TestDudectFold(t *testing.T) {
	rnd := testrng.New("ote/dudect/fold")
	var row [RowBytes]byte
	var chi [4]gf128.Element
	dudect.Check(t, func(class int) time.Duration {
		var cb [64]byte
		rnd.RandomBytes(cb[:])
		for m := range chi {
			chi[m] = gf128.FromBytes((*[16]byte)(cb[16*m:]))
		}
		row = [RowBytes]byte{}
		if class == 1 {
			rnd.RandomBytes(row[:])
		}
		start := time.Now()
		e := fold(&row, &chi)
		el := time.Since(start)
		_ = e
		return el
	})
}

// A positive control: class 1 expands one more leaf. The harness must see it, or the silence
// of the other tests means nothing.
func TestDudectPositiveControl(t *testing.T) {
	sess := testSession(t, "dudect", 0, 1)
	p := newHasher(sess.ID())
	var leaf [32]byte
	var dst [RowBytes]byte
	worst := dudect.T(t, func(class int) time.Duration {
		start := time.Now()
		for range 2 + class {
			p.expand80(&dst, &leaf, 1, 2)
		}
		return time.Since(start)
	})
	if worst <= dudect.Threshold {
		t.Errorf("|t| = %.1f: the harness did not see a known leak", worst)
	}
}

// The wide reduction of the pads (package modn): 64 zero bytes vs random bytes.
func TestDudectWideReduction(t *testing.T) {
	rnd := testrng.New("ote/dudect/wide")
	var w [64]byte
	dudect.Check(t, func(class int) time.Duration {
		w = [64]byte{}
		if class == 1 {
			rnd.RandomBytes(w[:])
		}
		start := time.Now()
		s := modn.FromWide(&w)
		el := time.Since(start)
		_ = s
		return el
	})
}
