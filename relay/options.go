package relay

import (
	"context"
	"log/slog"
	"math"
	"math/rand/v2"
	"net/http"
	"time"

	"github.com/gorilla/websocket"
)

// Defaults of ClientOptions and Backoff (WIRE.md §11.1, §11.3).
const (
	DefaultHandshakeTimeout = 10 * time.Second
	DefaultMaxFrameBytes    = 1 << 20
	DefaultHeaderTTLLimit   = 255 * time.Second
	DefaultPingInterval     = 20 * time.Second
	DefaultReadTimeout      = 45 * time.Second
	DefaultWriteTimeout     = 10 * time.Second
	DefaultMessageBuffer    = 64

	defaultBackoffInitial    = 250 * time.Millisecond
	defaultBackoffMax        = 10 * time.Second
	defaultBackoffMultiplier = 2
	defaultBackoffJitter     = 0.25

	// maxRaisedTTLLimit caps the header TTL limit when a relay advertises a longer max-ttl.
	maxRaisedTTLLimit = time.Hour
	// eventBuffer is the size of every Events channel (WIRE.md §11.1).
	eventBuffer = 16
	// sendQueueFrames bounds the outbound queue of one connection. Publish and Ask block
	// while it is full.
	sendQueueFrames = 256
	// closeGrace bounds how long Close waits for the relay to answer the close frame.
	closeGrace = time.Second
)

// ClientOptions configure a Client. The zero value (or nil) means the defaults below; every zero
// field takes its default.
type ClientOptions struct {
	// Header holds extra HTTP headers for the WebSocket handshake (Dial only).
	Header http.Header
	// Token, if set, is sent as "Authorization: Bearer <Token>" (Dial only).
	Token string
	// TokenFunc, if set, is called before every dial (fresh short-lived tokens, WIRE.md §4.3)
	// and overrides Token. An error fails that dial attempt; it is retried like any other.
	TokenFunc func(ctx context.Context) (string, error)
	// FallbackURLs are dialled in turn after the primary URL fails (Dial only).
	FallbackURLs []string
	// Dialer sets TLS configuration, proxy and buffer sizes (Dial only). nil means a default
	// dialer with HandshakeTimeout and the proxy from the environment. Its compression
	// setting is ignored: permessage-deflate is never negotiated.
	Dialer *websocket.Dialer
	// HandshakeTimeout bounds one WebSocket handshake; default 10s.
	HandshakeTimeout time.Duration
	// MaxFrameBytes bounds frames in both directions: Publish rejects bigger frames with
	// ErrFrameTooLarge, and it is the WebSocket read limit. Default 1 MiB.
	MaxFrameBytes int
	// HeaderTTLLimit bounds the header TTL of ASKs; default 255s, which every relay
	// generation reads identically. When the relay advertises Tandem-Relay v=1 with a
	// max-ttl, the effective limit is raised to min(max-ttl, 1h) and never exceeds max-ttl.
	HeaderTTLLimit time.Duration
	// PingInterval is the WebSocket keepalive period; default 20s.
	PingInterval time.Duration
	// ReadTimeout: a WebSocket link without any inbound frame or pong for this long is dead
	// and the client reconnects; default 45s.
	ReadTimeout time.Duration
	// WriteTimeout bounds every frame write; default 10s.
	WriteTimeout time.Duration
	// Backoff is the reconnect schedule (WIRE.md §11.3).
	Backoff Backoff
	// MessageBuffer is the capacity of every Messages channel (the Client's and each
	// Scope's); default 64. When a channel is full, frames for it are dropped and counted
	// (WIRE.md Appendix Y.7); a Resend recovers them.
	MessageBuffer int
	// Logger receives connection-level logs; nil discards them. Ids are logged only in
	// their short form.
	Logger *slog.Logger
}

// withDefaults returns a copy of o (which may be nil) with every zero field set to its default.
func (o *ClientOptions) withDefaults() ClientOptions {
	var r ClientOptions
	if o != nil {
		r = *o
	}
	if r.HandshakeTimeout <= 0 {
		r.HandshakeTimeout = DefaultHandshakeTimeout
	}
	if r.MaxFrameBytes <= 0 {
		r.MaxFrameBytes = DefaultMaxFrameBytes
	}
	if r.HeaderTTLLimit <= 0 {
		r.HeaderTTLLimit = DefaultHeaderTTLLimit
	}
	r.HeaderTTLLimit = max(min(r.HeaderTTLLimit, MaxTTL), time.Second)
	if r.PingInterval <= 0 {
		r.PingInterval = DefaultPingInterval
	}
	if r.ReadTimeout <= 0 {
		r.ReadTimeout = DefaultReadTimeout
	}
	if r.WriteTimeout <= 0 {
		r.WriteTimeout = DefaultWriteTimeout
	}
	if r.MessageBuffer <= 0 {
		r.MessageBuffer = DefaultMessageBuffer
	}
	if r.Logger == nil {
		r.Logger = slog.New(slog.DiscardHandler)
	}
	r.Backoff = r.Backoff.withDefaults()
	return r
}

// withDefaults fills the zero fields of b: Initial 250ms, Max 10s, Multiplier 2, Jitter 0.25.
// A negative Jitter means no jitter; a Multiplier below 1 is treated as 1.
func (b Backoff) withDefaults() Backoff {
	if b.Initial <= 0 {
		b.Initial = defaultBackoffInitial
	}
	if b.Max <= 0 {
		b.Max = defaultBackoffMax
	}
	b.Max = max(b.Max, b.Initial)
	if b.Multiplier == 0 {
		b.Multiplier = defaultBackoffMultiplier
	}
	if b.Multiplier < 1 || math.IsNaN(b.Multiplier) {
		b.Multiplier = 1
	}
	switch {
	case b.Jitter == 0:
		b.Jitter = defaultBackoffJitter
	case b.Jitter < 0 || math.IsNaN(b.Jitter):
		b.Jitter = 0
	case b.Jitter > 1:
		b.Jitter = 1
	}
	return b
}

// delay is the wait before reconnect attempt number attempt (0 for the first try after a
// disconnect): Initial × Multiplier^attempt, capped at Max, then ±Jitter, and at least floor.
// rnd returns a float in [0, 1).
func (b Backoff) delay(attempt int, floor time.Duration, rnd func() float64) time.Duration {
	d := float64(b.Initial) * math.Pow(b.Multiplier, float64(attempt))
	d = min(d, float64(b.Max))
	d *= 1 + b.Jitter*(2*rnd()-1)
	return max(time.Duration(d), floor, 0)
}

// effectiveTTLLimit is the header TTL limit to use with a relay advertising f (WIRE.md §11.1).
func effectiveTTLLimit(configured time.Duration, f Features) time.Duration {
	if f.Version < 1 || f.MaxTTL <= 0 {
		return configured
	}
	raised := max(configured, min(f.MaxTTL, maxRaisedTTLLimit))
	return max(min(raised, f.MaxTTL), time.Second)
}

// randFloat is the jitter source; math/rand/v2's global generator is safe for concurrent use.
func randFloat() float64 { return rand.Float64() }
