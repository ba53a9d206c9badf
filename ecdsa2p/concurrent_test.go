package ecdsa2p

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tandem-mpc/tandem/mpc"
)

// TestConcurrentFinishSameSID runs several finish sessions of one pre-signature at once:
// at most one produces a signature; every other one fails, never with a second signature.
func TestConcurrentFinishSameSID(t *testing.T) {
	l := newLocal(t)
	l.keygen(t)
	sid := l.presign(t)
	digest := digestOf("race")
	const n = 4
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok := 0
	for range n {
		a, b := fresh(l.a, l.b)
		f0, err := NewFinishP1(a, l.ks[0], l.st[0], "k", sid, digest, DigestRequest(sid, digest))
		require.NoError(t, err)
		f1, err := NewFinishP2(b, l.ks[1], l.st[1], "k", AcceptDigest())
		require.NoError(t, err)
		wg.Go(func() {
			errs := runLocal(context.Background(), [2]mpc.Protocol{f0, f1})
			mu.Lock()
			defer mu.Unlock()
			if errs[0] == nil && errs[1] == nil {
				ok++
				return
			}
			for _, err := range errs {
				if err != nil && !errors.Is(err, context.Canceled) {
					assert.ErrorIs(t, err, ErrPresignatureConsumed)
				}
			}
		})
	}
	wg.Wait()
	require.LessOrEqual(t, ok, 1)
}
