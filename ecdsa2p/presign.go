package ecdsa2p

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/tandem-mpc/tandem/ecdsa2p/internal/bip32"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/keyshare"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/sign"
	"github.com/tandem-mpc/tandem/mpc"
)

// Presign is the mpc.Protocol of the message-independent presign (PROTOCOL.md §8.2–8.5)
// under the plan of WIRE.md §12.9: 1: S1 Signed (the KEX carrier) · 2: S2 · 3: S3 Encrypted.
//
// Persistence: a check failure that locks the keyshare (§10.3) saves the keyshare to the
// Store before Next returns the error, so the lock is durable before the driver's ABORT
// leaves; the finished pre-signature is saved under PresignatureKey before Result can
// return it.
type Presign struct {
	mu     sync.Mutex
	h      hooks
	ks     *Keyshare
	gen    *keyshare.Keyshare
	st     Store
	key    string
	r1     *sign.Round1
	r2     *sign.Round2
	r3     *sign.Round3
	result *Presignature
	err    error
	done   bool
}

// NewPresign prepares a presign with ks (stored in st under key) for the key derived along
// the non-hardened BIP-32 path ("m" for the root key) in the session cfg. cfg's Self and
// Peer must be the keyshare's identities. A LOCKED keyshare is refused (ErrKeyshareLocked).
// It uses the ACTIVE generation unless WithShareID names another.
func NewPresign(cfg mpc.Config, ks *Keyshare, st Store, key, path string, opts ...Option) (*Presign, error) {
	return newPresign(cfg, ks, st, key, path, hooks{}, opts...)
}

func newPresign(cfg mpc.Config, ks *Keyshare, st Store, key, path string, h hooks, opts ...Option) (*Presign, error) {
	if !ks.usable() || st == nil || key == "" {
		return nil, errors.New("ecdsa2p: presign needs a keyshare, a Store and a key")
	}
	pth, err := bip32.ParsePath(path)
	if err != nil {
		return nil, err
	}
	gen, err := ks.generation(collect(opts))
	if err != nil {
		return nil, err
	}
	if err := checkIdentities(&cfg, gen); err != nil {
		return nil, err
	}
	r1, err := sign.NewPresign(gen, cfg.Instance, pth, h.source())
	if err != nil {
		return nil, convert("presign", 0, err)
	}
	r1.WithRunner(batch())
	return &Presign{h: h, ks: ks, gen: gen, st: st, key: key, r1: r1}, nil
}

// checkIdentities refuses a session whose keys are not the keyshare's id_0, id_1.
func checkIdentities(cfg *mpc.Config, gen *keyshare.Keyshare) error {
	id0, id1, err := identities(cfg, int(gen.Index()))
	if err != nil {
		return err
	}
	if !bytes.Equal(id0, gen.ID(0)) || !bytes.Equal(id1, gen.ID(1)) {
		return fmt.Errorf("%w: the session's keys are not the keyshare's identities", ErrSessionConfig)
	}
	return nil
}

// Plan returns the presign plan of WIRE.md §12.9.
func (p *Presign) Plan() mpc.Plan { return symmetricPlan(3) }

// Next implements mpc.Protocol.
func (p *Presign) Next(ctx context.Context, r int, in []mpc.Inbound) ([][]byte, error) {
	if err := ctxErr(ctx); err != nil {
		return nil, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.done {
		return nil, consumedErr("presign", r-1)
	}
	out, err := p.next(ctx, r, in)
	if err != nil {
		if errors.Is(err, mpc.ErrIgnoreInput) {
			return nil, err
		}
		p.done, p.err = true, err
		return nil, err
	}
	return p.h.out(r, out), nil
}

func (p *Presign) next(ctx context.Context, r int, in []mpc.Inbound) ([][]byte, error) {
	if r == 1 {
		return [][]byte{p.r1.Payload()}, nil
	}
	b, err := one("presign", r-1, in)
	if err != nil {
		return nil, err
	}
	switch r {
	case 2:
		r2, s2, err := p.r1.Next(b)
		if err != nil {
			return nil, convert("presign", 1, err)
		}
		p.r2 = r2
		return [][]byte{s2}, nil
	case 3:
		r3, s3, err := p.r2.Next(b)
		if err != nil {
			return nil, persistLock(ctx, p.ks, p.st, p.key, convert("presign", 2, err))
		}
		p.r3 = r3
		return [][]byte{s3}, nil
	case 4:
		ps, err := p.r3.Next(b)
		if err != nil {
			return nil, persistLock(ctx, p.ks, p.st, p.key, convert("presign", 3, err))
		}
		if err := p.st.Save(ctx, PresignatureKey(p.key, ps.SignSID()), ps.Marshal()); err != nil {
			ps.Wipe()
			return nil, newError("presign", 3, Internal, err)
		}
		p.result, p.done = &Presignature{p: ps}, true
		return nil, nil
	}
	return nil, newError("presign", r, Internal, errors.New("round out of range"))
}

// persistLock saves ks when err reports a fresh lock, before err is returned. If the save
// fails, the error says so, Locked becomes false (the lock is only in memory) and the error
// wraps mpc.ErrWithholdAbort, so the driver sends nothing more, not even the ABORT.
func persistLock(ctx context.Context, ks *Keyshare, st Store, key string, err error) error {
	var e *Error
	if !errors.As(err, &e) || !e.Locked {
		return err
	}
	if serr := ks.save(context.WithoutCancel(ctx), st, key); serr != nil {
		// PROTOCOL.md §10.3 item 1: nothing may leave before the lock is durable, not even the
		// ABORT. The keyshare stays LOCKED in memory.
		e.Locked = false
		e.Err = errors.Join(e.Err, errors.New("persisting the lock failed"), serr, mpc.ErrWithholdAbort)
	}
	return err
}

// Result returns the pre-signature once Run succeeded (it is already stored), or the
// session's error.
func (p *Presign) Result() (*Presignature, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.result != nil {
		return p.result, nil
	}
	if p.err != nil {
		return nil, p.err
	}
	return nil, newError("presign", 0, Internal, errors.New("session not finished"))
}

// RunPresign runs a presign over cfg's transport (setting cfg.Protocol to LabelPresign) and
// returns the pre-signature, already saved to st.
func RunPresign(ctx context.Context, cfg mpc.Config, ks *Keyshare, st Store, key, path string, opts ...Option) (*Presignature, error) {
	p, err := NewPresign(cfg, ks, st, key, path, opts...)
	if err != nil {
		return nil, err
	}
	if err := run(ctx, cfg, LabelPresign, p); err != nil {
		return nil, err
	}
	return p.Result()
}
