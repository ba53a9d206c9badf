package ecdsa2p

import (
	"context"
	"crypto/sha256"
	"errors"
	"testing"
	"time"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	decredecdsa "github.com/decred/dcrd/dcrec/secp256k1/v4/ecdsa"
	"github.com/stretchr/testify/require"

	"github.com/tandem-mpc/tandem/mpc"
	"github.com/tandem-mpc/tandem/mpc/mpctest"
)

// net is a pair of parties over an in-memory relay; each op gets a fresh instance id.
type testNet struct {
	s    *mpctest.Session
	stA  Store
	stB  Store
	keyA string
	keyB string
}

func newTestNet(t *testing.T) *testNet {
	t.Helper()
	rl := mpctest.NewRelay(t, nil)
	s := mpctest.NewSession(t, rl)
	s.Base.DefaultTimeout = 30 * time.Second
	s.Base.StallInterval = 200 * time.Millisecond
	return &testNet{s: s, stA: &MemoryStore{}, stB: &MemoryStore{}, keyA: "alice", keyB: "bob"}
}

// configs returns both configs with a fresh instance id.
func (n *testNet) configs(label string) (a, b mpc.Config) {
	a, b = n.s.Configs()
	inst := mpc.RandomInstanceID()
	a.Instance, b.Instance = inst, inst
	a.Protocol, b.Protocol = label, label
	return a, b
}

func (n *testNet) run(t *testing.T, label string, build func(a, b mpc.Config) (mpc.Protocol, mpc.Protocol)) (errA, errB error) {
	t.Helper()
	a, b := n.configs(label)
	pa, pb := build(a, b)
	ctx, cancel := context.WithTimeout(context.Background(), n.s.Base.DefaultTimeout)
	defer cancel()
	return mpctest.RunPair(ctx, a, b, pa, pb)
}

func (n *testNet) keygen(t *testing.T) (*Keyshare, *Keyshare) {
	t.Helper()
	var ka, kb *Keygen
	errA, errB := n.run(t, LabelKeygen, func(a, b mpc.Config) (mpc.Protocol, mpc.Protocol) {
		var err error
		ka, err = NewKeygen(a, 0, n.stA, n.keyA)
		require.NoError(t, err)
		kb, err = NewKeygen(b, 1, n.stB, n.keyB)
		require.NoError(t, err)
		return ka, kb
	})
	require.NoError(t, errA)
	require.NoError(t, errB)
	ksA, err := ka.Result(context.Background())
	require.NoError(t, err)
	ksB, err := kb.Result(context.Background())
	require.NoError(t, err)
	return ksA, ksB
}

func (n *testNet) presign(t *testing.T, ksA, ksB *Keyshare, path string, h [2]hooks) (*Presignature, *Presignature, error, error) {
	t.Helper()
	var pa, pb *Presign
	errA, errB := n.run(t, LabelPresign, func(a, b mpc.Config) (mpc.Protocol, mpc.Protocol) {
		var err error
		pa, err = newPresign(a, ksA, n.stA, n.keyA, path, h[0])
		require.NoError(t, err)
		pb, err = newPresign(b, ksB, n.stB, n.keyB, path, h[1])
		require.NoError(t, err)
		return pa, pb
	})
	if errA != nil || errB != nil {
		return nil, nil, errA, errB
	}
	psA, err := pa.Result()
	require.NoError(t, err)
	psB, err := pb.Result()
	require.NoError(t, err)
	return psA, psB, nil, nil
}

func (n *testNet) finish(t *testing.T, ksA, ksB *Keyshare, sid, digest [32]byte) (*Signature, *Signature, error, error) {
	t.Helper()
	var fa, fb *Finish
	errA, errB := n.run(t, LabelFinish, func(a, b mpc.Config) (mpc.Protocol, mpc.Protocol) {
		var err error
		fa, err = NewFinishP1(a, ksA, n.stA, n.keyA, sid, digest, DigestRequest(sid, digest))
		require.NoError(t, err)
		fb, err = NewFinishP2(b, ksB, n.stB, n.keyB, AcceptDigest())
		require.NoError(t, err)
		return fa, fb
	})
	if errA != nil || errB != nil {
		return nil, nil, errA, errB
	}
	sa, err := fa.Result()
	require.NoError(t, err)
	sb, err := fb.Result()
	require.NoError(t, err)
	return sa, sb, nil, nil
}

func (n *testNet) refresh(t *testing.T, ksA, ksB *Keyshare) {
	t.Helper()
	errA, errB := n.run(t, LabelRefresh, func(a, b mpc.Config) (mpc.Protocol, mpc.Protocol) {
		ra, err := NewRefresh(a, ksA, n.stA, n.keyA)
		require.NoError(t, err)
		rb, err := NewRefresh(b, ksB, n.stB, n.keyB)
		require.NoError(t, err)
		return ra, rb
	})
	require.NoError(t, errA)
	require.NoError(t, errB)
}

// verifySig checks sig with decred's verifier and recovers the public key from it.
func verifySig(t *testing.T, sig *Signature, digest [32]byte) {
	t.Helper()
	var r, s secp256k1.ModNScalar
	require.False(t, r.SetByteSlice(sig.R[:]))
	require.False(t, s.SetByteSlice(sig.S[:]))
	require.False(t, s.IsOverHalfOrder(), "low s")
	pub, err := secp256k1.ParsePubKey(sig.Key[:])
	require.NoError(t, err)
	require.True(t, decredecdsa.NewSignature(&r, &s).Verify(digest[:], pub))
	compact := make([]byte, 65)
	compact[0] = 27 + 4 + sig.RecID
	copy(compact[1:33], sig.R[:])
	copy(compact[33:], sig.S[:])
	rec, compressed, err := decredecdsa.RecoverCompact(compact, digest[:])
	require.NoError(t, err)
	require.True(t, compressed)
	require.Equal(t, sig.Key[:], rec.SerializeCompressed())
}

func digestOf(msg string) [32]byte { return sha256.Sum256([]byte(msg)) }

// engineErr returns the *Error in err's chain, or fails.
func engineErr(t *testing.T, err error) *Error {
	t.Helper()
	var e *Error
	require.True(t, errors.As(err, &e), "want an *ecdsa2p.Error in %v", err)
	return e
}
