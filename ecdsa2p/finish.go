package ecdsa2p

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/tandem-mpc/tandem/ecdsa2p/internal/keyshare"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/sign"
	"github.com/tandem-mpc/tandem/mpc"
)

// AcceptFunc is P2's round-1 hook of the finish protocol (WIRE.md §12.9, checks 1 and 2): it
// checks P1's round-1 payload (the SDK's SIGN_REQUEST) and returns the sign_sid of the
// pre-signature to finish and the 32-byte digest e_bytes it computed itself. Its error
// aborts the session; an error implementing mpc.AbortClassifier (as *Error does) picks the
// ABORT's class and detail.
type AcceptFunc func(ctx context.Context, request []byte) (signSID, eBytes [32]byte, err error)

// ApproveFunc is P2's approval hook (WIRE.md §12.9 check 4): it runs after the
// pre-signature was found unused and before it is consumed, with the session's ctx (it may
// wait for a person and must return promptly once ctx is done). An error declines (class
// 3, REJECTED) unless it classifies itself with mpc.AbortClassifier.
type ApproveFunc func(ctx context.Context, signSID, eBytes [32]byte) error

// Finish is the mpc.Protocol of the online signing round (PROTOCOL.md §8.6) under the plan
// of WIRE.md §12.9: round 0 is the driver's inserted KEX; 1: the request, Encrypted, P1 →
// P2; 2: S4 Encrypted, both ways. P1 sends its S4 right after the request.
//
// Persistence: the pre-signature is loaded from the Store by sign_sid, marked CONSUMED and
// the tombstone saved before S4 is returned to the driver; a lock (a degenerate or
// unverifiable signature) is saved before the error is returned; a PENDING generation that
// signed is promoted and saved before Result returns the signature.
type Finish struct {
	mu      sync.Mutex
	h       hooks
	index   int
	ks      *Keyshare
	st      Store
	key     string
	req     []byte      // P1: the round-1 payload
	sid, e  [32]byte    // P1: known at construction; P2: from accept
	accept  AcceptFunc  // P2
	approve ApproveFunc // P2, optional
	// checked is the pre-signature parsed by check, reused by start if the stored bytes
	// did not change meanwhile.
	checked      *sign.Presignature
	checkedBytes []byte
	gen          *keyshare.Keyshare
	r4           *sign.Round4
	result       *Signature
	err          error
	done         bool
}

// presigMu serialises load–consume–save of pre-signatures within the process, so two
// concurrent finishes of one sign_sid cannot both load it before either saved the
// tombstone.
var presigMu sync.Mutex

// NewFinishP1 prepares P1's finish of the pre-signature signSID (stored in st under
// PresignatureKey(key, signSID)) on the digest eBytes. request is the round-1 payload sent to
// P2 (the SDK's SIGN_REQUEST; DigestRequest builds the raw-digest form).
func NewFinishP1(cfg mpc.Config, ks *Keyshare, st Store, key string, signSID, eBytes [32]byte, request []byte) (*Finish, error) {
	return newFinish(cfg, 0, ks, st, key, hooks{}, func(f *Finish) {
		f.sid, f.e, f.req = signSID, eBytes, append([]byte(nil), request...)
	})
}

// NewFinishP2 prepares P2's finish: accept checks P1's request and names the pre-signature
// and the digest (AcceptDigest accepts DigestRequest's raw-digest form). Set an approval
// hook with WithApproval.
func NewFinishP2(cfg mpc.Config, ks *Keyshare, st Store, key string, accept AcceptFunc) (*Finish, error) {
	if accept == nil {
		return nil, errors.New("ecdsa2p: finish P2 needs an AcceptFunc")
	}
	return newFinish(cfg, 1, ks, st, key, hooks{}, func(f *Finish) { f.accept = accept })
}

func newFinish(cfg mpc.Config, index int, ks *Keyshare, st Store, key string, h hooks, set func(*Finish)) (*Finish, error) {
	if !ks.usable() || st == nil || key == "" {
		return nil, errors.New("ecdsa2p: finish needs a keyshare, a Store and a key")
	}
	if ks.Index() != index {
		return nil, fmt.Errorf("ecdsa2p: finish for P%d with the keyshare of P%d", index+1, ks.Index()+1)
	}
	if err := checkIdentities(&cfg, ks.cur()); err != nil {
		return nil, err
	}
	if l, _ := ks.Locked(); l {
		return nil, newError("finish", 0, KeyshareLocked, nil)
	}
	f := &Finish{h: h, index: index, ks: ks, st: st, key: key}
	set(f)
	return f, nil
}

// WithApproval sets P2's approval hook (nil approves everything) and returns f. Call it
// before Run.
func (f *Finish) WithApproval(approve ApproveFunc) *Finish {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.approve = approve
	return f
}

// Plan returns the finish plan of WIRE.md §12.9 for this party.
func (f *Finish) Plan() mpc.Plan {
	e := slot(mpc.Encrypted)
	if f.index == 0 {
		return mpc.Plan{Rounds: []mpc.Round{{Send: e}, {Send: e, Expect: e}}}
	}
	return mpc.Plan{Rounds: []mpc.Round{{Expect: e}, {Send: e, Expect: e}}}
}

// Next implements mpc.Protocol.
func (f *Finish) Next(ctx context.Context, r int, in []mpc.Inbound) ([][]byte, error) {
	if err := ctxErr(ctx); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.done {
		return nil, consumedErr("finish", r-1)
	}
	out, err := f.next(ctx, r, in)
	if err != nil {
		if errors.Is(err, mpc.ErrIgnoreInput) {
			return nil, err
		}
		if f.checked != nil {
			f.checked.Wipe()
			f.checked, f.checkedBytes = nil, nil
		}
		if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
			return nil, err
		}
		f.done, f.err = true, err
		return nil, err
	}
	return f.h.out(r, out), nil
}

func (f *Finish) next(ctx context.Context, r int, in []mpc.Inbound) ([][]byte, error) {
	switch {
	case r == 1 && f.index == 0:
		return [][]byte{f.req}, nil
	case r == 1:
		return nil, nil
	case r == 2:
		if f.index == 1 {
			req, err := one("finish", 1, in)
			if err != nil {
				return nil, err
			}
			sid, e, err := f.accept(ctx, req)
			if err != nil {
				return nil, err
			}
			f.sid, f.e = sid, e
			if err := f.check(ctx); err != nil {
				return nil, err
			}
			if f.approve != nil {
				if err := f.approve(ctx, sid, e); err != nil {
					var c mpc.AbortClassifier
					if errors.As(err, &c) || (ctx.Err() != nil && errors.Is(err, ctx.Err())) {
						return nil, err
					}
					return nil, &declinedError{msg: "declined: " + err.Error(), err: err}
				}
			}
		} else if len(in) != 0 {
			return nil, newError("finish", 1, Internal, errors.New("unexpected input"))
		}
		s4, err := f.start(ctx)
		if err != nil {
			return nil, err
		}
		return [][]byte{s4}, nil
	case r == 3:
		b, err := one("finish", 2, in)
		if err != nil {
			return nil, err
		}
		sig, err := f.r4.Next(b)
		if err != nil {
			return nil, persistLock(ctx, f.ks, f.st, f.key, convert("finish", 2, err))
		}
		if sig.Promote {
			f.ks.mu.Lock()
			perr := f.ks.gens.Promote(f.gen.ShareID())
			f.ks.mu.Unlock()
			if perr == nil {
				perr = f.ks.save(ctx, f.st, f.key)
			}
			if perr != nil {
				return nil, newError("finish", 2, Internal, perr)
			}
		}
		f.result = &Signature{R: sig.R, S: sig.S, RecID: sig.RecID, Key: sig.Key}
		f.done = true
		return nil, nil
	}
	return nil, newError("finish", r, Internal, errors.New("round out of range"))
}

// load reads and parses the pre-signature f.sid; a missing or CONSUMED one is
// PresignatureConsumed (class 2). If the stored bytes are those check already parsed, the
// parsed value is reused.
func (f *Finish) load(ctx context.Context) (*sign.Presignature, error) {
	b, err := f.st.Load(ctx, PresignatureKey(f.key, f.sid))
	if errors.Is(err, ErrNotFound) {
		return nil, newError("finish", 1, PresignatureConsumed, errors.New("no pre-signature with this sign_sid"))
	}
	if err != nil {
		return nil, newError("finish", 1, Internal, err)
	}
	var p *sign.Presignature
	if f.checked != nil && bytes.Equal(b, f.checkedBytes) {
		p, f.checked, f.checkedBytes = f.checked, nil, nil
	} else if p, err = sign.ParsePresignature(b); err != nil {
		return nil, newError("finish", 1, Internal, err)
	}
	if p.Consumed() {
		return nil, newError("finish", 1, PresignatureConsumed, nil)
	}
	return p, nil
}

// check is WIRE.md §12.9 check 3 (before the approval): a non-consumed pre-signature with
// this sign_sid exists. start loads it again under presigMu.
func (f *Finish) check(ctx context.Context) error {
	p, err := f.load(ctx)
	if err != nil {
		return err
	}
	f.checked, f.checkedBytes = p, p.Marshal()
	return nil
}

// start loads, consumes and persists the pre-signature, then returns S4.
func (f *Finish) start(ctx context.Context) ([]byte, error) {
	presigMu.Lock()
	defer presigMu.Unlock()
	pkey := PresignatureKey(f.key, f.sid)
	p, err := f.load(ctx)
	if err != nil {
		return nil, err
	}
	f.ks.mu.Lock()
	gen, gerr := f.ks.gens.Select(p.ShareID())
	f.ks.mu.Unlock()
	if gerr != nil {
		p.Wipe()
		return nil, newError("finish", 1, PresignatureConsumed, errors.New("the pre-signature's generation is gone"))
	}
	f.gen = gen
	r4, s4, ferr := sign.Finish(gen, p, f.e)
	if p.Consumed() {
		// The tombstone is durable before S4 (or an error) can leave (§8.8).
		if err := f.st.Save(context.WithoutCancel(ctx), pkey, p.Marshal()); err != nil {
			return nil, newError("finish", 1, Internal, err)
		}
	}
	if ferr != nil {
		return nil, persistLock(ctx, f.ks, f.st, f.key, convert("finish", 1, ferr))
	}
	f.r4 = r4
	return s4, nil
}

// Result returns the signature once Run succeeded, or the session's error.
func (f *Finish) Result() (*Signature, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.result != nil {
		return f.result, nil
	}
	if f.err != nil {
		return nil, f.err
	}
	return nil, newError("finish", 0, Internal, errors.New("session not finished"))
}

// RunFinish runs a finish protocol built by NewFinishP1 or NewFinishP2 over cfg's transport
// (setting cfg.Protocol to LabelFinish) and returns the signature.
func RunFinish(ctx context.Context, cfg mpc.Config, f *Finish) (*Signature, error) {
	if err := run(ctx, cfg, LabelFinish, f); err != nil {
		return nil, err
	}
	return f.Result()
}
