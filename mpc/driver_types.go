package mpc

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/tandem-mpc/tandem/relay"
	"github.com/tandem-mpc/tandem/signer"
)

// Slot is one message position in a round.
type Slot struct {
	Seq       uint32
	Kind      Kind // Signed or Encrypted
	Broadcast bool // Signed only: receiver omitted from the id
}

// Round lists what this party sends and expects in one round.
type Round struct {
	Send   []Slot // what this party sends in the round, in payload order
	Expect []Slot // what this party expects from the peer in the round
}

// Plan is a protocol's message schedule; Rounds[i] is round i+1.
type Plan struct{ Rounds []Round }

// Inbound is one verified message handed to the engine.
type Inbound struct {
	Round   int
	Slot    Slot
	Payload []byte // SIGNED: after the KEX field; ENCRYPTED: plaintext
	Frame   []byte // the verified envelope, kept as evidence
}

// Protocol is implemented by engines (sans-I/O). It never sees the network.
type Protocol interface {
	Plan() Plan
	// Next consumes the verified messages expected in round r-1 (nil for r == 1; empty when
	// that round expects nothing) and returns the payloads for Plan.Rounds[r-1].Send in order.
	// Run calls Next(ctx, len(Rounds)+1, lastInputs) last; that call must return no payloads.
	// Next runs on Run's goroutine and may block (an approval hook); it must return promptly
	// with ctx.Err() once ctx is done.
	//
	// An error wrapping ErrIgnoreInput means an input was authenticated but must be ignored
	// (PROTOCOL.md 10.1 class (a)); the engine's state must be unchanged, and the driver calls
	// Next again for the same round once a replacement has arrived (Appendix Y.3).
	Next(ctx context.Context, r int, in []Inbound) ([][]byte, error)
}

// PeerFaulter: an engine error for which errors.As finds this interface with PeerFault() ==
// true means the peer provably misbehaved. Engines implement it structurally.
type PeerFaulter interface{ PeerFault() bool }

// AbortClassifier: optional, found with errors.As and implemented structurally; it takes
// precedence over PeerFaulter. class: 0 local fault, 1 the peer provably misbehaved, 2 the
// parties' inputs disagree (no culprit), 3 declined by local policy or the user. detail: the
// engine's reason code (PROTOCOL.md 10.4), copied into the ABORT payload; 0 = none.
type AbortClassifier interface{ AbortClass() (class, detail uint8) }

// Abort classes of AbortClassifier.
const (
	ClassLocal    uint8 = 0
	ClassPeer     uint8 = 1
	ClassMismatch uint8 = 2
	ClassDeclined uint8 = 3
)

// IgnoredInputer optionally narrows an ErrIgnoreInput error to the index (into the in slice
// given to Next) of the one input to discard; without it every input of the round is discarded.
type IgnoredInputer interface{ IgnoredInput() int }

// ErrIgnoreInput is wrapped by a Next error for authenticated input the engine must ignore
// (Appendix Y.3): the driver discards it, re-asks its id and keeps waiting.
var ErrIgnoreInput = errors.New("mpc: input ignored")

// ErrWithholdAbort is wrapped by a Next error after which nothing may be sent, not even the
// ABORT: the engine could not make a state change durable that must be durable before any
// further payload leaves (PROTOCOL.md §10.3 item 1: a lock). The driver ends the session with
// an *AbortError (code LOCAL_ERROR, culprit self) without publishing it; the peer times out.
var ErrWithholdAbort = errors.New("mpc: abort withheld")

// Transport is what the driver needs of the relay; *relay.Client and *relay.Scope satisfy it.
type Transport interface {
	Publish(ctx context.Context, frame []byte, until time.Time) error
	Ask(ctx context.Context, id relay.MsgID, until time.Time) error
	Forget(ids ...relay.MsgID)
	Release(ids ...relay.MsgID)
	Resend(ctx context.Context) error
	Messages() <-chan []byte
	Events() <-chan relay.Event
	HeaderTTLLimit() time.Duration
}

// Config configures one session.
type Config struct {
	Protocol       string // label L (WIRE.md §10.2)
	Instance       [32]byte
	Self           signer.Signer
	Peer           signer.VerifyingKey
	Transport      Transport          // use a Scope per session when sessions share a Client
	DefaultTimeout time.Duration      // applied when ctx has no deadline; default 2m
	Grace          time.Duration      // frames and asks outlive the deadline by this much; default 30s
	StallInterval  time.Duration      // first stall re-send; default 3s (doubles up to 30s)
	MaxCandidates  int                // distinct frames kept/verified per pending id; default 8
	AbortReason    func(error) string // optional; default: the code name
	OnProgress     func(Progress)     // optional; called on every accepted message and round change
	Logger         *slog.Logger
}

// Progress reports a session's state to Config.OnProgress.
type Progress struct{ Round, Rounds, Received, Expected, Dropped int }

// Defaults of Config (WIRE.md §12.1, §12.6).
const (
	DefaultTimeout       = 2 * time.Minute
	DefaultGrace         = 30 * time.Second
	DefaultStallInterval = 3 * time.Second
	MaxStallInterval     = 30 * time.Second
	DefaultMaxCandidates = 8
	maxRounds            = 1000
)

func (c *Config) withDefaults() Config {
	d := *c
	if d.DefaultTimeout <= 0 {
		d.DefaultTimeout = DefaultTimeout
	}
	if d.Grace <= 0 {
		d.Grace = DefaultGrace
	}
	if d.StallInterval <= 0 {
		d.StallInterval = DefaultStallInterval
	}
	if d.MaxCandidates <= 0 {
		d.MaxCandidates = DefaultMaxCandidates
	}
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	return d
}

// The payload of an ENCRYPTED slot is confidential (an export carries a key share in one),
// and Config holds the instance id, which must stay confidential (doc.go, # Security model).
// fmt prints struct fields by reflection, so both types redact themselves under every verb
// and in slog.

// String returns the round, slot and sizes; payload and frame bytes never print.
func (in Inbound) String() string {
	return fmt.Sprintf("mpc.Inbound{Round: %d, Slot: {Seq: %d, Kind: %s, Broadcast: %t}, Payload: %d bytes, Frame: %d bytes}",
		in.Round, in.Slot.Seq, in.Slot.Kind, in.Slot.Broadcast, len(in.Payload), len(in.Frame))
}

// GoString is String.
func (in Inbound) GoString() string { return in.String() }

// Format writes String for every verb.
func (in Inbound) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(in.String())) }

// LogValue logs the round, slot and sizes.
func (in Inbound) LogValue() slog.Value {
	return slog.GroupValue(slog.Int("round", in.Round), slog.Uint64("seq", uint64(in.Slot.Seq)),
		slog.String("kind", in.Slot.Kind.String()), slog.Int("payload_bytes", len(in.Payload)))
}

// String returns the label, the peer and the timings; the instance id never prints.
func (c Config) String() string {
	return fmt.Sprintf("mpc.Config{Protocol: %q, Instance: REDACTED, Peer: %s, DefaultTimeout: %s, Grace: %s, StallInterval: %s, MaxCandidates: %d}",
		c.Protocol, c.Peer, c.DefaultTimeout, c.Grace, c.StallInterval, c.MaxCandidates)
}

// GoString is String.
func (c Config) GoString() string { return c.String() }

// Format writes String for every verb.
func (c Config) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(c.String())) }

// LogValue logs the label and the peer.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(slog.String("protocol", c.Protocol), slog.String("peer", c.Peer.String()))
}
