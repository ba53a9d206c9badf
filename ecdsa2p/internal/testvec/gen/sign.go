package main

import (
	"encoding/hex"
	"flag"
	"fmt"

	"github.com/tandem-mpc/tandem/ecdsa2p/internal/bip32"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/keyshare"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/testvec"
)

// Flags of the sign vectors (PROTOCOL.md §12.4(d)), registered at init so that main's
// flag.Parse sees them.
var (
	sign1Seed0    = flag.String("sign1-seed0", testvec.Sign1Seeds[0], "TestRNG seed of P1 for sign 1")
	sign1Seed1    = flag.String("sign1-seed1", testvec.Sign1Seeds[1], "TestRNG seed of P2 for sign 1")
	sign1Instance = flag.String("sign1-instance", hex.EncodeToString(testvec.Sign1Instance[:]), "sign 1 instance_id, 32 bytes hex")
	sign1Path     = flag.String("sign1-path", testvec.Sign1Path.String(), "sign 1 derivation path (non-hardened)")
	sign1Digest   = flag.String("sign1-digest", hex.EncodeToString(testvec.Sign1Digest[:]), "sign 1 e_bytes, 32 bytes hex")
	sign2Seed0    = flag.String("sign2-seed0", testvec.Sign2Seeds[0], "TestRNG seed of P1 for sign 2")
	sign2Seed1    = flag.String("sign2-seed1", testvec.Sign2Seeds[1], "TestRNG seed of P2 for sign 2")
	sign2Instance = flag.String("sign2-instance", hex.EncodeToString(testvec.Sign2Instance[:]), "sign 2 instance_id, 32 bytes hex")
	sign2Path     = flag.String("sign2-path", testvec.Sign2Path.String(), "sign 2 derivation path (non-hardened)")
	sign2Digest   = flag.String("sign2-digest", hex.EncodeToString(testvec.Sign2Digest[:]), "sign 2 e_bytes, 32 bytes hex")
)

// printSigns prints sign 1 (on copies of the keygen keyshares) and sign 2 (on copies of the
// refreshed keyshares) as "name hex" lines.
func printSigns(kg *testvec.KeygenRun, refreshed [2]*keyshare.Keyshare) {
	printSign("sign1", kg.Keyshares, *sign1Seed0, *sign1Seed1, *sign1Instance, *sign1Path, *sign1Digest)
	printSign("sign2", refreshed, *sign2Seed0, *sign2Seed1, *sign2Instance, *sign2Path, *sign2Digest)
}

func printSign(name string, src [2]*keyshare.Keyshare, seed0, seed1, inst, path, digest string) {
	var ks [2]*keyshare.Keyshare
	for i := range 2 {
		var err error
		if ks[i], err = keyshare.Parse(src[i].Marshal()); err != nil {
			fail("%s: copying keyshare %d: %v", name, i, err)
		}
	}
	in := testvec.SignInput{Keyshares: ks, Seeds: [2]string{seed0, seed1}}
	var err error
	if in.Instance, err = hex32(inst); err != nil {
		fail("-%s-instance: %v", name, err)
	}
	if in.Path, err = bip32.ParsePath(path); err != nil {
		fail("-%s-path: %v", name, err)
	}
	e, err := hex32(digest)
	if err != nil {
		fail("-%s-digest: %v", name, err)
	}
	in.Digest = [2][32]byte{e, e}
	run, err := testvec.RunSign(in)
	if err != nil {
		fail("%s: %v", name, err)
	}
	full.add(name, "s", run.Payloads[:])
	for _, v := range run.SignValues(name) {
		fmt.Printf("%s %s\n", v.Name, v.Hex)
	}
}
