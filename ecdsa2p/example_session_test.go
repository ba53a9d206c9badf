package ecdsa2p_test

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	secp "github.com/decred/dcrd/dcrec/secp256k1/v4"
	"github.com/decred/dcrd/dcrec/secp256k1/v4/ecdsa"
	"golang.org/x/crypto/sha3"

	"github.com/tandem-mpc/tandem/ecdsa2p"
	"github.com/tandem-mpc/tandem/mpc/mpctest"
	"github.com/tandem-mpc/tandem/relay/relaytest"
	"github.com/tandem-mpc/tandem/relay/server"
	"github.com/tandem-mpc/tandem/signer"
)

// verifies reports whether sig is a valid ECDSA signature of digest under the public key it
// names (decred's verifier, independent of the package).
func verifies(sig *ecdsa2p.Signature, digest []byte) bool {
	pk, err := secp.ParsePubKey(sig.Key[:])
	if err != nil {
		return false
	}
	var r, s secp.ModNScalar
	r.SetByteSlice(sig.R[:])
	s.SetByteSlice(sig.S[:])
	return ecdsa.NewSignature(&r, &s).Verify(digest, pk)
}

// Two devices — a phone (P1, Ed25519 message key) and a server (P2, P-256 message key) — meet
// on a relay (here in memory; relay.Dial for a real one), generate a key and sign an
// Ethereum-style message with it. Each party runs its half in its own goroutine (in an
// application: on its own device), with the instance id and the other party's verifying key
// agreed out of band (a QR code).
func ExampleNewSession() {
	cfg := server.DefaultConfig()
	cfg.Logger = slog.New(slog.DiscardHandler)
	rl, _ := relaytest.New(cfg)
	defer rl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	phoneKey, _ := signer.GenerateEd25519()
	serverKey, _ := signer.GenerateP256()
	c1, _ := rl.DialAs(ctx, mpctest.IPA, nil)
	defer c1.Close()
	c2, _ := rl.DialAs(ctx, mpctest.IPB, nil)
	defer c2.Close()
	phone := ecdsa2p.NewSession(c1, phoneKey)   // keeps its keyshares in a MemoryStore
	server := ecdsa2p.NewSession(c2, serverKey) // (use WithStore for a durable one)

	// Key generation.
	id := ecdsa2p.RandomInstanceID()
	var ks1, ks2 *ecdsa2p.Keyshare
	var err1, err2 error
	var wg sync.WaitGroup
	wg.Go(func() { ks1, err1 = phone.KeygenP1(ctx, id, serverKey.VerifyingKey()) })
	wg.Go(func() { ks2, err2 = server.KeygenP2(ctx, id, phoneKey.VerifyingKey()) })
	wg.Wait()
	if err1 != nil || err2 != nil {
		fmt.Println("keygen:", err1, err2)
		return
	}
	addr := ks1.AddressHex()
	fmt.Println("address:", addr[:2], len(addr), "characters")
	fmt.Println("same key on both sides:", ks1.PublicKey() == ks2.PublicKey())

	// One signature: the phone proposes the message, the server sees it in Approve.
	msg := []byte("transfer 1 ETH to bob")
	sid := ecdsa2p.RandomInstanceID()
	var sig1, sig2 *ecdsa2p.Signature
	wg.Go(func() {
		sig1, err1 = phone.SigngenP1(ctx, ecdsa2p.SignRequest{
			InstanceID: sid, Keyshare: ks1, OtherVK: serverKey.VerifyingKey(),
			Path: "m/0/1", Message: msg, Hash: ecdsa2p.Keccak256,
		})
	})
	wg.Go(func() {
		sig2, err2 = server.SigngenP2(ctx, ecdsa2p.SignRequest{
			InstanceID: sid, Keyshare: ks2, OtherVK: phoneKey.VerifyingKey(), Path: "m/0/1",
			Approve: func(_ context.Context, m ecdsa2p.MessageToSign) error {
				fmt.Printf("server approves %q (%v)\n", m.Message, m.Hash)
				return nil
			},
		})
	})
	wg.Wait()
	if err1 != nil || err2 != nil {
		fmt.Println("sign:", err1, err2)
		return
	}
	h := sha3.NewLegacyKeccak256()
	h.Write(msg)
	fmt.Println("same signature on both sides:", sig1.Bytes65() == sig2.Bytes65())
	fmt.Println("signature verifies:", verifies(sig1, h.Sum(nil)))
	// Output:
	// address: 0x 42 characters
	// same key on both sides: true
	// server approves "transfer 1 ETH to bob" (keccak256)
	// same signature on both sides: true
	// signature verifies: true
}

// The message-independent presign runs ahead of time (when the devices are idle); the finish
// runs later, under a fresh instance id, when there is something to sign, and is a single
// exchange. Each pre-signature signs exactly one message.
func ExampleSession_Presign() {
	cfg := server.DefaultConfig()
	cfg.Logger = slog.New(slog.DiscardHandler)
	rl, _ := relaytest.New(cfg)
	defer rl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	k1, _ := signer.GenerateEd25519()
	k2, _ := signer.GenerateP256()
	vk1, vk2 := k1.VerifyingKey(), k2.VerifyingKey()
	c1, _ := rl.DialAs(ctx, mpctest.IPA, nil)
	defer c1.Close()
	c2, _ := rl.DialAs(ctx, mpctest.IPB, nil)
	defer c2.Close()
	p1, p2 := ecdsa2p.NewSession(c1, k1), ecdsa2p.NewSession(c2, k2)

	// pair runs the two parties' halves concurrently.
	pair := func(f, g func() error) error {
		var wg sync.WaitGroup
		var ef, eg error
		wg.Go(func() { ef = f() })
		wg.Go(func() { eg = g() })
		wg.Wait()
		if ef != nil {
			return ef
		}
		return eg
	}

	var ks1, ks2 *ecdsa2p.Keyshare
	id := ecdsa2p.RandomInstanceID()
	if err := pair(
		func() (err error) { ks1, err = p1.KeygenP1(ctx, id, vk2); return err },
		func() (err error) { ks2, err = p2.KeygenP2(ctx, id, vk1); return err },
	); err != nil {
		fmt.Println("keygen:", err)
		return
	}

	// Ahead of time: a pre-signature for the key at m/44/60.
	var pre1, pre2 *ecdsa2p.Presignature
	id = ecdsa2p.RandomInstanceID()
	if err := pair(
		func() (err error) {
			pre1, err = p1.Presign(ctx, ecdsa2p.SignRequest{InstanceID: id, Keyshare: ks1, OtherVK: vk2, Path: "m/44/60"})
			return err
		},
		func() (err error) {
			pre2, err = p2.Presign(ctx, ecdsa2p.SignRequest{InstanceID: id, Keyshare: ks2, OtherVK: vk1, Path: "m/44/60"})
			return err
		},
	); err != nil {
		fmt.Println("presign:", err)
		return
	}
	fmt.Println("pre-signature for", pre1.Path(), "agreed:", pre1.SignSID() == pre2.SignSID())

	// Later: the finish, under a fresh instance id.
	msg := []byte("pay invoice 42")
	var sig *ecdsa2p.Signature
	id = ecdsa2p.RandomInstanceID()
	if err := pair(
		func() (err error) {
			sig, err = p1.FinishP1(ctx, ecdsa2p.SignRequest{InstanceID: id, Keyshare: ks1, OtherVK: vk2,
				Presignature: pre1, Message: msg, Hash: ecdsa2p.Keccak256})
			return err
		},
		func() error {
			_, err := p2.FinishP2(ctx, ecdsa2p.SignRequest{InstanceID: id, Keyshare: ks2, OtherVK: vk1, Path: "m/44/60", Presignature: pre2})
			return err
		},
	); err != nil {
		fmt.Println("finish:", err)
		return
	}
	h := sha3.NewLegacyKeccak256()
	h.Write(msg)
	fmt.Println("signed with the derived key:", sig.Key == pre1.PublicKey())
	fmt.Println("signature verifies:", verifies(sig, h.Sum(nil)))
	// Output:
	// pre-signature for m/44/60 agreed: true
	// signed with the derived key: true
	// signature verifies: true
}
