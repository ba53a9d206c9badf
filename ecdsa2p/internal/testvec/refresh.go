package testvec

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"github.com/tandem-mpc/tandem/ecdsa2p/internal/keyshare"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/ot"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/refresh"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/rng"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/testrng"
	"github.com/tandem-mpc/tandem/internal/secp"
)

// The inputs of the refresh vector of PROTOCOL.md §12.4(d).
var (
	// RefreshSeeds are the TestRNG seeds of P1 and P2.
	RefreshSeeds = [2]string{"kat/refresh/0", "kat/refresh/1"}
	// RefreshInstance is instance_id = 33×32.
	RefreshInstance = fill32(0x33)
)

// RefreshInput is one refresh run's input.
type RefreshInput struct {
	Instance  [32]byte
	Keyshares [2]*keyshare.Keyshare // the current generation of P1 and P2 (left unmodified unless the run succeeds)
	Seeds     [2]string             // TestRNG seeds of P1 and P2; ignored when Sources is set
	Sources   [2]rng.Source
	Batch     ot.Batch
	// Tamper, if set, may replace the payload of round r sent by party `from` before the peer
	// sees it (for adversarial tests). It returns the bytes to deliver.
	Tamper func(r int, from uint8, p []byte) []byte
	// Save, if set, is each party's save function; by default the run records what was saved
	// in RefreshRun.Saved.
	Save [2]refresh.SaveFunc
}

// DefaultRefresh returns the refresh input of §12.4(d) for the keyshares of a keygen run
// (normally RunKeygen(DefaultKeygen())).
func DefaultRefresh(ks [2]*keyshare.Keyshare) RefreshInput {
	return RefreshInput{Instance: RefreshInstance, Keyshares: ks, Seeds: RefreshSeeds}
}

// Saved is one call of a party's save function: the share_ids it stored (zero if none) and
// the encodings.
type Saved struct {
	Active, Pending       [32]byte
	ActiveEnc, PendingEnc []byte
}

// RefreshRun is the record of one refresh run.
type RefreshRun struct {
	SetupDigest [2][32]byte
	SessionID   [2][32]byte
	// Payloads[r][i] is party i's payload of round r+1 (RF1..RF4), as sent (before Tamper).
	Payloads [4][2][]byte
	// Old are the input keyshares' share_ids and shares, recorded before the run.
	OldShareID [2][32]byte
	OldShare   [2][32]byte
	// Keyshares are the new, ACTIVE generations.
	Keyshares [2]*keyshare.Keyshare
	// Saved[i] lists party i's save calls in order (when RefreshInput.Save is unset).
	Saved [2][]Saved
}

// RunRefresh runs both parties' refresh in lock-step, in one goroutine, and returns the
// record. An error of either party ends the run; its error is returned as is, together with
// the partial record.
func RunRefresh(in RefreshInput) (*RefreshRun, error) {
	run := new(RefreshRun)
	var r1 [2]*refresh.Round1
	for i := range 2 {
		ks := in.Keyshares[i]
		if ks == nil {
			return run, fmt.Errorf("testvec: refresh: no keyshare for party %d", i)
		}
		run.OldShareID[i] = ks.ShareID()
		run.OldShare[i] = ks.Share().Bytes()
		src := in.Sources[i]
		if src == nil {
			src = testrng.New(in.Seeds[i])
		}
		save := in.Save[i]
		if save == nil {
			save = run.recorder(i)
		}
		var err error
		if r1[i], err = refresh.New(in.Instance, ks, src, save); err != nil {
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
	var r2 [2]*refresh.Round2
	for i := range 2 {
		var err error
		if r2[i], run.Payloads[1][i], err = r1[i].Next(deliver(1, 1-i)); err != nil {
			return run, err
		}
		run.SessionID[i] = r2[i].SessionID()
	}
	var r3 [2]*refresh.Round3
	for i := range 2 {
		var err error
		if r3[i], run.Payloads[2][i], err = r2[i].Next(deliver(2, 1-i)); err != nil {
			return run, err
		}
	}
	var r4 [2]*refresh.Round4
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

// recorder returns a save function that records party i's saves in run.Saved.
func (run *RefreshRun) recorder(i int) refresh.SaveFunc {
	return func(g *keyshare.Generations) error {
		if err := g.Check(); err != nil {
			return err
		}
		var s Saved
		if g.Active != nil {
			s.Active, s.ActiveEnc = g.Active.ShareID(), g.Active.Marshal()
		}
		if g.Pending != nil {
			s.Pending, s.PendingEnc = g.Pending.ShareID(), g.Pending.Marshal()
		}
		run.Saved[i] = append(run.Saved[i], s)
		return nil
	}
}

// Tau returns τ = x′_0 − x_0, recomputed from P1's old and new shares (the engine erases τ).
// Secret in a real run; here a public test value.
func (run *RefreshRun) Tau() ([32]byte, error) {
	if run.Keyshares[0] == nil {
		return [32]byte{}, fmt.Errorf("testvec: refresh did not complete")
	}
	old, err := secp.NewScalar().SetCanonicalBytes(run.OldShare[0][:])
	if err != nil {
		return [32]byte{}, err
	}
	return secp.NewScalar().Sub(run.Keyshares[0].Share(), old).Bytes(), nil
}

// RefreshValues returns the refresh values of §12.4(d) in the order the spec lists them,
// named as the generator prints them ("refresh.sid_rf", "refresh.tau", "refresh.rf1.p1.sha256",
// …, "refresh.share_id").
func (run *RefreshRun) RefreshValues() []Value {
	h := func(b []byte) string { return hex.EncodeToString(b) }
	vs := []Value{{"refresh.sid_rf", h(run.SessionID[0][:])}}
	if tau, err := run.Tau(); err == nil {
		vs = append(vs, Value{"refresh.tau", h(tau[:])})
	}
	for r := range 4 {
		for i := range 2 {
			sum := sha256.Sum256(run.Payloads[r][i])
			vs = append(vs, Value{fmt.Sprintf("refresh.rf%d.p%d.sha256", r+1, i+1), h(sum[:])})
		}
	}
	if run.Keyshares[0] != nil {
		sid := run.Keyshares[0].ShareID()
		vs = append(vs, Value{"refresh.share_id", h(sid[:])})
	}
	return vs
}
