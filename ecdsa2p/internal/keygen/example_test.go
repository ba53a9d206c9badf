package keygen_test

import (
	"fmt"

	"github.com/tandem-mpc/tandem/ecdsa2p/internal/keygen"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/rng"
)

// Both parties of one keygen in one process. In a real deployment each party runs on its own
// device and the payloads travel through the driver (package mpc); a class (a) error
// (engineerr.ErrIgnore) would mean "keep waiting".
func Example() {
	var instance [32]byte // agreed out of band, unique per run
	id0 := []byte{0x01, 0xaa}
	id1 := []byte{0x01, 0xbb}

	p1, _ := keygen.New(instance, 0, id0, id1, rng.System)
	p2, _ := keygen.New(instance, 1, id0, id1, rng.System)

	p1r2, k2p1, _ := p1.Next(p2.Payload())
	p2r2, k2p2, _ := p2.Next(p1.Payload())
	p1r3, k3p1, _ := p1r2.Next(k2p2)
	p2r3, k3p2, _ := p2r2.Next(k2p1)
	p1r4, k4p1, _ := p1r3.Next(k3p2)
	p2r4, k4p2, _ := p2r3.Next(k3p1)
	ks1, err1 := p1r4.Next(k4p2)
	ks2, err2 := p2r4.Next(k4p1)

	fmt.Println(err1, err2)
	fmt.Println(ks1.PublicKey() == ks2.PublicKey(), ks1.KeyID() == ks2.KeyID())
	fmt.Println(ks1.Pending(), len(ks1.Marshal()))
	// Output:
	// <nil> <nil>
	// true true
	// false 65875
}
