package relay

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"sync"
	"sync/atomic"
	"time"
)

// Client is a relay client (WIRE.md §11): one connection to a relay at a time, re-established
// automatically, which retains what it published and re-asks what it waits for across
// reconnects.
//
// What the Client sends is driven by two retained sets:
//
//   - ASKs. Ask registers interest in an id until a time. The ASK is sent at once, again after
//     every reconnect, on Resend, and every TTL/2 while the ask is live, where TTL =
//     min(until − now, HeaderTTLLimit()). Frames the relay delivers for the id are routed to
//     every Scope (and the Client itself) with a live ask for it; Forget ends the ask.
//   - PUBs. Publish sends a frame and retains a copy. It is re-sent after every reconnect, on
//     Resend, and once per header-TTL period (+1 s) while now < until, so that a copy the relay
//     let expire is stored again; Release ends the retention.
//
// After a reconnect the Client re-sends every live ASK in one burst, then every live PUB, and
// emits Reconnected. Both are idempotent at the relay: a repeated PUB of the same bytes is a
// duplicate, and a repeated ASK only re-delivers.
//
// Delivery is at least once; duplicates happen and callers de-duplicate. The reader never
// blocks on a consumer (WIRE.md Appendix Y.7): every Messages channel has its own bounded
// buffer, and frames for a full channel are dropped and counted (Stats); a Resend recovers
// them from the relay.
//
// Every method is safe for concurrent use. After Close, calls return ErrClosed; after a
// terminal failure (the Failed event) they return an error that matches ErrClosed with
// errors.Is and also wraps the cause (a *CloseError or *HandshakeError, for errors.As).
type Client struct {
	opts  ClientOptions
	dial  func(ctx context.Context, attempt int) (Link, error)
	nurls int // how many URLs dial cycles through (1 for NewClient)
	log   *slog.Logger

	ctx    context.Context // the Client's lifetime; cancelled by Close
	cancel context.CancelFunc
	wg     sync.WaitGroup // runner, and the reader and writer of every connection
	wake   chan struct{}  // capacity 1: the scheduler should look again

	mu       sync.Mutex
	closed   bool
	failErr  error
	cur      *conn // nil while disconnected
	features Features
	ttlLimit time.Duration
	asks     map[MsgID]*askState
	pubs     map[MsgID][]*pubState
	root     *Scope
	scopes   map[*Scope]struct{}
	timerAt  time.Time // when the scheduler wakes next; zero when it does not

	delivered  atomic.Uint64
	unasked    atomic.Uint64
	dropped    atomic.Uint64
	reconnects atomic.Uint64
}

// Stats are counters of a Client since it was created.
type Stats struct {
	Delivered  uint64 // frames handed to a Messages channel (once per receiving channel)
	Unasked    uint64 // inbound frames for ids without a live ask, or shorter than a PUB: dropped
	Dropped    uint64 // inbound frames dropped because a Messages channel was full
	Reconnects uint64 // successful reconnects
}

// Dial connects to the relay at relayURL (ws:// or wss://, path /v1/msg-relay) over a WebSocket
// and returns a Client. Every reconnect episode dials relayURL first, then opts.FallbackURLs in
// turn, round-robin.
//
// ctx bounds only the initial connection: Dial retries with the reconnect schedule (and each
// fallback URL) until a handshake succeeds, a terminal error occurs (HTTP 401, 403 or another
// 4xx except 429; *HandshakeError), or ctx is done. With Backoff.Disable every URL is tried
// once. The Client lives until Close.
func Dial(ctx context.Context, relayURL string, opts *ClientOptions) (*Client, error) {
	o := opts.withDefaults()
	urls := append([]string{relayURL}, o.FallbackURLs...)
	for _, u := range urls {
		if err := checkURL(u); err != nil {
			return nil, err
		}
	}
	dial := func(ctx context.Context, attempt int) (Link, error) {
		return dialWebSocket(ctx, urls[attempt%len(urls)], &o)
	}
	return newClient(ctx, dial, len(urls), o)
}

// checkURL rejects what no retry can fix: a URL that is not ws:// or wss://.
func checkURL(s string) error {
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Errorf("relay: bad URL: %w", err)
	}
	if (u.Scheme != "ws" && u.Scheme != "wss") || u.Host == "" {
		return fmt.Errorf("relay: bad URL %q: want ws://host/… or wss://host/…", u.Redacted())
	}
	return nil
}

// NewClient returns a Client that obtains its links from dial, for example the in-memory links
// of relay/relaytest. ctx bounds the initial connection as in Dial. Each call of dial gets a
// context bounded by HandshakeTimeout that is cancelled when dial returns: a link must not tie
// its lifetime to it. Header, Token, TokenFunc, FallbackURLs, Dialer, PingInterval and
// ReadTimeout do not apply: keepalive is the link's job.
func NewClient(ctx context.Context, dial LinkDialer, opts *ClientOptions) (*Client, error) {
	if dial == nil {
		return nil, errors.New("relay: NewClient: nil LinkDialer")
	}
	o := opts.withDefaults()
	return newClient(ctx, func(ctx context.Context, _ int) (Link, error) { return dial(ctx) }, 1, o)
}

func newClient(ctx context.Context, dial func(context.Context, int) (Link, error), nurls int, o ClientOptions) (*Client, error) {
	c := &Client{
		opts:     o,
		dial:     dial,
		nurls:    nurls,
		log:      o.Logger,
		wake:     make(chan struct{}, 1),
		ttlLimit: o.HeaderTTLLimit,
		asks:     make(map[MsgID]*askState),
		pubs:     make(map[MsgID][]*pubState),
		scopes:   make(map[*Scope]struct{}),
	}
	c.root = newScope(c)
	link, _, err := c.connect(ctx, nil, true)
	if err != nil {
		return nil, err
	}
	c.ctx, c.cancel = context.WithCancel(context.Background())
	cn := c.install(link, Event{Kind: Connected})
	c.wg.Add(1)
	go c.run(cn)
	return c, nil
}

// Publish sends frame (a PUB: longer than the 36-byte header, at most MaxFrameBytes and the
// relay's advertised max-frame, reserved flag bits 0) and retains a copy until Release, Close
// or until. The caller keeps ownership of frame. The frame's header TTL is the publisher's
// choice; use HeaderTTLLimit() so that relays of every generation read it the same.
//
// Publish returns once the frame is queued, not when it is delivered; it blocks only while the
// outbound queue is full, and if ctx ends first it returns ctx.Err() and retains nothing new.
// While disconnected it only retains the frame (it is sent after the reconnect) and returns
// nil. A frame whose until has passed is sent once and not retained.
func (c *Client) Publish(ctx context.Context, frame []byte, until time.Time) error {
	return c.root.Publish(ctx, frame, until)
}

// Ask asks the relay for id until the given time, and routes the delivered frames to the
// Client's Messages channel. The ASK's header TTL is min(until − now, HeaderTTLLimit()); it is
// re-sent after every reconnect, on Resend and every TTL/2 while now < until, until Forget or
// Close. Asking again for an id re-sends the ASK, so the relay re-delivers what it stores. An
// until in the past makes Ask a no-op. Blocking and ctx behave as in Publish.
func (c *Client) Ask(ctx context.Context, id MsgID, until time.Time) error {
	return c.root.Ask(ctx, id, until)
}

// Forget ends the Client's asks for ids. When no Scope asks for an id any more and the relay
// advertised UNASK, an UNASK is sent (best effort: it is skipped when the outbound queue is
// full or the Client is disconnected; the relay's waiter then lapses with its TTL).
func (c *Client) Forget(ids ...MsgID) { c.root.Forget(ids...) }

// Release stops retaining the frames the Client published under ids. It has no wire effect:
// copies the relay stores live out their TTL.
func (c *Client) Release(ids ...MsgID) { c.root.Release(ids...) }

// Resend re-sends every live retained ASK, then every live retained PUB, of the Client and of
// all its Scopes. The session driver calls it when progress stalls (WIRE.md §12.5). It is a
// no-op while disconnected (the reconnect re-sends everything).
func (c *Client) Resend(ctx context.Context) error { return c.resend(ctx, nil) }

// Messages returns the channel of frames delivered for ids asked on the Client itself (not
// through a Scope). Frames are whole relay frames, header included; the receiver owns them.
// The channel is closed by Close.
func (c *Client) Messages() <-chan []byte { return c.root.msgs }

// Events returns the channel of connection events (Connected, Disconnected, Reconnected,
// Failed). It never blocks the Client: when its buffer (16) is full, the oldest event is
// dropped. The channel is closed by Close.
func (c *Client) Events() <-chan Event { return c.root.events }

// Features returns what the relay of the current (or last) connection advertised.
func (c *Client) Features() Features {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.features
}

// HeaderTTLLimit returns the longest header TTL the Client puts on an ASK, and the one a
// publisher should put on its frames (WIRE.md §11.4). It is ClientOptions.HeaderTTLLimit,
// adjusted to the relay's advertised max-ttl; it may change after a reconnect.
func (c *Client) HeaderTTLLimit() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ttlLimit
}

// Scope returns a new view of the Client with its own Messages and Events channels. Use one
// Scope per session when sessions share a Client. On a closed Client the Scope is closed.
func (c *Client) Scope() *Scope {
	s := newScope(c)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		s.closed = true
		close(s.msgs)
		close(s.events)
		return s
	}
	c.scopes[s] = struct{}{}
	return s
}

// Stats returns the Client's counters.
func (c *Client) Stats() Stats {
	return Stats{
		Delivered:  c.delivered.Load(),
		Unasked:    c.unasked.Load(),
		Dropped:    c.dropped.Load(),
		Reconnects: c.reconnects.Load(),
	}
}

// Close sends what is still queued (waiting at most a second), closes the connection with code
// 1000 (waiting at most about a second for the relay's answer), stops every goroutine of the
// Client, and closes the Messages and Events channels of the Client and of every Scope. It is
// idempotent and returns nil; retained frames are discarded.
func (c *Client) Close() error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil
	}
	c.closed = true
	cn := c.cur
	c.cur = nil
	c.mu.Unlock()

	c.cancel()
	if cn != nil {
		cn.flush(closeGrace)
		cn.shutdown(true)
	}
	c.wg.Wait()

	c.mu.Lock()
	defer c.mu.Unlock()
	for s := range c.scopes {
		s.closeLocked()
	}
	c.root.closeLocked()
	clear(c.asks)
	clear(c.pubs)
	return nil
}

// errLocked is the error every call returns once the Client is closed or failed.
func (c *Client) errLocked() error {
	switch {
	case c.failErr != nil:
		return c.failErr
	case c.closed:
		return ErrClosed
	default:
		return nil
	}
}

// failedError is the error of a Client that failed terminally: errors.Is(err, ErrClosed)
// holds, and errors.As reaches the cause.
type failedError struct{ cause error }

func (e *failedError) Error() string   { return "relay: client failed: " + e.cause.Error() }
func (e *failedError) Unwrap() []error { return []error{ErrClosed, e.cause} }
