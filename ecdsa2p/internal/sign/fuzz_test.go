package sign_test

import (
	"errors"
	"testing"

	"github.com/tandem-mpc/tandem/ecdsa2p/internal/engineerr"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/keyshare"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/sign"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/testrng"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/testvec"
)

// fuzzSession drives P1 up to the state that takes the peer's round-r payload (r = 1..4) and
// returns a function that offers it a payload, plus P2's honest payload of that round.
func fuzzSession(t testing.TB, ks [2]*keyshare.Keyshare, r int) (offer func([]byte) error, honest []byte) {
	in := testvec.DefaultSign1(ks)
	var r1 [2]*sign.Round1
	for i := range 2 {
		var err error
		if r1[i], err = sign.NewPresign(ks[i], in.Instance, in.Path, testrng.New(in.Seeds[i])); err != nil {
			t.Fatal(err)
		}
	}
	s1 := [2][]byte{r1[0].Payload(), r1[1].Payload()}
	if r == 1 {
		return func(p []byte) error { _, _, err := r1[0].Next(p); return err }, s1[1]
	}
	var r2 [2]*sign.Round2
	var s2 [2][]byte
	for i := range 2 {
		var err error
		if r2[i], s2[i], err = r1[i].Next(s1[1-i]); err != nil {
			t.Fatal(err)
		}
	}
	if r == 2 {
		return func(p []byte) error { _, _, err := r2[0].Next(p); return err }, s2[1]
	}
	var r3 [2]*sign.Round3
	var s3 [2][]byte
	for i := range 2 {
		var err error
		if r3[i], s3[i], err = r2[i].Next(s2[1-i]); err != nil {
			t.Fatal(err)
		}
	}
	if r == 3 {
		return func(p []byte) error { _, err := r3[0].Next(p); return err }, s3[1]
	}
	var r4 [2]*sign.Round4
	var s4 [2][]byte
	for i := range 2 {
		pre, err := r3[i].Next(s3[1-i])
		if err != nil {
			t.Fatal(err)
		}
		if r4[i], s4[i], err = sign.Finish(ks[i], pre, in.Digest[i]); err != nil {
			t.Fatal(err)
		}
	}
	return func(p []byte) error { _, err := r4[0].Next(p); return err }, s4[1]
}

// FuzzSignNext offers arbitrary bytes to P1's state of each round: it never panics, and
// after class-(a) input the state still accepts the honest payload (no state change).
func FuzzSignNext(f *testing.F) {
	ks := katKeyshares(f)
	for r := 1; r <= 4; r++ {
		_, honest := fuzzSession(f, ks, r)
		f.Add(uint8(r), honest)
		short := append([]byte(nil), honest[:sign.HeaderSize+1]...)
		f.Add(uint8(r), short)
		bad := append([]byte(nil), honest...)
		bad[len(bad)-1] ^= 0xff
		f.Add(uint8(r), bad)
	}
	f.Add(uint8(2), []byte{0x01, 0x23})
	f.Fuzz(func(t *testing.T, r uint8, p []byte) {
		ks := katKeyshares(t)
		offer, honest := fuzzSession(t, ks, int(r%4)+1)
		err := offer(p)
		if errors.Is(err, engineerr.ErrIgnore) {
			if err := offer(honest); err != nil {
				t.Fatalf("honest payload after ignored input: %v", err)
			}
			return
		}
		var e *engineerr.Error
		if err != nil && !errors.As(err, &e) {
			t.Fatalf("untyped error %T: %v", err, err)
		}
	})
}
