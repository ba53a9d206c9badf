//go:build dudect

// dudect-style timing smoke tests (PROTOCOL.md §12.3), not part of CI:
//
//	go test -tags dudect -run Dudect -v ./ecdsa2p/internal/rvole [-dudect.n 40000] [-dudect.strict]
package rvole

import (
	"testing"
	"time"

	"github.com/tandem-mpc/tandem/ecdsa2p/internal/ote"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/ote/dudect"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/ote/modn"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/testrng"
	"github.com/tandem-mpc/tandem/internal/transcript"
)

// The RVOLE receiver's β-dependent work (PROTOCOL.md §6.3 steps 3, 4 and 6) on eight rows:
// class 0 has β = 0 there, class 1 all ones; pads and the message are random in both.
func TestDudectReceiverBeta(t *testing.T) {
	sess, err := ote.NewSession(transcript.H("tandem/v1/test/rvole", []byte("dudect")), 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	_, _, alpha, beta := vectorPads("rvole/dudect/pads")
	r, _ := newReceiver(sess, beta, alpha, func() {})
	rnd := testrng.New("rvole/dudect")
	m := &Message{sid: sess.ID()}
	for j := range 8 {
		for k := range ote.Width {
			m.atilde[j][k] = modn.FromSecp(rnd.RandomScalar())
		}
	}
	th0, th1 := modn.FromSecp(rnd.RandomScalar()), modn.FromSecp(rnd.RandomScalar())
	negEta := modn.FromSecp(rnd.RandomScalar())
	n := make([]byte, nSize)
	dudect.Check(t, func(class int) time.Duration {
		beta[0] = byte(-class)
		alpha[0][0] = modn.FromSecp(rnd.RandomScalar())
		var acc [2]modn.Acc
		start := time.Now()
		r.rows(m, &th0, &th1, &negEta, 0, 8, &acc, n)
		return time.Since(start)
	})
}

// χ = Σ β_j·g_j with β = 0 vs all ones (PROTOCOL.md §6.1).
func TestDudectChi(t *testing.T) {
	sess, err := ote.NewSession(transcript.H("tandem/v1/test/rvole", []byte("dudect")), 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	_, _, alpha, beta := vectorPads("rvole/dudect/pads")
	r, _ := newReceiver(sess, beta, alpha, func() {})
	dudect.Check(t, func(class int) time.Duration {
		for i := range beta {
			beta[i] = byte(-class)
		}
		start := time.Now()
		var acc modn.Acc
		for j := range ote.OTs {
			t := modn.Mask(&r.g[j], r.choice(j))
			acc.Add(&t)
		}
		chi := acc.Reduce()
		el := time.Since(start)
		_ = chi
		return el
	})
}
