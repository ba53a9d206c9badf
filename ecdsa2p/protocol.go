package ecdsa2p

import (
	"context"
	"errors"
	"fmt"

	"github.com/tandem-mpc/tandem/ecdsa2p/internal/ot"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/rng"
	"github.com/tandem-mpc/tandem/mpc"
)

// Protocol labels of WIRE.md §12.9: set as mpc.Config.Protocol for each session.
const (
	LabelKeygen  = "tandem/ecdsa2p/keygen/v1"
	LabelPresign = "tandem/ecdsa2p/presign/v1"
	LabelFinish  = "tandem/ecdsa2p/finish/v1"
	LabelRefresh = "tandem/ecdsa2p/refresh/v1"
)

// workers is the number of goroutines the protocols use for independent OT work (base-OT
// batches, PPRF expansions, OT-extension parts). Outputs never depend on it.
var workers = 2

// hooks are unexported knobs: the randomness, tamper and onSend hooks serve tests and
// benchmarks only; keyFn is the Session's choice of keygen's Store key.
type hooks struct {
	rnd    rng.Source                             // nil: rng.System
	tamper func(round int, p []byte) []byte       // alters an outgoing payload (adversarial tests)
	onSend func(round int, payloads [][]byte)     // observes outgoing payloads (benchmarks/tests)
	keyFn  func(keyID [32]byte, index int) string // keygen: the Store key, chosen once key_id is known (Session)
}

func (h *hooks) source() rng.Source {
	if h.rnd != nil {
		return h.rnd
	}
	return rng.System
}

func (h *hooks) out(r int, payloads [][]byte) [][]byte {
	if h.tamper != nil {
		for i := range payloads {
			payloads[i] = h.tamper(r, append([]byte(nil), payloads[i]...))
		}
	}
	if h.onSend != nil {
		h.onSend(r, payloads)
	}
	return payloads
}

func batch() ot.Batch { return ot.Parallel(workers) }

// slot is the one directed, seq-0 slot of kind k.
func slot(k mpc.Kind) []mpc.Slot { return []mpc.Slot{{Seq: 0, Kind: k}} }

// symmetricPlan is n rounds where both parties send and expect one payload: the first
// Signed (the KEX carrier), the rest Encrypted.
func symmetricPlan(n int) mpc.Plan {
	p := mpc.Plan{Rounds: make([]mpc.Round, n)}
	for i := range p.Rounds {
		k := mpc.Encrypted
		if i == 0 {
			k = mpc.Signed
		}
		p.Rounds[i] = mpc.Round{Send: slot(k), Expect: slot(k)}
	}
	return p
}

// identities returns id_0, id_1 (PROTOCOL.md §1.2: the typed verifying-key encodings of P1
// and P2) for the party with index i in cfg.
func identities(cfg *mpc.Config, i int) (id0, id1 []byte, err error) {
	if cfg.Self == nil || cfg.Peer.IsZero() {
		return nil, nil, errors.New("ecdsa2p: config without Self or Peer")
	}
	self, peer := cfg.Self.VerifyingKey().Encoding(), cfg.Peer.Encoding()
	switch i {
	case 0:
		return self, peer, nil
	case 1:
		return peer, self, nil
	}
	return nil, nil, fmt.Errorf("ecdsa2p: party index %d (want 0 or 1)", i)
}

// one checks that in holds exactly one input and returns its payload.
func one(op string, r int, in []mpc.Inbound) ([]byte, error) {
	if len(in) != 1 {
		return nil, newError(op, r, Internal, fmt.Errorf("got %d inputs, want 1", len(in)))
	}
	return in[0].Payload, nil
}

// ctxErr returns ctx's error, if any (Next must return it promptly).
func ctxErr(ctx context.Context) error { return ctx.Err() }

// run sets the label and runs p.
func run(ctx context.Context, cfg mpc.Config, label string, p mpc.Protocol) error {
	cfg.Protocol = label
	return mpc.Run(ctx, cfg, p)
}

// consumedErr is returned by a protocol's Next once it finished or failed.
func consumedErr(op string, r int) error {
	return newError(op, r, Internal, errors.New("protocol state already consumed or failed"))
}

// Option changes an operation's defaults.
type Option func(*options)

type options struct{ shareID *[32]byte }

// WithShareID makes presign or refresh use the keyshare generation shareID instead of the
// ACTIVE one: the PENDING generation of an incomplete refresh (Keyshare.PendingShareID) when
// the coordinator names it (PROTOCOL.md §9.1).
func WithShareID(shareID [32]byte) Option {
	return func(o *options) { o.shareID = &shareID }
}

func collect(opts []Option) options {
	var o options
	for _, f := range opts {
		if f != nil {
			f(&o)
		}
	}
	return o
}
