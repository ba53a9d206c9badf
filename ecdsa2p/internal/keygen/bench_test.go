package keygen_test

import (
	"sync"
	"testing"

	"github.com/tandem-mpc/tandem/ecdsa2p/internal/keygen"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/ot"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/rng"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/testvec"
)

// BenchmarkKeygen2PCore runs a whole keygen of both parties in one process, each party's round
// on its own goroutine as two devices would, with the payloads passed in memory. "seq" runs
// each party's OT work sequentially; "par2" gives each party ot.Parallel(2).
func BenchmarkKeygen2PCore(b *testing.B) {
	for _, bc := range []struct {
		name  string
		batch ot.Batch
	}{{"seq", nil}, {"par2", ot.Parallel(2)}} {
		b.Run(bc.name, func(b *testing.B) {
			in := testvec.DefaultKeygen()
			for b.Loop() {
				keygen2P(b, in.Instance, in.ID0, in.ID1, bc.batch)
			}
		})
	}
}

func keygen2P(b *testing.B, inst [32]byte, id0, id1 []byte, batch ot.Batch) {
	var r1 [2]*keygen.Round1
	var out [2][]byte
	for i := range 2 {
		var err error
		if r1[i], err = keygen.New(inst, uint8(i), id0, id1, rng.System); err != nil {
			b.Fatal(err)
		}
		r1[i].WithBatch(batch)
		out[i] = r1[i].Payload()
	}
	var r2 [2]*keygen.Round2
	var r3 [2]*keygen.Round3
	var r4 [2]*keygen.Round4
	var errs [2]error
	both := func(f func(i int)) {
		var wg sync.WaitGroup
		for i := range 2 {
			wg.Go(func() { f(i) })
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				b.Fatal(err)
			}
		}
	}
	in := out
	both(func(i int) { r2[i], out[i], errs[i] = r1[i].Next(in[1-i]) })
	in = out
	both(func(i int) { r3[i], out[i], errs[i] = r2[i].Next(in[1-i]) })
	in = out
	both(func(i int) { r4[i], out[i], errs[i] = r3[i].Next(in[1-i]) })
	in = out
	both(func(i int) { _, errs[i] = r4[i].Next(in[1-i]) })
}
