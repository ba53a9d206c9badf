package main

import (
	"encoding/hex"
	"flag"
	"fmt"

	"github.com/tandem-mpc/tandem/ecdsa2p/internal/keyshare"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/testvec"
)

// Flags of the refresh vector (PROTOCOL.md §12.4(d): instance 33×32, seeds "kat/refresh/0"
// and "kat/refresh/1"), registered at init so that main's flag.Parse sees them.
var (
	refreshSeed0    = flag.String("refresh-seed0", testvec.RefreshSeeds[0], "TestRNG seed of P1 for refresh")
	refreshSeed1    = flag.String("refresh-seed1", testvec.RefreshSeeds[1], "TestRNG seed of P2 for refresh")
	refreshInstance = flag.String("refresh-instance", hex.EncodeToString(testvec.RefreshInstance[:]), "refresh instance_id, 32 bytes hex")
)

// printRefresh refreshes copies of the keygen run's keyshares (the keygen run itself is left
// intact), prints the refresh values of §12.4(d) as "name hex" lines and returns the new,
// ACTIVE keyshares (the input of sign 2).
func printRefresh(kg *testvec.KeygenRun) [2]*keyshare.Keyshare {
	var ks [2]*keyshare.Keyshare
	for i := range 2 {
		var err error
		if ks[i], err = keyshare.Parse(kg.Keyshares[i].Marshal()); err != nil {
			fail("refresh: copying keyshare %d: %v", i, err)
		}
	}
	in := testvec.DefaultRefresh(ks)
	in.Seeds = [2]string{*refreshSeed0, *refreshSeed1}
	var err error
	if in.Instance, err = hex32(*refreshInstance); err != nil {
		fail("-refresh-instance: %v", err)
	}
	run, err := testvec.RunRefresh(in)
	if err != nil {
		fail("refresh: %v", err)
	}
	for _, v := range run.RefreshValues() {
		fmt.Printf("%s %s\n", v.Name, v.Hex)
	}
	full.add("refresh", "rf", run.Payloads[:])
	return run.Keyshares
}
