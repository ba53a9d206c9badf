package redisstore_test

import (
	"context"
	"crypto/sha256"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tandem-mpc/tandem/ecdsa2p"
	"github.com/tandem-mpc/tandem/mpc"
	"github.com/tandem-mpc/tandem/relay"
	"github.com/tandem-mpc/tandem/relay/store/redisstore/redistest"
	"github.com/tandem-mpc/tandem/signer"
)

// TestTwoInstancesKeygenSign: a full tandem keygen, presign and finish (ecdsa2p over the mpc
// driver) with party 1 connected to instance A and party 2 to instance B of one Redis.
func TestTwoInstancesKeygenSign(t *testing.T) {
	t.Parallel() // own redis-server
	rs := redistest.Start(t)
	a, b := startInstance(t, rs, "tandem:"), startInstance(t, rs, "tandem:")
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	k1, err := signer.GenerateEd25519()
	require.NoError(t, err)
	k2, err := signer.GenerateEd25519()
	require.NoError(t, err)
	c1, err := relay.Dial(ctx, a.url, clientOptions(b.url))
	require.NoError(t, err)
	defer c1.Close()
	c2, err := relay.Dial(ctx, b.url, clientOptions(a.url))
	require.NoError(t, err)
	defer c2.Close()
	st1, st2 := &ecdsa2p.MemoryStore{}, &ecdsa2p.MemoryStore{}
	configs := func() (x, y mpc.Config) {
		inst := mpc.RandomInstanceID()
		x = mpc.Config{Instance: inst, Self: k1, Peer: k2.VerifyingKey(), Transport: c1}
		y = mpc.Config{Instance: inst, Self: k2, Peer: k1.VerifyingKey(), Transport: c2}
		return x, y
	}
	both := func(f1, f2 func()) {
		var wg sync.WaitGroup
		wg.Go(f1)
		wg.Go(f2)
		wg.Wait()
	}

	x, y := configs()
	var ks1, ks2 *ecdsa2p.Keyshare
	var err1, err2 error
	both(func() { ks1, err1 = ecdsa2p.RunKeygen(ctx, x, 0, st1, "wallet") },
		func() { ks2, err2 = ecdsa2p.RunKeygen(ctx, y, 1, st2, "wallet") })
	require.NoError(t, err1, "keygen P1 on instance A")
	require.NoError(t, err2, "keygen P2 on instance B")
	require.Equal(t, ks1.Address(), ks2.Address())

	x, y = configs()
	var ps1 *ecdsa2p.Presignature
	both(func() { ps1, err1 = ecdsa2p.RunPresign(ctx, x, ks1, st1, "wallet", "m/0/0") },
		func() { _, err2 = ecdsa2p.RunPresign(ctx, y, ks2, st2, "wallet", "m/0/0") })
	require.NoError(t, err1, "presign P1")
	require.NoError(t, err2, "presign P2")

	digest := sha256.Sum256([]byte("relay on redis"))
	x, y = configs()
	f1, err := ecdsa2p.NewFinishP1(x, ks1, st1, "wallet", ps1.SignSID(), digest, ecdsa2p.DigestRequest(ps1.SignSID(), digest))
	require.NoError(t, err)
	f2, err := ecdsa2p.NewFinishP2(y, ks2, st2, "wallet", ecdsa2p.AcceptDigest())
	require.NoError(t, err)
	var sig *ecdsa2p.Signature
	both(func() { sig, err1 = ecdsa2p.RunFinish(ctx, x, f1) },
		func() { _, err2 = ecdsa2p.RunFinish(ctx, y, f2) })
	require.NoError(t, err1, "finish P1")
	require.NoError(t, err2, "finish P2")
	require.Equal(t, ps1.PublicKey(), sig.Key)
	require.Greater(t, len(sig.DER()), 8)
}
