package ote

import (
	"crypto/subtle"
	"fmt"
	"sync"

	"github.com/tandem-mpc/tandem/ecdsa2p/internal/bitmatrix"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/gf128"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/ot"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/ote/modn"
)

// roundSender names the step in which S processes the receiver's message (the peer's S2).
const roundSender = "processing S2"

// Sender is S's single-use state for one extension (PROTOCOL.md §5.2): the session and S's
// DeltaSeeds. [Sender.Extend] consumes it.
type Sender struct {
	sess  Session
	seeds *ot.DeltaSeeds
	used  bool
}

// SenderOutput is S's output of one extension: the pads α0_j = Pad(q_j, j) and
// α1_j = Pad(q_j ⊕ Δ, j). Secret and single-use ([SenderOutput.Claim]).
type SenderOutput struct {
	sess    Session
	pads0   [OTs][Width]modn.Scalar
	pads1   [OTs][Width]modn.Scalar
	claimed bool
}

// senderWork holds S's intermediate matrices, wiped before Extend returns.
type senderWork struct {
	r    [Parts][leaves][RowBytes]byte // one scratch block per part
	w    [bitmatrix.Rows][bitmatrix.RowBytes]byte
	cols [bitmatrix.Cols][bitmatrix.ColBytes]byte
	q1   [Parts][bitmatrix.ColBytes]byte
}

var senderPool = sync.Pool{New: func() any { return new(senderWork) }}

// NewSender returns S's state for the correlation (R, S) of sess, with S's DeltaSeeds. It
// accepts each Session once ([ErrReused] afterwards).
//
// The caller (the engine) MUST hold the keyshare's lock mutex and have checked that the
// keyshare is not LOCKED before calling [Sender.Extend], and MUST lock the keyshare when
// Extend returns an [Error] whose Lock() is true (PROTOCOL.md §10.3).
func NewSender(sess Session, seeds *ot.DeltaSeeds) (*Sender, error) {
	if !sess.valid() || !seeds.Valid() {
		return nil, fmt.Errorf("%w: sender needs a session and DeltaSeeds", ErrInvalidInput)
	}
	if !sess.use.sender.CompareAndSwap(false, true) {
		return nil, fmt.Errorf("%w: the session already ran its sender", ErrReused)
	}
	return &Sender{sess: sess, seeds: seeds}, nil
}

// Extend runs S's side of PROTOCOL.md §5.2 on R's message OTE. It consumes the state: a second
// call fails with [ErrReused].
//
//  1. OTE must be exactly 9,232 bytes (any byte values); otherwise an *[Error] matching
//     [ErrMalformed] (no lock);
//  2. r_{b,x} = Expand80(L_S[b][x], b, x), with r_{b,Δ_b} zeroed by a constant-time mask;
//  3. W_{4b+m} = (⊕_x [((x ⊕ Δ_b) >> m) & 1]·r_{b,x}) ⊕ [(Δ_b >> m) & 1]·u_b;
//  4. χ_0..χ_3 from the received U;
//  5. the check: ok &= (Fold(W_ι) == t̃_ι ⊕ [bit(Δ, ι)]·x̃) over all 256 rows, one accumulated
//     boolean with no early exit; on failure an *[Error] matching [ErrCheckFailed] that blames R
//     and whose Lock() is true;
//  6. α0_j = Pad(q_j, j) and α1_j = Pad(q_j ⊕ Δ, j) with q_j = col_j(W), for j < 512.
//
// Δ and the leaves never influence a branch or an address. The r's and W are wiped.
func (s *Sender) Extend(msg []byte) (*SenderOutput, error) {
	if s == nil {
		return nil, fmt.Errorf("%w: no sender state", ErrInvalidInput)
	}
	if s.used {
		return nil, ErrReused
	}
	if s.seeds == nil {
		return nil, fmt.Errorf("%w: no sender state", ErrInvalidInput)
	}
	s.used = true
	if len(msg) != MsgSize {
		return nil, &Error{Round: roundSender, Culprit: s.sess.r, Err: ErrMalformed,
			Detail: fmt.Sprintf("OTE is %d bytes, want %d", len(msg), MsgSize)}
	}
	seeds := s.seeds
	s.seeds = nil
	delta := seeds.Delta()
	leavesS := seeds.Leaves()

	w := senderPool.Get().(*senderWork)
	defer func() {
		*w = senderWork{} // the matrices are secret
		senderPool.Put(w)
	}()
	sess := s.sess
	sess.Run(Parts, func(part int) {
		p := getHasher(sess.sid)
		defer putHasher(p)
		lo, hi := partRange(part, blocks)
		senderRows(p, &w.r[part], &w.w, delta, leavesS, msg[:uSize], lo, hi)
	})

	chi := challenges(&s.sess.sid, msg[:uSize])
	xt := gf128.FromBytes((*[gf128.Size]byte)(msg[uSize:]))
	ok := 1
	for i := range Rows {
		bit := uint64(delta[i>>2]>>(i&3)) & 1
		tt := gf128.FromBytes((*[gf128.Size]byte)(msg[uSize+16+16*i:]))
		want := gf128.Add(tt, xt.Mask(bit))
		ok &= fold(&w.w[i], &chi).Equal(want)
	}
	if ok != 1 {
		return nil, &Error{Round: roundSender, Culprit: s.sess.r, Err: ErrCheckFailed}
	}

	deltaBytes := seeds.DeltaBytes()
	defer clear(deltaBytes[:])
	out := &SenderOutput{sess: s.sess}
	bitmatrix.TransposeRows(&w.cols, &w.w)
	sess.Run(Parts, func(part int) {
		p := getHasher(sess.sid)
		defer putHasher(p)
		q1 := &w.q1[part]
		lo, hi := partRange(part, OTs)
		for j := lo; j < hi; j++ {
			q := &w.cols[j]
			p.pad(&out.pads0[j], q, uint16(j))
			for i := range q1 {
				q1[i] = q[i] ^ deltaBytes[i]
			}
			p.pad(&out.pads1[j], q1, uint16(j))
		}
	})
	return out, nil
}

// Session returns the session the output belongs to.
func (o *SenderOutput) Session() Session { return o.sess }

// Claim marks the output as used; a second call fails with [ErrReused], so that one
// extension never serves two RVOLEs.
func (o *SenderOutput) Claim() error {
	if o == nil || !o.sess.valid() {
		return fmt.Errorf("%w: no sender output", ErrInvalidInput)
	}
	if o.claimed {
		return ErrReused
	}
	o.claimed = true
	return nil
}

// Pads0 returns α0_{j,k}. Secret.
func (o *SenderOutput) Pads0() *[OTs][Width]modn.Scalar { return &o.pads0 }

// Pads1 returns α1_{j,k}. Secret.
func (o *SenderOutput) Pads1() *[OTs][Width]modn.Scalar { return &o.pads1 }

// Wipe overwrites the pads (best effort). The output stays claimed.
func (o *SenderOutput) Wipe() {
	if o == nil {
		return
	}
	o.pads0 = [OTs][Width]modn.Scalar{}
	o.pads1 = [OTs][Width]modn.Scalar{}
}

// senderRows fills w.w with S's matrix W (§5.2 steps 2–3) from the received U = u_0 ‖ … ‖ u_63:
// r_{b,x} = Expand80(L_S[b][x], b, x) with r_{b,Δ_b} zeroed by a mask, and
// W_{4b+m} = (⊕_x [((x ⊕ Δ_b) >> m) & 1]·r_{b,x}) ⊕ [(Δ_b >> m) & 1]·u_b.
// Every leaf is expanded and every row touches all 16 leaves and u_b, whatever Δ is.
//
// It handles the blocks lo ≤ b < hi, with r as scratch, and writes only W_{4b..4b+3}.
func senderRows(p *hasher, r *[leaves][RowBytes]byte, w *[Rows][RowBytes]byte, delta *[ot.Blocks]uint8, l *ot.Leaves, u []byte, lo, hi int) {
	for b := lo; b < hi; b++ {
		db := uint64(delta[b])
		ub := (*[RowBytes]byte)(u[b*RowBytes:])
		for x := range leaves {
			p.expand80(&r[x], &l[b][x], uint8(b), uint8(x))
			// Zero r_{b,Δ_b}: the mask is all ones exactly when x = Δ_b.
			punct := -uint64(subtle.ConstantTimeByteEq(uint8(x), uint8(db)))
			andNotMask(&r[x], punct)
		}
		for m := range 4 {
			row := &w[4*b+m]
			*row = [RowBytes]byte{}
			for x := range leaves {
				sel := -(((uint64(x) ^ db) >> m) & 1)
				xorMasked(row, &r[x], sel)
			}
			xorMasked(row, ub, -((db >> m) & 1))
		}
	}
	clear(r[:])
}
