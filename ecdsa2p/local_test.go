package ecdsa2p

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/tandem-mpc/tandem/mpc"
	"github.com/tandem-mpc/tandem/signer"
)

// runLocal drives two protocols in one process without envelopes, relay or driver: each
// party runs on its own goroutine and the payloads of each round travel over channels in
// memory, as the sans-I/O rounds produce them (full payload encoding). It is the harness of
// the benchmarks and of the payload-size test.
func runLocal(ctx context.Context, p [2]mpc.Protocol) [2]error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var ch [2]chan [][]byte
	for i := range ch {
		ch[i] = make(chan [][]byte, 8)
	}
	var errs [2]error
	var wg sync.WaitGroup
	for i := range 2 {
		wg.Go(func() {
			plan := p[i].Plan()
			var in []mpc.Inbound
			for r := 1; r <= len(plan.Rounds)+1; r++ {
				out, err := p[i].Next(ctx, r, in)
				if err != nil {
					errs[i] = err
					cancel()
					return
				}
				if r == len(plan.Rounds)+1 {
					return
				}
				ch[1-i] <- out
				var msg [][]byte
				select {
				case msg = <-ch[i]:
				case <-ctx.Done():
					errs[i] = ctx.Err()
					return
				}
				exp := plan.Rounds[r-1].Expect
				if len(msg) != len(exp) {
					errs[i] = fmt.Errorf("round %d: got %d payloads, want %d", r, len(msg), len(exp))
					cancel()
					return
				}
				in = in[:0]
				for k, s := range exp {
					in = append(in, mpc.Inbound{Round: r, Slot: s, Payload: msg[k]})
				}
			}
		})
	}
	wg.Wait()
	return errs
}

// localParties are two configs with fresh message keys and one instance id.
func localConfigs(tb testing.TB) (a, b mpc.Config) {
	tb.Helper()
	ka, err := signer.GenerateEd25519()
	if err != nil {
		tb.Fatal(err)
	}
	kb, err := signer.GenerateEd25519()
	if err != nil {
		tb.Fatal(err)
	}
	a = mpc.Config{Instance: mpc.RandomInstanceID(), Self: ka, Peer: kb.VerifyingKey()}
	b = mpc.Config{Instance: a.Instance, Self: kb, Peer: ka.VerifyingKey()}
	return a, b
}

// fresh returns the configs with a new instance id.
func fresh(a, b mpc.Config) (mpc.Config, mpc.Config) {
	a.Instance = mpc.RandomInstanceID()
	b.Instance = a.Instance
	return a, b
}

// local is a pair of parties for in-memory runs.
type local struct {
	a, b   mpc.Config
	st     [2]*MemoryStore
	ks     [2]*Keyshare
	onSend [2]func(int, [][]byte)
	opts   [2][]Option // presign and refresh options of each party
}

func newLocal(tb testing.TB) *local {
	tb.Helper()
	l := &local{st: [2]*MemoryStore{{}, {}}}
	l.a, l.b = localConfigs(tb)
	return l
}

func (l *local) cfg(i int) mpc.Config {
	if i == 0 {
		return l.a
	}
	return l.b
}

func (l *local) keygen(tb testing.TB) {
	tb.Helper()
	l.a, l.b = fresh(l.a, l.b)
	var p [2]*Keygen
	for i := range 2 {
		var err error
		p[i], err = newKeygen(l.cfg(i), i, l.st[i], "k", hooks{onSend: l.onSend[i]})
		if err != nil {
			tb.Fatal(err)
		}
	}
	if errs := runLocal(context.Background(), [2]mpc.Protocol{p[0], p[1]}); errs[0] != nil || errs[1] != nil {
		tb.Fatal(errs)
	}
	for i := range 2 {
		ks, err := p[i].Result(context.Background())
		if err != nil {
			tb.Fatal(err)
		}
		l.ks[i] = ks
	}
}

func (l *local) presign(tb testing.TB) [32]byte {
	tb.Helper()
	l.a, l.b = fresh(l.a, l.b)
	var p [2]*Presign
	for i := range 2 {
		var err error
		p[i], err = newPresign(l.cfg(i), l.ks[i], l.st[i], "k", "m/0/1", hooks{onSend: l.onSend[i]}, l.opts[i]...)
		if err != nil {
			tb.Fatal(err)
		}
	}
	if errs := runLocal(context.Background(), [2]mpc.Protocol{p[0], p[1]}); errs[0] != nil || errs[1] != nil {
		tb.Fatal(errs)
	}
	ps, err := p[0].Result()
	if err != nil {
		tb.Fatal(err)
	}
	return ps.SignSID()
}

func (l *local) finish(tb testing.TB, sid, digest [32]byte) *Signature {
	tb.Helper()
	l.a, l.b = fresh(l.a, l.b)
	f0, err := newFinish(l.a, 0, l.ks[0], l.st[0], "k", hooks{onSend: l.onSend[0]}, func(f *Finish) {
		f.sid, f.e, f.req = sid, digest, DigestRequest(sid, digest)
	})
	if err != nil {
		tb.Fatal(err)
	}
	f1, err := newFinish(l.b, 1, l.ks[1], l.st[1], "k", hooks{onSend: l.onSend[1]}, func(f *Finish) {
		f.accept = AcceptDigest()
	})
	if err != nil {
		tb.Fatal(err)
	}
	if errs := runLocal(context.Background(), [2]mpc.Protocol{f0, f1}); errs[0] != nil || errs[1] != nil {
		tb.Fatal(errs)
	}
	sig, err := f0.Result()
	if err != nil {
		tb.Fatal(err)
	}
	return sig
}

func (l *local) refresh(tb testing.TB) {
	tb.Helper()
	l.a, l.b = fresh(l.a, l.b)
	var p [2]*Refresh
	for i := range 2 {
		var err error
		p[i], err = newRefresh(l.cfg(i), l.ks[i], l.st[i], "k", hooks{onSend: l.onSend[i]}, l.opts[i]...)
		if err != nil {
			tb.Fatal(err)
		}
	}
	if errs := runLocal(context.Background(), [2]mpc.Protocol{p[0], p[1]}); errs[0] != nil || errs[1] != nil {
		tb.Fatal(errs)
	}
}
