package ecdsa2p_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/sha3"

	"github.com/tandem-mpc/tandem/ecdsa2p"
	"github.com/tandem-mpc/tandem/mpc/mpctest"
	"github.com/tandem-mpc/tandem/relay/relaytest"
	"github.com/tandem-mpc/tandem/relay/server"
	"github.com/tandem-mpc/tandem/signer"
)

func TestSessionSmoke(t *testing.T) {
	rl, err := relaytest.New(server.DefaultConfig())
	require.NoError(t, err)
	defer rl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	k1, _ := signer.GenerateEd25519()
	k2, _ := signer.GenerateP256()
	c1, err := rl.DialAs(ctx, mpctest.IPA, nil)
	require.NoError(t, err)
	defer c1.Close()
	c2, err := rl.DialAs(ctx, mpctest.IPB, nil)
	require.NoError(t, err)
	defer c2.Close()
	s1, s2 := ecdsa2p.NewSession(c1, k1), ecdsa2p.NewSession(c2, k2)
	id := ecdsa2p.RandomInstanceID()
	var ks1, ks2 *ecdsa2p.Keyshare
	var e1, e2 error
	var wg sync.WaitGroup
	wg.Go(func() { ks1, e1 = s1.KeygenP1(ctx, id, k2.VerifyingKey()) })
	wg.Go(func() { ks2, e2 = s2.KeygenP2(ctx, id, k1.VerifyingKey()) })
	wg.Wait()
	require.NoError(t, e1)
	require.NoError(t, e2)
	require.Equal(t, ks1.PublicKey(), ks2.PublicKey())
	msg := []byte("hello tandem")
	for range 2 {
		sid := ecdsa2p.RandomInstanceID()
		var sig1, sig2 *ecdsa2p.Signature
		var seen []byte
		wg.Go(func() {
			sig1, e1 = s1.SigngenP1(ctx, ecdsa2p.SignRequest{InstanceID: sid, Keyshare: ks1, Path: "m/0/1", Message: msg, Hash: ecdsa2p.Keccak256, OtherVK: k2.VerifyingKey()})
		})
		wg.Go(func() {
			sig2, e2 = s2.SigngenP2(ctx, ecdsa2p.SignRequest{InstanceID: sid, Keyshare: ks2, Path: "m/0/1", OtherVK: k1.VerifyingKey(),
				Approve: func(_ context.Context, m ecdsa2p.MessageToSign) error { seen = m.Message; return nil }})
		})
		wg.Wait()
		require.NoError(t, e1)
		require.NoError(t, e2)
		require.Equal(t, msg, seen)
		require.Equal(t, sig1.Bytes65(), sig2.Bytes65())
		h := sha3.NewLegacyKeccak256()
		h.Write(msg)
		digest := [32]byte(h.Sum(nil))
		derived, err := ks1.DerivePublicKey("m/0/1")
		require.NoError(t, err)
		require.Equal(t, derived, sig1.Key)
		b65 := sig1.Bytes65()
		require.NoError(t, ecdsa2p.Verify(derived[:], digest, b65[:]))
	}
}
