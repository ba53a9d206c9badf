package refresh_test

import (
	"fmt"

	"github.com/tandem-mpc/tandem/ecdsa2p/internal/engineerr"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/keyshare"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/refresh"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/rng"
)

// Both parties of one refresh in one process, starting from a LOCKED keyshare of P1. In a
// real deployment each party runs on its own device, the payloads travel through the driver
// (package mpc), and save writes both records to encrypted, authenticated storage.
func Example() {
	ks, _ := runKeygen() // two keyshares of one key, as keygen returns them
	ks[0].Lock(engineerr.OTExtensionCheckFailed, 1)
	oldShareID := ks[0].ShareID()

	var saved [2][]string
	saver := func(i int) refresh.SaveFunc {
		return func(g *keyshare.Generations) error {
			state := "active"
			if g.Pending != nil {
				state = "active+pending"
			}
			saved[i] = append(saved[i], state)
			return nil
		}
	}
	var instance [32]byte // agreed out of band, unique per run
	p1, _ := refresh.New(instance, ks[0], rng.System, saver(0))
	p2, _ := refresh.New(instance, ks[1], rng.System, saver(1))

	p1r2, rf2p1, _ := p1.Next(p2.Payload())
	p2r2, rf2p2, _ := p2.Next(p1.Payload())
	p1r3, rf3p1, _ := p1r2.Next(rf2p2)
	p2r3, rf3p2, _ := p2r2.Next(rf2p1)
	p1r4, rf4p1, _ := p1r3.Next(rf3p2) // saves {old, new PENDING} before returning RF4
	p2r4, rf4p2, _ := p2r3.Next(rf3p1)
	n1, err1 := p1r4.Next(rf4p2) // saves {new ACTIVE}: the old generation is deleted
	n2, err2 := p2r4.Next(rf4p1)

	locked, _, _ := n1.Locked()
	fmt.Println(err1, err2)
	fmt.Println(n1.PublicKey() == n2.PublicKey(), n1.KeyID() == n2.KeyID(), n1.ShareID() != oldShareID)
	fmt.Println(locked, n1.Pending(), saved[0])
	// Output:
	// <nil> <nil>
	// true true true
	// false false [active+pending active]
}
