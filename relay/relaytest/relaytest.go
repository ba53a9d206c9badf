package relaytest

import (
	"context"
	"errors"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tandem-mpc/tandem/relay"
	"github.com/tandem-mpc/tandem/relay/server"
	"github.com/tandem-mpc/tandem/relay/store"
)

// ConnInfo describes a connection to DropConnections' match function.
type ConnInfo = server.ConnInfo

// DefaultIP is the client address of connections made with Dial.
var DefaultIP = netip.MustParseAddr("127.0.0.1")

// errRelayClosed is returned by dials after Close.
var errRelayClosed = errors.New("relaytest: relay closed")

// Relay is an in-process relay: the real server hub and memory store behind in-memory links,
// with fault hooks (WIRE.md §11.5). Create, use and close it inside one testing/synctest bubble
// when the test wants virtual time.
type Relay struct {
	srv   *server.Server
	st    *swapStore
	ctx   context.Context
	stop  context.CancelFunc
	wg    sync.WaitGroup
	delay atomic.Int64
	gate  gate

	mu     sync.Mutex
	closed bool
	hs     *httptest.Server
}

// New starts a relay with cfg (zero fields take the server defaults).
func New(cfg server.Config) (*Relay, error) {
	r := &Relay{}
	srv := &server.Server{Config: cfg}
	srv.NewStore = func(sink store.Sink) (store.Store, error) {
		st, err := srv.NewMemoryStore(sink)
		if err != nil {
			return nil, err
		}
		r.st = &swapStore{sink: sink, build: srv.NewMemoryStore}
		r.st.cur.Store(&st)
		return r.st, nil
	}
	if err := srv.Init(); err != nil {
		return nil, err
	}
	r.srv = srv
	r.ctx, r.stop = context.WithCancel(context.Background())
	return r, nil
}

// Server returns the relay's server (metrics registry, admin handler, effective config).
func (r *Relay) Server() *server.Server { return r.srv }

// Dial connects a client over an in-memory link, as client address DefaultIP.
func (r *Relay) Dial(ctx context.Context, opts *relay.ClientOptions) (*relay.Client, error) {
	return r.DialAs(ctx, DefaultIP, opts)
}

// DialAs connects a client over an in-memory link as client address ip (per-IP limits and the
// contributor limit of §3.3 see this address). Every reconnect of the client opens a new link.
func (r *Relay) DialAs(ctx context.Context, ip netip.Addr, opts *relay.ClientOptions) (*relay.Client, error) {
	return relay.NewClient(ctx, r.LinkDialer(ip), opts)
}

// LinkDialer returns a relay.LinkDialer that opens in-memory links to the relay as client
// address ip.
func (r *Relay) LinkDialer(ip netip.Addr) relay.LinkDialer {
	return func(ctx context.Context) (relay.Link, error) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		cl, _, err := r.open(ip)
		if err != nil {
			return nil, err
		}
		return cl, nil
	}
}

// open creates a pipe and serves its server end; served is closed when ServeLink returns.
func (r *Relay) open(ip netip.Addr) (cl *pipeEnd, served chan struct{}, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return nil, nil, errRelayClosed
	}
	cl, sv := newPipe(&r.delay, &r.gate)
	cl.features = r.srv.Features()
	served = make(chan struct{})
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		defer close(served)
		_ = r.srv.ServeLink(r.ctx, sv, server.ConnInfo{IP: ip, Remote: "pipe:" + ip.String()})
	}()
	return cl, served, nil
}

// ServeWebSocket serves the same relay on a loopback httptest server and returns its
// ws://…/v1/msg-relay URL. Faults other than DropConnections and Restart apply only to
// in-memory links.
func (r *Relay) ServeWebSocket() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.hs == nil {
		r.hs = httptest.NewServer(r.srv)
	}
	return "ws" + strings.TrimPrefix(r.hs.URL, "http") + server.PathRelay
}

// DropConnections drops every connection whose ConnInfo matches (nil: all) without a close
// frame; clients see 1006.
func (r *Relay) DropConnections(match func(ConnInfo) bool) {
	r.srv.CloseConnections(match, relay.CloseAbnormal)
}

// Restart drops every connection and wipes the store (a memory relay restarting).
func (r *Relay) Restart() {
	r.DropConnections(nil)
	r.st.wipe()
}

// Pause stops the relay from reading frames of in-memory links until Resume; frames queue in
// the links (and writers block once a link's buffer is full).
func (r *Relay) Pause() { r.gate.pause() }

// Resume undoes Pause.
func (r *Relay) Resume() { r.gate.unpause() }

// SetLinkDelay sets a one-way delay applied to every frame written on any in-memory link from
// now on (both directions).
func (r *Relay) SetLinkDelay(d time.Duration) { r.delay.Store(int64(max(d, 0))) }

// Inject publishes (or asks) frame from a fresh anonymous connection with client address from,
// as an attacker would, and returns once the relay has processed it.
func (r *Relay) Inject(frame []byte, from netip.Addr) {
	cl, served, err := r.open(from)
	if err != nil {
		return
	}
	_ = cl.WriteFrame(r.ctx, frame)
	// An orderly close reaches the server after the frame, so the frame is processed
	// before the connection ends.
	_ = cl.Close(relay.CloseNormal, relay.CloseReason(relay.CloseNormal))
	<-served
}

// Stats returns the store's counts.
func (r *Relay) Stats() store.Stats { return r.st.Stats() }

// Close closes every connection (1001), the store and the WebSocket listener.
func (r *Relay) Close() error {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return nil
	}
	r.closed = true
	hs := r.hs
	r.mu.Unlock()
	err := r.srv.Close()
	r.stop()
	r.wg.Wait()
	if hs != nil {
		hs.Close()
	}
	return err
}

// swapStore is the relay's store: a memory store that Restart replaces with an empty one.
type swapStore struct {
	sink  store.Sink
	build func(store.Sink) (store.Store, error)
	cur   atomic.Pointer[store.Store]
}

func (s *swapStore) get() store.Store { return *s.cur.Load() }

func (s *swapStore) wipe() {
	st, err := s.build(s.sink)
	if err != nil {
		return
	}
	old := s.cur.Swap(&st)
	_ = (*old).Close()
}

func (s *swapStore) Publish(ctx context.Context, req *store.PublishRequest) (store.PublishStatus, error) {
	return s.get().Publish(ctx, req)
}

func (s *swapStore) Ask(ctx context.Context, id relay.MsgID, ttl time.Duration) ([]store.Candidate, error) {
	return s.get().Ask(ctx, id, ttl)
}

func (s *swapStore) Claim(ctx context.Context, id relay.MsgID, slot uint8, digest [32]byte) (bool, error) {
	return s.get().Claim(ctx, id, slot, digest)
}

func (s *swapStore) Check(ctx context.Context) error { return s.get().Check(ctx) }
func (s *swapStore) Stats() store.Stats              { return s.get().Stats() }
func (s *swapStore) Close() error                    { return s.get().Close() }
