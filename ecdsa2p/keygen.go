package ecdsa2p

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/tandem-mpc/tandem/ecdsa2p/internal/keygen"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/keyshare"
	"github.com/tandem-mpc/tandem/mpc"
)

// Keygen is the mpc.Protocol of the two-party key generation (PROTOCOL.md §7) under the plan
// of WIRE.md §12.9: 1: K1 Signed (the KEX carrier) · 2: K2 · 3: K3 · 4: K4 Encrypted.
// Build it with NewKeygen, run it with mpc.Run under LabelKeygen (or use RunKeygen), then
// take the keyshare from Result, which has already been saved to the Store. The keyshare is
// first saved with status PENDING before this party's K4 is handed to the driver (§7.4), and
// saved again as ACTIVE once the peer's K4 checks out.
type Keygen struct {
	mu     sync.Mutex
	h      hooks
	st     Store
	key    string
	keyFn  func(keyID [32]byte, index int) string // the Session's: key chosen once key_id is known
	r1     *keygen.Round1
	r2     *keygen.Round2
	r3     *keygen.Round3
	r4     *keygen.Round4
	result *Keyshare
	err    error
	done   bool
}

// NewKeygen prepares keygen for the party with the given index (0 = P1, 1 = P2) in the
// session cfg (its Instance, Self and Peer; id_0 and id_1 are the two verifying-key
// encodings). The keyshare will be saved to st under key.
func NewKeygen(cfg mpc.Config, index int, st Store, key string) (*Keygen, error) {
	return newKeygen(cfg, index, st, key, hooks{})
}

func newKeygen(cfg mpc.Config, index int, st Store, key string, h hooks) (*Keygen, error) {
	id0, id1, err := identities(&cfg, index)
	if err != nil {
		return nil, err
	}
	if st == nil || (key == "" && h.keyFn == nil) {
		return nil, errors.New("ecdsa2p: keygen needs a Store and a key")
	}
	r1, err := keygen.New(cfg.Instance, uint8(index), id0, id1, h.source())
	if err != nil {
		return nil, convert("keygen", 1, err)
	}
	r1.WithBatch(batch())
	return &Keygen{h: h, st: st, key: key, keyFn: h.keyFn, r1: r1}, nil
}

// Plan returns the keygen plan of WIRE.md §12.9 (the same for both parties).
func (k *Keygen) Plan() mpc.Plan { return symmetricPlan(4) }

// Next implements mpc.Protocol.
func (k *Keygen) Next(ctx context.Context, r int, in []mpc.Inbound) ([][]byte, error) {
	if err := ctxErr(ctx); err != nil {
		return nil, err
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.done {
		return nil, consumedErr("keygen", r-1)
	}
	out, err := k.next(ctx, r, in)
	if err != nil {
		if errors.Is(err, mpc.ErrIgnoreInput) {
			return nil, err
		}
		k.done = r != 5 || k.r4 == nil // a failed K4 check leaves nothing to keep
		k.err = err
		return nil, err
	}
	return k.h.out(r, out), nil
}

func (k *Keygen) next(ctx context.Context, r int, in []mpc.Inbound) ([][]byte, error) {
	if r == 1 {
		if k.keyFn != nil {
			return [][]byte{k.r1.Payload()}, nil // the key is chosen at the first save
		}
		// Refuse a key that already holds a share before anything leaves: the PENDING save
		// before K4 would overwrite it, and a failed K4 check deletes the record.
		switch _, err := k.st.Load(ctx, k.key); {
		case err == nil:
			return nil, fmt.Errorf("%w: %q", ErrKeyExists, k.key)
		case !errors.Is(err, ErrNotFound):
			return nil, fmt.Errorf("ecdsa2p: keygen: store: %w", err)
		}
		return [][]byte{k.r1.Payload()}, nil
	}
	p, err := one("keygen", r-1, in)
	if err != nil {
		return nil, err
	}
	switch r {
	case 2:
		r2, k2, err := k.r1.Next(p)
		if err != nil {
			return nil, convert("keygen", 1, err)
		}
		k.r2 = r2
		return [][]byte{k2}, nil
	case 3:
		r3, k3, err := k.r2.Next(p)
		if err != nil {
			return nil, convert("keygen", 2, err)
		}
		k.r3 = r3
		return [][]byte{k3}, nil
	case 4:
		r4, k4, err := k.r3.Next(p)
		if err != nil {
			return nil, convert("keygen", 3, err)
		}
		if err := k.savePending(ctx, r4); err != nil {
			return nil, err
		}
		k.r4 = r4
		return [][]byte{k4}, nil
	case 5:
		ks, err := k.r4.Next(p)
		if err != nil {
			err = convert("keygen", 4, err)
			if errors.Is(err, mpc.ErrIgnoreInput) {
				return nil, err // r4 is untouched and still waits for the peer's K4
			}
			k.r4 = nil
			// The peer's K4 failed its check: the PENDING record saved before our K4 goes
			// (§7.4: a party whose check fails stores nothing).
			if derr := k.st.Delete(context.WithoutCancel(ctx), k.key); derr != nil {
				err = errors.Join(err, newError("keygen", 4, Internal, derr))
			}
			return nil, err
		}
		k.r4 = nil
		res := &Keyshare{gens: keyshare.Generations{Active: ks}}
		if err := res.save(ctx, k.st, k.key); err != nil {
			return nil, newError("keygen", 4, Internal, err)
		}
		k.result, k.done = res, true
		return nil, nil
	}
	return nil, newError("keygen", r, Internal, errors.New("round out of range"))
}

// savePending persists r4's keyshare with status PENDING before this party's K4 is returned
// to the driver (PROTOCOL.md §7.4): a crash after K4 leaves, or a peer K4 that never arrives,
// then loses nothing the peer may already hold as ACTIVE. If the save fails, K4 is withheld,
// the keyshare is wiped, and the run aborts with Internal. The save ignores ctx's
// cancellation so that a record is never half-decided by a deadline.
func (k *Keygen) savePending(ctx context.Context, r4 *keygen.Round4) error {
	ks, err := r4.PendingKeyshare()
	if err != nil {
		return convert("keygen", 3, err)
	}
	if k.keyFn != nil {
		// The key names key_id, which is fresh: a record under it means a broken store.
		k.key = k.keyFn(ks.KeyID(), int(ks.Index()))
		switch _, err := k.st.Load(ctx, k.key); {
		case err == nil:
			err = fmt.Errorf("%w: %q", ErrKeyExists, k.key)
			fallthrough
		case !errors.Is(err, ErrNotFound):
			ks.Wipe()
			return newError("keygen", 3, Internal, err)
		}
	}
	res := &Keyshare{gens: keyshare.Generations{Pending: ks}}
	if err := res.save(context.WithoutCancel(ctx), k.st, k.key); err != nil {
		if ks, _, perr := r4.Pending(); perr == nil {
			ks.Wipe()
		}
		return newError("keygen", 3, Internal, err)
	}
	return nil
}

// Result returns the keyshare once Run succeeded; it is already stored. If the session
// ended after this party sent K4 but before the peer's K4 arrived (a timeout, a
// cancellation), Result stores the keyshare with status PENDING and returns it together
// with ErrIncomplete (PROTOCOL.md §7.4): it signs, and its first successful signature
// promotes it. Otherwise it returns the session's error.
func (k *Keygen) Result(ctx context.Context) (*Keyshare, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.result != nil {
		return k.result, nil
	}
	if k.r4 != nil {
		ks, _, err := k.r4.Pending()
		k.r4 = nil
		if err != nil {
			return nil, convert("keygen", 4, err)
		}
		res := &Keyshare{gens: keyshare.Generations{Pending: ks}}
		if err := res.save(ctx, k.st, k.key); err != nil {
			return nil, newError("keygen", 4, Internal, err)
		}
		k.result, k.done = res, true
		return res, ErrIncomplete
	}
	if k.err != nil {
		return nil, k.err
	}
	return nil, newError("keygen", 0, Internal, errors.New("session not finished"))
}

// RunKeygen runs keygen as the party with the given index over cfg's transport (setting
// cfg.Protocol to LabelKeygen) and returns the keyshare, already saved to st under key.
// A session that ended after this party's K4 returns the PENDING keyshare and an error
// matching both ErrIncomplete and the driver's error.
func RunKeygen(ctx context.Context, cfg mpc.Config, index int, st Store, key string) (*Keyshare, error) {
	kg, err := NewKeygen(cfg, index, st, key)
	if err != nil {
		return nil, err
	}
	return runKeygen(ctx, cfg, kg)
}

func runKeygen(ctx context.Context, cfg mpc.Config, kg *Keygen) (*Keyshare, error) {
	runErr := run(ctx, cfg, LabelKeygen, kg)
	ks, err := kg.Result(context.WithoutCancel(ctx))
	switch {
	case runErr == nil:
		return ks, err
	case errors.Is(err, ErrIncomplete):
		return ks, errors.Join(ErrIncomplete, runErr)
	}
	return nil, runErr
}
