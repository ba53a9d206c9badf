package server_test

import (
	"bytes"
	"context"
	"errors"
	"net/netip"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/tandem-mpc/tandem/relay"
	"github.com/tandem-mpc/tandem/relay/relaytest"
)

// knownCloseCodes are the codes a fuzzed connection may end with.
var knownCloseCodes = map[int]bool{
	relay.CloseNormal: true, relay.CloseGoingAway: true, relay.CloseMessageTooBig: true,
	relay.CloseSlowConsumer: true, relay.CloseTooManyAsks: true, relay.CloseStoreFull: true,
	relay.CloseIPQuota: true, relay.CloseRateLimited: true,
}

// fuzzClient is one of the three fuzzed connections with what it saw.
type fuzzClient struct {
	link  relay.Link
	mu    sync.Mutex
	asked map[relay.MsgID]bool
	got   [][]byte
	code  int
	done  chan struct{}
}

// FuzzRelayConnection drives random frame sequences from three clients against the in-memory
// relay. Invariants: no panic; every delivered frame is byte-identical to a frame some client
// published, under an id the receiver asked for; connections end only with documented codes;
// when everything is closed no waiter or connection is left.
func FuzzRelayConnection(f *testing.F) {
	f.Add([]byte{0, 0, 1, 1, 2, 1, 0, 7, 3})
	f.Add([]byte{0, 2, 1, 1, 0, 1, 2, 2, 2, 2, 0, 1})
	f.Add([]byte{0, 0, 0, 0, 0, 1, 0, 0, 2, 0, 0, 3, 1, 6, 0})
	f.Add([]byte{2, 3, 0, 2, 4, 0, 1, 5, 0x81, 0, 0, 0x81, 1, 7, 200})
	f.Add(bytes.Repeat([]byte{1, 2, 0x55, 0, 0, 0x11}, 8))
	f.Fuzz(func(t *testing.T, ops []byte) {
		if len(ops) > 600 {
			ops = ops[:600]
		}
		synctest.Test(t, func(t *testing.T) { runFuzzOps(t, ops) })
	})
}

func runFuzzOps(t *testing.T, ops []byte) {
	cfg := testConfig()
	cfg.MaxFrameBytes = 256
	cfg.MaxPendingAsks = 3
	cfg.MaxStoredBytes = 2048
	cfg.MaxStoredBytesPerIP = 1024
	cfg.MaxCandidates = 2
	cfg.SendQueueFrames = 16
	r, err := relaytest.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var published sync.Map // string(frame) → true
	clients := make([]*fuzzClient, 3)
	for i := range clients {
		ip := netip.AddrFrom4([4]byte{10, 0, 0, byte(i + 1)})
		l, err := r.LinkDialer(ip)(ctx)
		if err != nil {
			t.Fatal(err)
		}
		c := &fuzzClient{link: l, asked: map[relay.MsgID]bool{}, done: make(chan struct{})}
		clients[i] = c
		go func() {
			defer close(c.done)
			for {
				fr, err := l.ReadFrame(ctx)
				if err != nil {
					var ce *relay.CloseError
					if errors.As(err, &ce) {
						c.code = ce.Code
					}
					return
				}
				c.mu.Lock()
				c.got = append(c.got, fr)
				c.mu.Unlock()
			}
		}()
	}
	idOf := func(b byte) relay.MsgID { return testID(b%4 + 1) }
	for i := 0; i+2 < len(ops); i += 3 {
		c := clients[int(ops[i])%3]
		p := ops[i+2]
		var frame []byte
		switch ops[i+1] % 8 {
		case 0:
			c.mu.Lock()
			c.asked[idOf(p)] = true
			c.mu.Unlock()
			frame = ask(idOf(p), time.Duration(p>>4)*time.Second)
		case 1:
			frame = relay.UnaskFrame(idOf(p))
		case 2, 5:
			ttl := time.Duration(p>>3) * time.Second
			if ops[i+1]%8 == 5 {
				ttl = 0
			}
			var flags uint16
			if p&0x80 != 0 {
				flags = relay.FlagOneReceiver
			}
			frame = pub(t, idOf(p), ttl, flags, string(bytes.Repeat([]byte{p}, int(p)+1)))
			published.Store(string(frame), true)
		case 3:
			frame = make([]byte, int(p)%36)
		case 4:
			frame = pub(t, idOf(p), time.Second, 0, string(make([]byte, 300)))
		case 6:
			time.Sleep(time.Duration(p) * 10 * time.Millisecond)
			continue
		case 7:
			if p%16 == 0 {
				_ = c.link.Close(relay.CloseNormal, "")
			}
			continue
		}
		wctx, cancel := context.WithTimeout(ctx, time.Second)
		_ = c.link.WriteFrame(wctx, frame) // fails once the relay closed the connection
		cancel()
	}
	synctest.Wait()
	for _, c := range clients {
		_ = c.link.Close(relay.CloseNormal, "")
		<-c.done
	}
	synctest.Wait()
	for i, c := range clients {
		if c.code != 0 && !knownCloseCodes[c.code] {
			t.Errorf("client %d: unexpected close code %d", i, c.code)
		}
		for _, fr := range c.got {
			if _, ok := published.Load(string(fr)); !ok {
				t.Fatalf("client %d received a frame nobody published: %x", i, fr)
			}
			var id relay.MsgID
			copy(id[:], fr)
			if !c.asked[id] {
				t.Fatalf("client %d received a frame for an id it never asked", i)
			}
		}
	}
	reg := r.Server().Registry()
	if n := metric(t, reg, "tandem_relay_panics_total"); n != 0 {
		t.Fatalf("%v panics recovered", n)
	}
	if n := r.Server().Connections(); n != 0 {
		t.Fatalf("%d connections left", n)
	}
	if n := metric(t, reg, "tandem_relay_pending_asks"); n != 0 {
		t.Fatalf("%v waiters left", n)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
}
