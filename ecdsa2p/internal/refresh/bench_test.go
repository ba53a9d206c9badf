package refresh_test

import (
	"sync"
	"testing"

	"github.com/tandem-mpc/tandem/ecdsa2p/internal/keyshare"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/ot"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/refresh"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/rng"
)

// BenchmarkRefresh2PCore runs a whole refresh of both parties in one process, each party's
// round on its own goroutine as two devices would, with the payloads passed in memory and a
// save function that marshals both generations (what a store would write). Each iteration
// refreshes the previous iteration's output. "seq" runs each party's OT work sequentially;
// "par2" gives each party ot.Parallel(2).
func BenchmarkRefresh2PCore(b *testing.B) {
	for _, bc := range []struct {
		name  string
		batch ot.Batch
	}{{"seq", nil}, {"par2", ot.Parallel(2)}} {
		b.Run(bc.name, func(b *testing.B) {
			ks := keyshares(b)
			for b.Loop() {
				ks = refresh2P(b, ks, bc.batch)
			}
		})
	}
}

func marshalSave(g *keyshare.Generations) error {
	if g.Active != nil {
		_ = g.Active.Marshal()
	}
	if g.Pending != nil {
		_ = g.Pending.Marshal()
	}
	return nil
}

func refresh2P(b *testing.B, ks [2]*keyshare.Keyshare, batch ot.Batch) [2]*keyshare.Keyshare {
	var r1 [2]*refresh.Round1
	var out [2][]byte
	for i := range 2 {
		var err error
		if r1[i], err = refresh.New(refreshInstance, ks[i], rng.System, marshalSave); err != nil {
			b.Fatal(err)
		}
		r1[i].WithBatch(batch)
		out[i] = r1[i].Payload()
	}
	var r2 [2]*refresh.Round2
	var r3 [2]*refresh.Round3
	var r4 [2]*refresh.Round4
	var next [2]*keyshare.Keyshare
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
	both(func(i int) { next[i], errs[i] = r4[i].Next(in[1-i]) })
	return next
}
