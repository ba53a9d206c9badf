package sign_test

import (
	"crypto/sha256"
	"fmt"

	"github.com/tandem-mpc/tandem/ecdsa2p/internal/bip32"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/keygen"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/rng"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/sign"
)

// Both parties of one keygen, one presign and one finish in one process. In a real
// deployment each party runs on its own device, the payloads travel through the driver
// (package mpc), the pre-signature is stored between presign and finish, and a class (a)
// error (engineerr.ErrIgnore) would mean "keep waiting".
func Example() {
	id0, id1 := []byte{0x01, 0xaa}, []byte{0x01, 0xbb}
	var kgInstance, psInstance [32]byte // agreed out of band, unique per run
	psInstance[0] = 1

	// Keygen (see package keygen).
	a1, _ := keygen.New(kgInstance, 0, id0, id1, rng.System)
	b1, _ := keygen.New(kgInstance, 1, id0, id1, rng.System)
	a2, ka2, _ := a1.Next(b1.Payload())
	b2, kb2, _ := b1.Next(a1.Payload())
	a3, ka3, _ := a2.Next(kb2)
	b3, kb3, _ := b2.Next(ka2)
	a4, ka4, _ := a3.Next(kb3)
	b4, kb4, _ := b3.Next(ka3)
	ksA, _ := a4.Next(kb4)
	ksB, _ := b4.Next(ka4)

	// Presign for the key at m/0/7: three rounds, no message yet.
	path, _ := bip32.ParsePath("m/0/7")
	p1, _ := sign.NewPresign(ksA, psInstance, path, rng.System)
	p2, _ := sign.NewPresign(ksB, psInstance, path, rng.System)
	p1r2, s2p1, _ := p1.Next(p2.Payload())
	p2r2, s2p2, _ := p2.Next(p1.Payload())
	p1r3, s3p1, _ := p1r2.Next(s2p2)
	p2r3, s3p2, _ := p2r2.Next(s2p1)
	preA, _ := p1r3.Next(s3p2)
	preB, _ := p2r3.Next(s3p1)

	// Finish: each party hashes the message itself; one round.
	e := sha256.Sum256([]byte("pay 1 coin to Bob"))
	f1, s4p1, _ := sign.Finish(ksA, preA, e)
	f2, s4p2, _ := sign.Finish(ksB, preB, e)
	sigA, errA := f1.Next(s4p2)
	sigB, errB := f2.Next(s4p1)

	d, _ := sign.Derive(ksA, path)
	fmt.Println(errA, errB)
	fmt.Println(*sigA == *sigB, sigA.Key == d.Key, sigA.RecID < 2)
	// A pre-signature is single-use.
	_, _, err := sign.Finish(ksA, preA, e)
	fmt.Println(err)
	// Output:
	// <nil> <nil>
	// true true true
	// ecdsa2p: sign round 4: pre-signature consumed: the pre-signature was already used
}
