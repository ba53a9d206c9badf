package bench

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"sync/atomic"
	"time"

	"github.com/tandem-mpc/tandem/relay"
	"github.com/tandem-mpc/tandem/relay/relaytest"
	"github.com/tandem-mpc/tandem/relay/server"
)

// relayConfig is the relay configuration of both relays: the defaults, without logs, and
// without the per-IP byte quota, so that long runs (every frame stays stored for its TTL) are
// bounded only by the global store limit.
func relayConfig() server.Config {
	cfg := server.DefaultConfig()
	cfg.Logger = slog.New(slog.DiscardHandler)
	cfg.MaxStoredBytes = 4 << 30
	cfg.MaxStoredBytesPerIP = server.Off
	return cfg
}

// The client addresses of the two parties on the in-memory relay.
var (
	addrP1 = netip.MustParseAddr("127.0.0.2")
	addrP2 = netip.MustParseAddr("127.0.0.3")
)

// counter counts the publishes one party's client writes to its link.
type counter struct {
	pubBytes  atomic.Int64
	pubFrames atomic.Int64
}

// countingLink is a relay.Link that counts the PUB frames written through it.
type countingLink struct {
	relay.Link
	c *counter
}

func (l countingLink) WriteFrame(ctx context.Context, frame []byte) error {
	err := l.Link.WriteFrame(ctx, frame)
	if err == nil && relay.Classify(frame) == relay.FramePublish {
		l.c.pubBytes.Add(int64(len(frame)))
		l.c.pubFrames.Add(1)
	}
	return err
}

// counting wraps dial so that every link it opens counts into c.
func counting(dial relay.LinkDialer, c *counter) relay.LinkDialer {
	return func(ctx context.Context) (relay.Link, error) {
		l, err := dial(ctx)
		if err != nil {
			return nil, err
		}
		return countingLink{Link: l, c: c}, nil
	}
}

// memRelay is the in-memory relay with one counting client per party.
type memRelay struct {
	r      *relaytest.Relay
	c1, c2 *relay.Client
	n1, n2 counter
}

func newMemRelay(ctx context.Context) (_ *memRelay, err error) {
	r, err := relaytest.New(relayConfig())
	if err != nil {
		return nil, fmt.Errorf("bench: in-memory relay: %w", err)
	}
	m := &memRelay{r: r}
	defer func() {
		if err != nil {
			m.close()
		}
	}()
	if m.c1, err = relay.NewClient(ctx, counting(r.LinkDialer(addrP1), &m.n1), nil); err != nil {
		return nil, fmt.Errorf("bench: in-memory relay: P1: %w", err)
	}
	if m.c2, err = relay.NewClient(ctx, counting(r.LinkDialer(addrP2), &m.n2), nil); err != nil {
		return nil, fmt.Errorf("bench: in-memory relay: P2: %w", err)
	}
	return m, nil
}

func (m *memRelay) close() {
	closeClients(m.c1, m.c2)
	_ = m.r.Close()
}

// wsRelay is a relay/server.Server on a loopback listener, with one WebSocket client per
// party.
type wsRelay struct {
	srv    *server.Server
	hs     *http.Server
	served chan struct{}
	url    string
	c1, c2 *relay.Client
}

func newWSRelay(ctx context.Context) (_ *wsRelay, err error) {
	srv, err := server.New(relayConfig(), nil)
	if err != nil {
		return nil, fmt.Errorf("bench: websocket relay: %w", err)
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		_ = srv.Close()
		return nil, fmt.Errorf("bench: websocket relay: %w", err)
	}
	w := &wsRelay{
		srv:    srv,
		hs:     &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second, ErrorLog: nil},
		served: make(chan struct{}),
		url:    "ws://" + ln.Addr().String() + server.PathRelay,
	}
	go func() {
		defer close(w.served)
		if err := w.hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			srv.Logger().Error("bench: relay listener", "err", err)
		}
	}()
	defer func() {
		if err != nil {
			w.close()
		}
	}()
	opts := &relay.ClientOptions{Backoff: relay.Backoff{Disable: true}}
	if w.c1, err = relay.Dial(ctx, w.url, opts); err != nil {
		return nil, fmt.Errorf("bench: websocket relay: P1: %w", err)
	}
	if w.c2, err = relay.Dial(ctx, w.url, opts); err != nil {
		return nil, fmt.Errorf("bench: websocket relay: P2: %w", err)
	}
	return w, nil
}

// close closes the clients, then the relay's connections and store, then the listener, and
// waits for the accept loop to end.
func (w *wsRelay) close() {
	closeClients(w.c1, w.c2)
	_ = w.srv.Close()
	_ = w.hs.Close()
	<-w.served
}

// closeClients closes both clients concurrently (each Close waits for the relay's answer).
func closeClients(cs ...*relay.Client) {
	done := make(chan struct{}, len(cs))
	for _, c := range cs {
		go func() {
			if c != nil {
				_ = c.Close()
			}
			done <- struct{}{}
		}()
	}
	for range cs {
		<-done
	}
}
