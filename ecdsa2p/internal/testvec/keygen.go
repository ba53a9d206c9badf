package testvec

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"github.com/tandem-mpc/tandem/ecdsa2p/internal/keygen"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/keyshare"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/ot"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/rng"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/testrng"
)

// The inputs of the keygen vector of PROTOCOL.md §12.4(d).
var (
	// KeygenSeeds are the TestRNG seeds of P1 and P2.
	KeygenSeeds = [2]string{"kat/keygen/0", "kat/keygen/1"}
	// KeygenInstance is instance_id = 11×32.
	KeygenInstance = fill32(0x11)
	// ID0 and ID1 are id_0 = 01 ‖ aa×32 and id_1 = 01 ‖ bb×32.
	ID0 = append([]byte{0x01}, fill(0xaa, 32)...)
	ID1 = append([]byte{0x01}, fill(0xbb, 32)...)
)

func fill(v byte, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = v
	}
	return b
}

func fill32(v byte) [32]byte { return [32]byte(fill(v, 32)) }

// KeygenInput is one keygen run's input.
type KeygenInput struct {
	Instance [32]byte
	ID0, ID1 []byte
	Seeds    [2]string // TestRNG seeds of P1 and P2; ignored when Sources is set
	Sources  [2]rng.Source
	Batch    ot.Batch
	// Tamper, if set, may replace the payload of round r sent by party `from` before the peer
	// sees it (for adversarial tests). It returns the bytes to deliver.
	Tamper func(r int, from uint8, p []byte) []byte
}

// DefaultKeygen returns the input of §12.4(d).
func DefaultKeygen() KeygenInput {
	return KeygenInput{Instance: KeygenInstance, ID0: ID0, ID1: ID1, Seeds: KeygenSeeds}
}

// KeygenRun is the record of one keygen run.
type KeygenRun struct {
	SetupDigest [2][32]byte
	SessionID   [2][32]byte
	// Payloads[r][i] is party i's payload of round r+1 (K1..K4), as sent (before Tamper).
	Payloads  [4][2][]byte
	Keyshares [2]*keyshare.Keyshare
}

// RunKeygen runs both parties' keygen in lock-step, in one goroutine, and returns the record.
// An error of either party ends the run; its error is returned as is, together with the
// partial record.
func RunKeygen(in KeygenInput) (*KeygenRun, error) {
	run := new(KeygenRun)
	var r1 [2]*keygen.Round1
	for i := range 2 {
		src := in.Sources[i]
		if src == nil {
			src = testrng.New(in.Seeds[i])
		}
		var err error
		if r1[i], err = keygen.New(in.Instance, uint8(i), in.ID0, in.ID1, src); err != nil {
			return run, err
		}
		r1[i].WithBatch(in.Batch)
		run.SetupDigest[i] = r1[i].SetupDigest()
		run.Payloads[0][i] = r1[i].Payload()
	}
	deliver := func(r int, from int) []byte {
		p := run.Payloads[r-1][from]
		if in.Tamper != nil {
			p = in.Tamper(r, uint8(from), append([]byte(nil), p...))
		}
		return p
	}
	var r2 [2]*keygen.Round2
	for i := range 2 {
		var err error
		if r2[i], run.Payloads[1][i], err = r1[i].Next(deliver(1, 1-i)); err != nil {
			return run, err
		}
		run.SessionID[i] = r2[i].SessionID()
	}
	var r3 [2]*keygen.Round3
	for i := range 2 {
		var err error
		if r3[i], run.Payloads[2][i], err = r2[i].Next(deliver(2, 1-i)); err != nil {
			return run, err
		}
	}
	var r4 [2]*keygen.Round4
	for i := range 2 {
		var err error
		if r4[i], run.Payloads[3][i], err = r3[i].Next(deliver(3, 1-i)); err != nil {
			return run, err
		}
	}
	for i := range 2 {
		var err error
		if run.Keyshares[i], err = r4[i].Next(deliver(4, 1-i)); err != nil {
			return run, err
		}
	}
	return run, nil
}

// Value is one named known-answer value.
type Value struct {
	Name string
	Hex  string
}

// KeygenValues returns the keygen values of §12.4(d) in the order the spec lists them, named
// as the generator prints them ("keygen.setup_kg", "keygen.k1.p1.sha256", …).
func (run *KeygenRun) KeygenValues() []Value {
	h := func(b []byte) string { return hex.EncodeToString(b) }
	vs := []Value{
		{"keygen.setup_kg", h(run.SetupDigest[0][:])},
		{"keygen.sid_kg", h(run.SessionID[0][:])},
	}
	for r := range 4 {
		for i := range 2 {
			sum := sha256.Sum256(run.Payloads[r][i])
			vs = append(vs, Value{fmt.Sprintf("keygen.k%d.p%d.sha256", r+1, i+1), h(sum[:])})
		}
	}
	if run.Keyshares[0] == nil || run.Keyshares[1] == nil {
		return vs
	}
	k0, k1 := run.Keyshares[0], run.Keyshares[1]
	x0, x1 := k0.Share().Bytes(), k1.Share().Bytes()
	q, cc, kid, sid := k0.PublicKey(), k0.ChainCode(), k0.KeyID(), k0.ShareID()
	d := k0.DeltaSeeds().DeltaBytes()
	return append(vs,
		Value{"keygen.x_0", h(x0[:])},
		Value{"keygen.x_1", h(x1[:])},
		Value{"keygen.Q", h(q[:])},
		Value{"keygen.cc", h(cc[:])},
		Value{"keygen.key_id", h(kid[:])},
		Value{"keygen.share_id", h(sid[:])},
		Value{"keygen.delta_p1", h(d[:])},
	)
}
