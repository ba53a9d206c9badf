package testvec

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"github.com/tandem-mpc/tandem/ecdsa2p/internal/bip32"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/keyshare"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/ote"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/rng"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/rvole"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/sign"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/testrng"
)

// The inputs of the sign vectors of PROTOCOL.md §12.4(d).
var (
	// Sign1Seeds are the TestRNG seeds of P1 and P2 for sign 1.
	Sign1Seeds = [2]string{"kat/sign/0", "kat/sign/1"}
	// Sign1Instance is sign 1's instance_id = 22×32.
	Sign1Instance = fill32(0x22)
	// Sign1Path is m/0/1.
	Sign1Path = bip32.Path{0, 1}
	// Sign1Digest is e_bytes = 00 01 … 1f.
	Sign1Digest = func() (e [32]byte) {
		for k := range e {
			e[k] = byte(k)
		}
		return e
	}()
	// Sign2Seeds, Sign2Instance (44×32), Sign2Path (m) and Sign2Digest (ff×32) are sign 2's
	// inputs, run on the keyshares after the refresh.
	Sign2Seeds    = [2]string{"kat/sign2/0", "kat/sign2/1"}
	Sign2Instance = fill32(0x44)
	Sign2Path     = bip32.Path{}
	Sign2Digest   = fill32(0xff)
)

// SignInput is one sign run's input: a presign followed by a finish.
type SignInput struct {
	Keyshares [2]*keyshare.Keyshare
	Instance  [32]byte
	Path      bip32.Path
	Digest    [2][32]byte // e_bytes each party computed (equal for an honest run)
	Seeds     [2]string   // TestRNG seeds of P1 and P2; ignored when Sources is set
	Sources   [2]rng.Source
	Runner    ote.Runner
	// Tamper, if set, may replace the payload of round r (1..4) sent by party `from` before
	// the peer sees it. It returns the bytes to deliver.
	Tamper func(r int, from uint8, p []byte) []byte
	// Hook, if set, is called with each party's first state right after NewPresign (tests
	// use it to install test-only behaviour).
	Hook func(i int, r1 *sign.Round1)
}

// DefaultSign1 returns sign 1's input of §12.4(d) over the keyshares ks of the keygen vector.
func DefaultSign1(ks [2]*keyshare.Keyshare) SignInput {
	return SignInput{Keyshares: ks, Instance: Sign1Instance, Path: Sign1Path,
		Digest: [2][32]byte{Sign1Digest, Sign1Digest}, Seeds: Sign1Seeds}
}

// DefaultSign2 returns sign 2's input of §12.4(d) over the refreshed keyshares ks.
func DefaultSign2(ks [2]*keyshare.Keyshare) SignInput {
	return SignInput{Keyshares: ks, Instance: Sign2Instance, Path: Sign2Path,
		Digest: [2][32]byte{Sign2Digest, Sign2Digest}, Seeds: Sign2Seeds}
}

// SignRun is the record of one sign run.
type SignRun struct {
	Derived     *sign.Derived
	SetupDigest [2][32]byte
	SessionID   [2][32]byte
	// Payloads[r][i] is party i's payload of round r+1 (S1..S4), as sent (before Tamper).
	Payloads      [4][2][]byte
	Presignatures [2]*sign.Presignature
	Signatures    [2]*sign.Signature
}

// RunSign runs both parties' presign (S1–S3) and finish (S4) in lock-step, in one goroutine,
// and returns the record. An error of either party ends the run; it is returned as is with
// the partial record.
func RunSign(in SignInput) (*SignRun, error) {
	run := new(SignRun)
	var err error
	if run.Derived, err = sign.Derive(in.Keyshares[0], in.Path); err != nil {
		return run, err
	}
	var r1 [2]*sign.Round1
	for i := range 2 {
		src := in.Sources[i]
		if src == nil {
			src = testrng.New(in.Seeds[i])
		}
		if r1[i], err = sign.NewPresign(in.Keyshares[i], in.Instance, in.Path, src); err != nil {
			return run, err
		}
		r1[i].WithRunner(in.Runner)
		if in.Hook != nil {
			in.Hook(i, r1[i])
		}
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
	var r2 [2]*sign.Round2
	for i := range 2 {
		if r2[i], run.Payloads[1][i], err = r1[i].Next(deliver(1, 1-i)); err != nil {
			return run, err
		}
		run.SessionID[i] = r2[i].SessionID()
	}
	var r3 [2]*sign.Round3
	for i := range 2 {
		if r3[i], run.Payloads[2][i], err = r2[i].Next(deliver(2, 1-i)); err != nil {
			return run, err
		}
	}
	for i := range 2 {
		if run.Presignatures[i], err = r3[i].Next(deliver(3, 1-i)); err != nil {
			return run, err
		}
	}
	var r4 [2]*sign.Round4
	for i := range 2 {
		if r4[i], run.Payloads[3][i], err = sign.Finish(in.Keyshares[i], run.Presignatures[i], in.Digest[i]); err != nil {
			return run, err
		}
	}
	for i := range 2 {
		if run.Signatures[i], err = r4[i].Next(deliver(4, 1-i)); err != nil {
			return run, err
		}
	}
	return run, nil
}

// SignValues returns the sign values of §12.4(d) and (e) for the run, named with prefix
// ("sign1", "sign2") as the generator prints them: δ, Q′, setup_sg, sign_sid, the payload
// hashes, the OTE and RV sub-payload hashes, R, R′, r, s, recid. Values the run did not reach
// are left out.
func (run *SignRun) SignValues(prefix string) []Value {
	h := func(b []byte) string { return hex.EncodeToString(b) }
	var vs []Value
	add := func(name, v string) { vs = append(vs, Value{prefix + "." + name, v}) }
	if run.Derived != nil {
		add("delta", h(run.Derived.Tweak[:]))
		add("Q'", h(run.Derived.Key[:]))
	}
	add("setup_sg", h(run.SetupDigest[0][:]))
	add("sign_sid", h(run.SessionID[0][:]))
	for r := range 4 {
		for i := range 2 {
			if run.Payloads[r][i] != nil {
				sum := sha256.Sum256(run.Payloads[r][i])
				add(fmt.Sprintf("s%d.p%d.sha256", r+1, i+1), h(sum[:]))
			}
		}
	}
	for i := range 2 {
		if p := run.Payloads[1][i]; p != nil {
			sum := sha256.Sum256(p[sign.HeaderSize:])
			add(fmt.Sprintf("s2.p%d.ote.sha256", i+1), h(sum[:]))
		}
	}
	for i := range 2 {
		if p := run.Payloads[2][i]; p != nil {
			sum := sha256.Sum256(p[sign.HeaderSize : sign.HeaderSize+rvole.MsgSize])
			add(fmt.Sprintf("s3.p%d.rv.sha256", i+1), h(sum[:]))
		}
	}
	if p := run.Presignatures[0]; p != nil {
		R := p.R()
		add("R", h(R[:]))
	}
	if s := run.Signatures[0]; s != nil {
		add("R'", h(s.RPrime[:]))
		add("r", h(s.R[:]))
		add("s", h(s.S[:]))
		add("recid", fmt.Sprintf("%d", s.RecID))
	}
	return vs
}
