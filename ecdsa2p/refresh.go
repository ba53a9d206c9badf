package ecdsa2p

import (
	"context"
	"errors"
	"sync"

	"github.com/tandem-mpc/tandem/ecdsa2p/internal/keyshare"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/refresh"
	"github.com/tandem-mpc/tandem/mpc"
)

// Refresh is the mpc.Protocol of the key refresh (PROTOCOL.md §9.1) under the plan of
// WIRE.md §12.9: 1: RF1 Signed (the KEX carrier) · 2: RF2 · 3: RF3 · 4: RF4 Encrypted. It is
// the only way out of a lock.
//
// Persistence: the engine calls back at the handover points of §9.1 and this layer saves
// the Keyshare's generations to the Store before the engine releases the payload or result
// that depends on them: {old ACTIVE, new PENDING} before RF4 leaves, {new ACTIVE} once the
// peer's RF4 checked, {old ACTIVE} after a failed RF4. The Keyshare value given to
// NewRefresh is updated in place after each save.
type Refresh struct {
	mu     sync.Mutex
	h      hooks
	ks     *Keyshare
	st     Store
	key    string
	ctx    context.Context // the ctx of the Next call in progress (for the save callback)
	r1     *refresh.Round1
	r2     *refresh.Round2
	r3     *refresh.Round3
	r4     *refresh.Round4
	result bool
	err    error
	done   bool
}

// NewRefresh prepares the refresh of ks (stored in st under key) in the session cfg. A LOCKED
// or PENDING keyshare may be refreshed. It refreshes the ACTIVE generation unless
// WithShareID names the PENDING one of an incomplete refresh (which the engine then promotes:
// the peer ran the rounds under its share_id).
func NewRefresh(cfg mpc.Config, ks *Keyshare, st Store, key string, opts ...Option) (*Refresh, error) {
	return newRefresh(cfg, ks, st, key, hooks{}, opts...)
}

func newRefresh(cfg mpc.Config, ks *Keyshare, st Store, key string, h hooks, opts ...Option) (*Refresh, error) {
	if !ks.usable() || st == nil || key == "" {
		return nil, errors.New("ecdsa2p: refresh needs a keyshare, a Store and a key")
	}
	gen, err := ks.generation(collect(opts))
	if err != nil {
		return nil, err
	}
	if err := checkIdentities(&cfg, gen); err != nil {
		return nil, err
	}
	rf := &Refresh{h: h, ks: ks, st: st, key: key, ctx: context.Background()}
	r1, err := refresh.New(cfg.Instance, gen, h.source(), rf.save)
	if err != nil {
		return nil, convert("refresh", 0, err)
	}
	r1.WithBatch(batch())
	rf.r1 = r1
	return rf, nil
}

// save is the engine's SaveFunc: store g, then adopt it.
func (rf *Refresh) save(g *keyshare.Generations) error {
	b := marshalGenerations(g)
	if err := rf.st.Save(context.WithoutCancel(rf.ctx), rf.key, b); err != nil {
		return err
	}
	rf.ks.mu.Lock()
	rf.ks.gens = keyshare.Generations{Active: g.Active, Pending: g.Pending}
	rf.ks.mu.Unlock()
	return nil
}

// Plan returns the refresh plan of WIRE.md §12.9.
func (rf *Refresh) Plan() mpc.Plan { return symmetricPlan(4) }

// Next implements mpc.Protocol.
func (rf *Refresh) Next(ctx context.Context, r int, in []mpc.Inbound) ([][]byte, error) {
	if err := ctxErr(ctx); err != nil {
		return nil, err
	}
	rf.mu.Lock()
	defer rf.mu.Unlock()
	if rf.done {
		return nil, consumedErr("refresh", r-1)
	}
	rf.ctx = ctx
	out, err := rf.next(r, in)
	if err != nil {
		if errors.Is(err, mpc.ErrIgnoreInput) {
			return nil, err
		}
		rf.done = r != 5 || rf.r4 == nil
		rf.err = err
		return nil, err
	}
	return rf.h.out(r, out), nil
}

func (rf *Refresh) next(r int, in []mpc.Inbound) ([][]byte, error) {
	if r == 1 {
		return [][]byte{rf.r1.Payload()}, nil
	}
	b, err := one("refresh", r-1, in)
	if err != nil {
		return nil, err
	}
	switch r {
	case 2:
		r2, p, err := rf.r1.Next(b)
		if err != nil {
			return nil, convert("refresh", 1, err)
		}
		rf.r2 = r2
		return [][]byte{p}, nil
	case 3:
		r3, p, err := rf.r2.Next(b)
		if err != nil {
			return nil, convert("refresh", 2, err)
		}
		rf.r3 = r3
		return [][]byte{p}, nil
	case 4:
		r4, p, err := rf.r3.Next(b)
		if err != nil {
			return nil, convert("refresh", 3, err)
		}
		rf.r4 = r4
		return [][]byte{p}, nil
	case 5:
		_, err := rf.r4.Next(b)
		rf.r4 = nil
		if err != nil {
			return nil, convert("refresh", 4, err)
		}
		rf.result, rf.done = true, true
		return nil, nil
	}
	return nil, newError("refresh", r, Internal, errors.New("round out of range"))
}

// Result returns the refreshed keyshare (the Keyshare given to NewRefresh, updated and
// stored) once Run succeeded. If the session ended after this party sent RF4 but before the
// peer's RF4 arrived, the keyshare holds both generations, durably, and Result returns it
// with ErrIncomplete (§9.1): the first successful signature on the new generation promotes
// it. Otherwise it returns the session's error; the stored keyshare is the old one.
func (rf *Refresh) Result() (*Keyshare, error) {
	rf.mu.Lock()
	defer rf.mu.Unlock()
	if rf.result {
		return rf.ks, nil
	}
	if rf.r4 != nil {
		_, err := rf.r4.Pending()
		rf.r4, rf.done = nil, true
		if err != nil {
			return nil, convert("refresh", 4, err)
		}
		return rf.ks, ErrIncomplete
	}
	if rf.err != nil {
		return nil, rf.err
	}
	return nil, newError("refresh", 0, Internal, errors.New("session not finished"))
}

// RunRefresh runs a refresh of ks over cfg's transport (setting cfg.Protocol to
// LabelRefresh). ks is updated in place and saved to st under key at each handover step.
func RunRefresh(ctx context.Context, cfg mpc.Config, ks *Keyshare, st Store, key string, opts ...Option) (*Keyshare, error) {
	rf, err := NewRefresh(cfg, ks, st, key, opts...)
	if err != nil {
		return nil, err
	}
	return runRefresh(ctx, cfg, rf)
}

func runRefresh(ctx context.Context, cfg mpc.Config, rf *Refresh) (*Keyshare, error) {
	runErr := run(ctx, cfg, LabelRefresh, rf)
	ks, err := rf.Result()
	switch {
	case runErr == nil:
		return ks, err
	case errors.Is(err, ErrIncomplete):
		return ks, errors.Join(ErrIncomplete, runErr)
	}
	return nil, runErr
}
