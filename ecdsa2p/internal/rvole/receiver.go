package rvole

import (
	"crypto/subtle"
	"fmt"

	"github.com/tandem-mpc/tandem/ecdsa2p/internal/ote"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/ote/modn"
	"github.com/tandem-mpc/tandem/internal/secp"
	"github.com/tandem-mpc/tandem/internal/transcript"
)

// Receiver is R's single-use RVOLE state between part 1 (sign round 2) and part 2 (on the
// peer's S3): the claimed OT-extension output (β′ and the pads α) and the gadget vector.
// Secret.
type Receiver struct {
	sess    ote.Session
	choices *[ote.ChoiceBytes]byte
	pads    *[ote.OTs][ote.Width]modn.Scalar
	wipe    func()
	g       [ote.OTs]modn.Scalar
	used    bool
}

// Message is a parsed RVOLE message RV (PROTOCOL.md §6.3 step 1): every ã and η canonical,
// and D hashed from the received Ã (step 2). Public.
type Message struct {
	sid    [32]byte
	atilde [ote.OTs][ote.Width]modn.Scalar
	eta    modn.Scalar
	mu     [32]byte
	d      [32]byte // D = H("tandem/v1/rvole/atilde", sid_ote, Ã) of the received Ã
	parsed bool
}

// NewReceiver runs part 1 of the RVOLE receiver (PROTOCOL.md §6.1, in S2 right after
// [ote.NewReceiver]). It claims out (a second use fails with [ote.ErrReused]) and returns R's
// state and its random output χ = Σ_{j<512} β_j·g_j mod n, accumulated with constant-time
// masked adds and one reduction. χ is secret.
func NewReceiver(out *ote.ReceiverOutput) (*Receiver, *secp.Scalar, error) {
	if err := out.Claim(); err != nil {
		return nil, nil, fmt.Errorf("rvole: receiver: %w", err)
	}
	r, chi := newReceiver(out.Session(), out.Choices(), out.Pads(), out.Wipe)
	defer clear(chi[:])
	return r, chi.Secp(), nil
}

// newReceiver is part 1 over explicit choices β′ and pads α; wipe erases them.
func newReceiver(sess ote.Session, choices *[ote.ChoiceBytes]byte, pads *[ote.OTs][ote.Width]modn.Scalar, wipe func()) (*Receiver, modn.Scalar) {
	r := &Receiver{sess: sess, choices: choices, pads: pads, wipe: wipe}
	gadget(&r.g, r.sess)
	var acc modn.Acc
	for j := range ote.OTs {
		t := modn.Mask(&r.g[j], r.choice(j))
		acc.Add(&t)
	}
	chi := acc.Reduce()
	acc.Reset()
	return r, chi
}

// choice returns β_j as 0 or 1. Secret.
func (r *Receiver) choice(j int) uint64 { return uint64(r.choices[j>>3]>>(j&7)) & 1 }

// ParseMessage parses the sender's message RV (§6.3 step 1): exactly 49,216 bytes, every ã
// and η canonical (< n). It does not touch R's secrets and does not consume the state, so
// that the engine can parse the whole S3 payload before running any check (§8.5 step 1). A
// failure is an *[Error] matching [ErrMalformed] that blames S and does not lock.
func (r *Receiver) ParseMessage(b []byte) (*Message, error) {
	if r == nil || r.pads == nil {
		return nil, fmt.Errorf("%w: no receiver state", ErrInvalidInput)
	}
	malformed := func(detail string) error {
		return &Error{Round: roundReceiver, Culprit: r.sess.DeltaHolder(), Err: ErrMalformed, Detail: detail}
	}
	if len(b) != MsgSize {
		return nil, malformed(fmt.Sprintf("RV is %d bytes, want %d", len(b), MsgSize))
	}
	m := &Message{sid: r.sess.ID()}
	for j := range ote.OTs {
		for k := range ote.Width {
			var ok int
			m.atilde[j][k], ok = modn.FromCanonical((*[32]byte)(b[(j*ote.Width+k)*32:]))
			if ok != 1 { // public data
				return nil, malformed(fmt.Sprintf("ã[%d][%d] is not canonical", j, k))
			}
		}
	}
	var ok int
	if m.eta, ok = modn.FromCanonical((*[32]byte)(b[ATildeSize:])); ok != 1 {
		return nil, malformed("η is not canonical")
	}
	copy(m.mu[:], b[ATildeSize+32:])
	m.d = transcript.H(transcript.LabelRVOLEATilde, m.sid[:], b[:ATildeSize])
	m.parsed = true
	return m, nil
}

// Finish runs part 2 of the RVOLE receiver (§6.3 steps 2–6) on a message parsed by
// [Receiver.ParseMessage] and consumes the state: a second call fails with [ErrReused].
//
//  2. θ_0, θ_1 from the received Ã;
//  3. d̄_{j,k} = α_{j,k} + β_j·ã_{j,k} (constant-time masking);
//  4. ν_j = d̄_{j,2} + θ_0·d̄_{j,0} + θ_1·d̄_{j,1} − β_j·η, μ′ = H("tandem/v1/rvole/mu", sid_ote, ‖_j sc(ν_j));
//  5. μ′ ≠ μ (constant-time compare): an *[Error] matching [ErrCheckFailed] that blames S and
//     whose Lock() is true;
//  6. d_k = Σ_j g_j·d̄_{j,k} for k = 0, 1.
//
// β′, the pads, d̄ and ν are wiped whatever the outcome.
func (r *Receiver) Finish(m *Message) (d0, d1 *secp.Scalar, err error) {
	if r == nil || r.pads == nil || m == nil {
		return nil, nil, fmt.Errorf("%w: no receiver state or message", ErrInvalidInput)
	}
	if r.used {
		return nil, nil, ErrReused
	}
	r.used = true
	if m.sid != r.sess.ID() || !m.parsed {
		return nil, nil, fmt.Errorf("%w: message parsed for another session", ErrInvalidInput)
	}
	defer r.wipe()

	th0, th1 := thetaFromD(&m.sid, &m.d)
	negEta := modn.Neg(&m.eta)
	n := make([]byte, nSize)
	defer clear(n)
	var acc [ote.Parts][2]modn.Acc
	defer clear(acc[:])
	r.sess.Run(ote.Parts, func(part int) {
		lo, hi := rowRange(part)
		r.rows(m, &th0, &th1, &negEta, lo, hi, &acc[part], n)
	})
	muPrime := transcript.H(transcript.LabelRVOLEMu, m.sid[:], n)
	if subtle.ConstantTimeCompare(muPrime[:], m.mu[:]) != 1 {
		return nil, nil, &Error{Round: roundReceiver, Culprit: r.sess.DeltaHolder(), Err: ErrCheckFailed}
	}
	var sum [2]modn.Acc
	defer clear(sum[:])
	for part := range acc {
		sum[0].AddAcc(&acc[part][0])
		sum[1].AddAcc(&acc[part][1])
	}
	ds := [2]modn.Scalar{sum[0].Reduce(), sum[1].Reduce()}
	defer clear(ds[:])
	return ds[0].Secp(), ds[1].Secp(), nil
}

// rows runs steps 3 and 4 for the rows lo ≤ j < hi: d̄_{j,k} = α_{j,k} + β_j·ã_{j,k},
// ν_j = d̄_{j,2} + θ_0·d̄_{j,0} + θ_1·d̄_{j,1} − β_j·η written as sc(ν_j) to n[32j:], and adds
// g_j·d̄_{j,k} to acc[k] for step 6. β_j only masks. Parts with disjoint rows may run
// concurrently.
func (r *Receiver) rows(m *Message, th0, th1, negEta *modn.Scalar, lo, hi int, acc *[2]modn.Acc, n []byte) {
	alpha := r.pads
	var dbar [ote.Width]modn.Scalar
	for j := lo; j < hi; j++ {
		beta := r.choice(j)
		for k := range ote.Width {
			t := modn.Mask(&m.atilde[j][k], beta)
			dbar[k] = modn.Add(&alpha[j][k], &t)
		}
		var row modn.Acc
		row.MulAdd(th0, &dbar[0])
		row.MulAdd(th1, &dbar[1])
		row.Add(&dbar[2])
		t := modn.Mask(negEta, beta)
		row.Add(&t)
		nu := row.Reduce()
		nu.PutBytes((*[32]byte)(n[32*j:]))
		acc[0].MulAdd(&r.g[j], &dbar[0])
		acc[1].MulAdd(&r.g[j], &dbar[1])
	}
	clear(dbar[:])
}

// Wipe erases R's secrets (β′ and the pads) and consumes the state, for a session that ends
// before [Receiver.Finish] (an abort, say). It is safe to call more than once.
func (r *Receiver) Wipe() {
	if r == nil || r.wipe == nil {
		return
	}
	r.used = true
	r.wipe()
}
