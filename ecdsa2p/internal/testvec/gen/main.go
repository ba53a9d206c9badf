// Command gen prints tandem's known-answer values as "name hex" lines, one per line, computed
// by running the engine in-process with the deterministic test RNG of PROTOCOL.md §12.5. With
// no flags it reproduces the inputs of PROTOCOL.md §12.4(d):
//
//	go run ./ecdsa2p/internal/testvec/gen
//	go run ./ecdsa2p/internal/testvec/gen -keygen-seed0 a -keygen-seed1 b -keygen-instance 22…
//	go run ./ecdsa2p/internal/testvec/gen -transcript /tmp/tandem-transcript.txt
//
// With -transcript it also writes every payload of every run in hex (keygen.k1.p1 …,
// refresh.rf3.p2 …, sign1.s4.p1 …), for comparing another implementation payload by payload.
//
// The keys it prints are public test keys; never use them for real funds.
package main

import (
	"encoding/hex"
	"flag"
	"fmt"
	"os"

	"github.com/tandem-mpc/tandem/ecdsa2p/internal/testvec"
)

func main() {
	def := testvec.DefaultKeygen()
	seed0 := flag.String("keygen-seed0", def.Seeds[0], "TestRNG seed of P1 for keygen")
	seed1 := flag.String("keygen-seed1", def.Seeds[1], "TestRNG seed of P2 for keygen")
	inst := flag.String("keygen-instance", hex.EncodeToString(def.Instance[:]), "keygen instance_id, 32 bytes hex")
	id0 := flag.String("id0", hex.EncodeToString(def.ID0), "id_0 (P1's typed verifying-key encoding), hex")
	id1 := flag.String("id1", hex.EncodeToString(def.ID1), "id_1 (P2's typed verifying-key encoding), hex")
	out := flag.String("transcript", "", "also write every payload of every run, in hex, as \"name hex\" lines to this file")
	flag.Parse()

	in := def
	in.Seeds = [2]string{*seed0, *seed1}
	var err error
	if in.Instance, err = hex32(*inst); err != nil {
		fail("-keygen-instance: %v", err)
	}
	if in.ID0, err = hex.DecodeString(*id0); err != nil {
		fail("-id0: %v", err)
	}
	if in.ID1, err = hex.DecodeString(*id1); err != nil {
		fail("-id1: %v", err)
	}
	run, err := testvec.RunKeygen(in)
	if err != nil {
		fail("keygen: %v", err)
	}
	for _, v := range run.KeygenValues() {
		fmt.Printf("%s %s\n", v.Name, v.Hex)
	}
	full.add("keygen", "k", run.Payloads[:])
	printSigns(run, printRefresh(run)) // refresh block (gen/refresh.go), then sign 1 and sign 2 (gen/sign.go)
	if *out != "" {
		if err := full.write(*out); err != nil {
			fail("-transcript: %v", err)
		}
	}
}

func hex32(s string) ([32]byte, error) {
	b, err := hex.DecodeString(s)
	if err != nil {
		return [32]byte{}, err
	}
	if len(b) != 32 {
		return [32]byte{}, fmt.Errorf("%d bytes, want 32", len(b))
	}
	return [32]byte(b), nil
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "gen: "+format+"\n", args...)
	os.Exit(1)
}
