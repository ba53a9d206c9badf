package mpctest

import (
	"context"
	"crypto/rand"
	"log/slog"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/tandem-mpc/tandem/mpc"
	"github.com/tandem-mpc/tandem/relay"
	"github.com/tandem-mpc/tandem/relay/relaytest"
	"github.com/tandem-mpc/tandem/relay/server"
	"github.com/tandem-mpc/tandem/signer"
)

// Label is the protocol label of toy sessions.
const Label = "tandem/mpctest/toy/v1"

// RunPair runs mpc.Run for both parties concurrently and returns both results once both
// have returned.
func RunPair(ctx context.Context, cfgA, cfgB mpc.Config, protoA, protoB mpc.Protocol) (errA, errB error) {
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); errA = mpc.Run(ctx, cfgA, protoA) }()
	go func() { defer wg.Done(); errB = mpc.Run(ctx, cfgB, protoB) }()
	wg.Wait()
	return errA, errB
}

// NewRelay starts a relaytest relay with the server defaults (logging discarded) changed by
// tune (may be nil) and closes it when the test ends.
func NewRelay(tb testing.TB, tune func(*server.Config)) *relaytest.Relay {
	tb.Helper()
	cfg := server.DefaultConfig()
	cfg.Logger = slog.New(slog.DiscardHandler)
	if tune != nil {
		tune(&cfg)
	}
	rl, err := relaytest.New(cfg)
	if err != nil {
		tb.Fatalf("mpctest: relay: %v", err)
	}
	tb.Cleanup(func() { _ = rl.Close() })
	return rl
}

// Party is one side of a test session: its key, its client and the transport its driver uses.
type Party struct {
	Key       *signer.PrivateKey
	Client    *relay.Client
	Fault     *FaultTransport // wraps Client
	Transport mpc.Transport   // what Config uses: Fault
}

// Session is a pair of parties that share an instance id, with configs for both.
type Session struct {
	A, B     *Party
	Instance [32]byte
	// Base is the Config template both configs start from (Protocol, timeouts); Config
	// fills in Instance, Self, Peer and Transport.
	Base mpc.Config
}

// Option changes how NewSession builds a session.
type Option func(*sessionOptions)

type sessionOptions struct {
	keyType    signer.KeyType
	keyTypeB   signer.KeyType
	clientOpts *relay.ClientOptions
	dial       func(ctx context.Context, ip netip.Addr, opts *relay.ClientOptions) (*relay.Client, error)
}

// WithKeyTypes sets the key types of A and B (default Ed25519 for both).
func WithKeyTypes(a, b signer.KeyType) Option {
	return func(o *sessionOptions) { o.keyType, o.keyTypeB = a, b }
}

// WithClientOptions sets the options both clients are dialled with.
func WithClientOptions(opts *relay.ClientOptions) Option {
	return func(o *sessionOptions) { o.clientOpts = opts }
}

// WithDialer replaces the in-memory dial (for example with relay.Dial to a WebSocket URL).
func WithDialer(dial func(ctx context.Context, ip netip.Addr, opts *relay.ClientOptions) (*relay.Client, error)) Option {
	return func(o *sessionOptions) { o.dial = dial }
}

// Client addresses of the two parties (distinct, so per-IP limits never couple them).
var (
	IPA = netip.MustParseAddr("10.0.0.1")
	IPB = netip.MustParseAddr("10.0.0.2")
)

// NewSession creates keys and clients for two parties on rl (A at IPA, B at IPB), each
// wrapped in a FaultTransport, and a fresh random instance id. The base config uses test
// timings: DefaultTimeout 3 s, Grace 2 s, StallInterval 100 ms. Everything is closed when
// the test ends.
func NewSession(tb testing.TB, rl *relaytest.Relay, opts ...Option) *Session {
	tb.Helper()
	o := sessionOptions{keyType: signer.Ed25519, keyTypeB: signer.Ed25519}
	for _, opt := range opts {
		opt(&o)
	}
	if o.dial == nil {
		o.dial = func(ctx context.Context, ip netip.Addr, co *relay.ClientOptions) (*relay.Client, error) {
			return rl.DialAs(ctx, ip, co)
		}
	}
	s := &Session{
		Base: mpc.Config{Protocol: Label, DefaultTimeout: 3 * time.Second, Grace: 2 * time.Second, StallInterval: 100 * time.Millisecond},
	}
	if _, err := rand.Read(s.Instance[:]); err != nil {
		tb.Fatalf("mpctest: %v", err)
	}
	s.A = newParty(tb, o.keyType, IPA, o)
	s.B = newParty(tb, o.keyTypeB, IPB, o)
	return s
}

// NewKey generates a key of type typ.
func NewKey(tb testing.TB, typ signer.KeyType) *signer.PrivateKey {
	tb.Helper()
	var k *signer.PrivateKey
	var err error
	if typ == signer.ECDSAP256 {
		k, err = signer.GenerateP256()
	} else {
		k, err = signer.GenerateEd25519()
	}
	if err != nil {
		tb.Fatalf("mpctest: key: %v", err)
	}
	return k
}

func newParty(tb testing.TB, typ signer.KeyType, ip netip.Addr, o sessionOptions) *Party {
	tb.Helper()
	p := &Party{Key: NewKey(tb, typ)}
	c, err := o.dial(context.Background(), ip, o.clientOpts)
	if err != nil {
		tb.Fatalf("mpctest: dial: %v", err)
	}
	p.Client = c
	p.Fault = NewFaultTransport(c)
	p.Transport = p.Fault
	tb.Cleanup(func() {
		_ = c.Close()
		p.Fault.Close()
	})
	return p
}

// Configs returns the configs of A and B: Base with the instance, keys and transports.
func (s *Session) Configs() (a, b mpc.Config) {
	a, b = s.Base, s.Base
	a.Instance, b.Instance = s.Instance, s.Instance
	a.Self, a.Peer, a.Transport = s.A.Key, s.B.Key.VerifyingKey(), s.A.Transport
	b.Self, b.Peer, b.Transport = s.B.Key, s.A.Key.VerifyingKey(), s.B.Transport
	return a, b
}

// ID returns the id of the message that from sends to the other party in round r, slot sl.
func (s *Session) ID(from *Party, r int, sl mpc.Slot) relay.MsgID {
	to := s.B
	if from == s.B {
		to = s.A
	}
	var recv *signer.VerifyingKey
	if !sl.Broadcast {
		vk := to.Key.VerifyingKey()
		recv = &vk
	}
	return mpc.MessageID(s.Base.Protocol, s.Instance, mpc.Tag(uint32(r), sl.Seq), from.Key.VerifyingKey(), recv)
}

// AbortID returns the id of from's ABORT.
func (s *Session) AbortID(from *Party) relay.MsgID {
	return mpc.MessageID(s.Base.Protocol, s.Instance, mpc.AbortTag, from.Key.VerifyingKey(), nil)
}

// ExpectedIDs returns every id party `to` expects from the other party under rounds (plan
// slots only; an inserted round-0 KEX slot is not included).
func (s *Session) ExpectedIDs(rounds []ToyRound, to *Party) []relay.MsgID {
	from := s.A
	if to == s.A {
		from = s.B
	}
	var ids []relay.MsgID
	for i, rd := range rounds {
		slots := rd.P0
		if from == s.B {
			slots = rd.P1
		}
		for _, sl := range slots {
			ids = append(ids, s.ID(from, i+1, sl))
		}
	}
	return ids
}
