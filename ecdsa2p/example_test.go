package ecdsa2p_test

import (
	"context"
	"crypto/sha256"
	"fmt"
	"sync"
	"time"

	"github.com/tandem-mpc/tandem/ecdsa2p"
	"github.com/tandem-mpc/tandem/mpc"
	"github.com/tandem-mpc/tandem/mpc/mpctest"
	"github.com/tandem-mpc/tandem/relay/relaytest"
	"github.com/tandem-mpc/tandem/relay/server"
	"github.com/tandem-mpc/tandem/signer"
)

// Two parties generate a key, presign, and finish a signature on a digest over an in-memory
// relay. Each keeps its state in its own Store; the layer saves there before anything that
// depends on it leaves.
func Example() {
	rl, _ := relaytest.New(server.DefaultConfig())
	defer rl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	k1, _ := signer.GenerateEd25519()
	k2, _ := signer.GenerateEd25519()
	c1, _ := rl.DialAs(ctx, mpctest.IPA, nil)
	defer c1.Close()
	c2, _ := rl.DialAs(ctx, mpctest.IPB, nil)
	defer c2.Close()
	st1, st2 := &ecdsa2p.MemoryStore{}, &ecdsa2p.MemoryStore{}

	// configs returns both parties' configs for one session with a fresh instance id (in
	// an application the parties agree on it).
	configs := func() (a, b mpc.Config) {
		inst := mpc.RandomInstanceID()
		a = mpc.Config{Instance: inst, Self: k1, Peer: k2.VerifyingKey(), Transport: c1}
		b = mpc.Config{Instance: inst, Self: k2, Peer: k1.VerifyingKey(), Transport: c2}
		return a, b
	}
	both := func(f1, f2 func()) {
		var wg sync.WaitGroup
		wg.Go(f1)
		wg.Go(f2)
		wg.Wait()
	}

	a, b := configs()
	var ks1, ks2 *ecdsa2p.Keyshare
	var err1, err2 error
	both(func() { ks1, err1 = ecdsa2p.RunKeygen(ctx, a, 0, st1, "wallet") },
		func() { ks2, err2 = ecdsa2p.RunKeygen(ctx, b, 1, st2, "wallet") })
	fmt.Println("keygen:", err1, err2, ks1.Address() == ks2.Address())

	a, b = configs()
	var ps1 *ecdsa2p.Presignature
	both(func() { ps1, err1 = ecdsa2p.RunPresign(ctx, a, ks1, st1, "wallet", "m/0/0") },
		func() { _, err2 = ecdsa2p.RunPresign(ctx, b, ks2, st2, "wallet", "m/0/0") })
	fmt.Println("presign:", err1, err2)

	digest := sha256.Sum256([]byte("pay 1 coin"))
	a, b = configs()
	f1, _ := ecdsa2p.NewFinishP1(a, ks1, st1, "wallet", ps1.SignSID(), digest, ecdsa2p.DigestRequest(ps1.SignSID(), digest))
	f2, _ := ecdsa2p.NewFinishP2(b, ks2, st2, "wallet", ecdsa2p.AcceptDigest())
	var sig *ecdsa2p.Signature
	both(func() { sig, err1 = ecdsa2p.RunFinish(ctx, a, f1) },
		func() { _, err2 = ecdsa2p.RunFinish(ctx, b, f2) })
	fmt.Println("finish:", err1, err2, sig.Key == ps1.PublicKey(), len(sig.DER()) > 8)
	// Output:
	// keygen: <nil> <nil> true
	// presign: <nil> <nil>
	// finish: <nil> <nil> true true
}
