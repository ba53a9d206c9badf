package relay

import (
	"context"
	"time"
)

// Link is one framed, ordered, reliable byte pipe: a WebSocket, or an in-memory pipe in tests
// (WIRE.md §11.1). The client and the server's connection code speak only to this interface,
// so both link types have the same semantics by construction.
//
// ReadFrame and WriteFrame may be called concurrently with each other, but each by one
// goroutine at a time. Close may be called from any goroutine and unblocks both.
type Link interface {
	ReadFrame(ctx context.Context) ([]byte, error)
	WriteFrame(ctx context.Context, frame []byte) error
	Close(code int, reason string) error
	Features() Features // parsed from the Tandem-Relay header; zero value for other relays
}

// LinkDialer opens a new Link; the client calls it on every (re)connect. The ctx passed to it
// bounds only the dial: links must not tie their lifetime to it (the client cancels it as soon
// as the dial returns).
type LinkDialer func(ctx context.Context) (Link, error)

// EventKind is the kind of a client Event.
type EventKind uint8

// Client events.
const (
	Connected EventKind = iota + 1
	Disconnected
	Reconnected
	Failed
)

func (k EventKind) String() string {
	switch k {
	case Connected:
		return "connected"
	case Disconnected:
		return "disconnected"
	case Reconnected:
		return "reconnected"
	case Failed:
		return "failed"
	default:
		return "unknown"
	}
}

// Event reports a change of the client's connection state.
type Event struct {
	Kind    EventKind
	Attempt int   // Reconnected: the dial attempt that succeeded (1 = first retry)
	Err     error // Disconnected: the cause; Failed: the terminal error
}

// Backoff is the reconnect schedule (WIRE.md §11.3).
type Backoff struct {
	Initial    time.Duration // 250ms
	Max        time.Duration // 10s
	Multiplier float64       // 2
	Jitter     float64       // 0.25 (±25 %)
	Disable    bool          // no reconnect: the first disconnect is terminal
}
