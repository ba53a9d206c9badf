package bench

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/tandem-mpc/tandem/ecdsa2p"
	"github.com/tandem-mpc/tandem/relay"
	"github.com/tandem-mpc/tandem/signer"
)

// opTimeout bounds one operation (both parties). The driver keeps frames stored for the
// deadline plus its grace period, so it also bounds how long a run's frames occupy the relay.
const opTimeout = 30 * time.Second

// pair is the two parties of the benchmark: one Session each, on their own relay clients, and
// the keyshares the signing operations reuse.
type pair struct {
	c1, c2   *relay.Client
	k1, k2   *signer.PrivateKey
	vk1, vk2 signer.VerifyingKey
	s1, s2   *ecdsa2p.Session // the Sessions that hold ks1 and ks2
	ks1, ks2 *ecdsa2p.Keyshare
	seq      int // message counter, so every signature is over a new message
}

// newPair returns the two parties on the clients c1 (P1) and c2 (P2), with fresh Ed25519
// message keys.
func newPair(c1, c2 *relay.Client) (*pair, error) {
	k1, err := signer.GenerateEd25519()
	if err != nil {
		return nil, fmt.Errorf("bench: message key: %w", err)
	}
	k2, err := signer.GenerateEd25519()
	if err != nil {
		return nil, fmt.Errorf("bench: message key: %w", err)
	}
	return &pair{c1: c1, c2: c2, k1: k1, k2: k2, vk1: k1.VerifyingKey(), vk2: k2.VerifyingKey()}, nil
}

// both runs f1 (P1) and f2 (P2) on their own goroutines under one deadline and returns the
// wall time until both returned. The first error cancels the other party, so a failure ends
// the operation at once rather than at the peer's deadline.
func both(parent context.Context, op string, f1, f2 func(context.Context) error) (time.Duration, error) {
	ctx, cancel := context.WithTimeout(parent, opTimeout)
	defer cancel()
	var e1, e2 error
	var wg sync.WaitGroup
	start := time.Now()
	wg.Go(func() {
		if e1 = f1(ctx); e1 != nil {
			cancel()
		}
	})
	wg.Go(func() {
		if e2 = f2(ctx); e2 != nil {
			cancel()
		}
	})
	wg.Wait()
	d := time.Since(start)
	switch {
	case (e1 != nil || e2 != nil) && parent.Err() != nil:
		return d, fmt.Errorf("bench: %s: interrupted: %w", op, parent.Err())
	case e1 != nil && e2 != nil:
		return d, fmt.Errorf("bench: %s: P1: %w; P2: %w", op, e1, e2)
	case e1 != nil:
		return d, fmt.Errorf("bench: %s: P1: %w", op, e1)
	case e2 != nil:
		return d, fmt.Errorf("bench: %s: P2: %w", op, e2)
	}
	return d, nil
}

// keygen runs one keygen on a new Session per party (with its own MemoryStore). The pair keeps
// the Sessions and keyshares of its first keygen for every signing operation; the others are
// dropped, so that a long run's memory does not grow with its keyshares.
func (p *pair) keygen(ctx context.Context) (time.Duration, error) {
	id := ecdsa2p.RandomInstanceID()
	s1, s2 := ecdsa2p.NewSession(p.c1, p.k1), ecdsa2p.NewSession(p.c2, p.k2)
	var ks1, ks2 *ecdsa2p.Keyshare
	d, err := both(ctx, "keygen",
		func(ctx context.Context) (err error) { ks1, err = s1.KeygenP1(ctx, id, p.vk2); return err },
		func(ctx context.Context) (err error) { ks2, err = s2.KeygenP2(ctx, id, p.vk1); return err })
	if err != nil {
		return d, err
	}
	if ks1.PublicKey() != ks2.PublicKey() {
		return d, errors.New("bench: keygen: the parties' public keys differ")
	}
	if p.ks1 == nil {
		p.s1, p.s2, p.ks1, p.ks2 = s1, s2, ks1, ks2
	}
	return d, nil
}

// message returns a new message to sign, always of the same length (the SIGN_REQUEST carries
// it, so its length is part of sign_bytes_per_party).
func (p *pair) message() []byte {
	p.seq++
	return fmt.Appendf(nil, "tandem bench message %010d", p.seq)
}

// sign runs one one-call sign (SigngenP1 ‖ SigngenP2: presign and finish back to back).
func (p *pair) sign(ctx context.Context) (time.Duration, error) {
	if p.ks1 == nil {
		return 0, errors.New("bench: sign: internal error: no keyshare")
	}
	id, msg := ecdsa2p.RandomInstanceID(), p.message()
	var sig1, sig2 *ecdsa2p.Signature
	d, err := both(ctx, "sign",
		func(ctx context.Context) (err error) {
			sig1, err = p.s1.SigngenP1(ctx, ecdsa2p.SignRequest{InstanceID: id, Keyshare: p.ks1, OtherVK: p.vk2,
				Message: msg, Hash: ecdsa2p.Keccak256})
			return err
		},
		func(ctx context.Context) (err error) {
			sig2, err = p.s2.SigngenP2(ctx, ecdsa2p.SignRequest{InstanceID: id, Keyshare: p.ks2, OtherVK: p.vk1})
			return err
		})
	if err != nil {
		return d, err
	}
	return d, sameSignature("sign", sig1, sig2)
}

// presigned is a pre-signature of each party, to finish.
type presigned struct{ ps1, ps2 *ecdsa2p.Presignature }

// presign runs one Presign on both sides.
func (p *pair) presign(ctx context.Context) (time.Duration, presigned, error) {
	if p.ks1 == nil {
		return 0, presigned{}, errors.New("bench: presign: internal error: no keyshare")
	}
	id := ecdsa2p.RandomInstanceID()
	var ps presigned
	d, err := both(ctx, "presign",
		func(ctx context.Context) (err error) {
			ps.ps1, err = p.s1.Presign(ctx, ecdsa2p.SignRequest{InstanceID: id, Keyshare: p.ks1, OtherVK: p.vk2})
			return err
		},
		func(ctx context.Context) (err error) {
			ps.ps2, err = p.s2.Presign(ctx, ecdsa2p.SignRequest{InstanceID: id, Keyshare: p.ks2, OtherVK: p.vk1})
			return err
		})
	return d, ps, err
}

// finish runs the online round (FinishP1 ‖ FinishP2) on ps.
func (p *pair) finish(ctx context.Context, ps presigned) (time.Duration, error) {
	id, msg := ecdsa2p.RandomInstanceID(), p.message()
	var sig1, sig2 *ecdsa2p.Signature
	d, err := both(ctx, "online",
		func(ctx context.Context) (err error) {
			sig1, err = p.s1.FinishP1(ctx, ecdsa2p.SignRequest{InstanceID: id, Keyshare: p.ks1, OtherVK: p.vk2,
				Presignature: ps.ps1, Message: msg, Hash: ecdsa2p.Keccak256})
			return err
		},
		func(ctx context.Context) (err error) {
			sig2, err = p.s2.FinishP2(ctx, ecdsa2p.SignRequest{InstanceID: id, Keyshare: p.ks2, OtherVK: p.vk1,
				Presignature: ps.ps2})
			return err
		})
	if err != nil {
		return d, err
	}
	return d, sameSignature("online", sig1, sig2)
}

// sameSignature checks that both parties returned the same signature (each was verified by
// the engine before it was returned).
func sameSignature(op string, a, b *ecdsa2p.Signature) error {
	if a == nil || b == nil || a.Bytes65() != b.Bytes65() {
		return fmt.Errorf("bench: %s: the parties returned different signatures", op)
	}
	return nil
}
