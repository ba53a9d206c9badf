package ote

import (
	"fmt"
	"sync"

	"github.com/tandem-mpc/tandem/ecdsa2p/internal/bitmatrix"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/ot"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/ote/modn"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/rng"
)

// ReceiverOutput is R's output of one extension (PROTOCOL.md §5.1): the choice string β′
// (bits 0..511 are the choice bits β_j, bits 512..639 the check mask) and the pads
// α_j = Pad(col_j(T), j). Secret. It is single-use: the RVOLE receiver claims it once
// ([ReceiverOutput.Claim]).
type ReceiverOutput struct {
	sess    Session
	choices [ChoiceBytes]byte
	pads    [OTs][Width]modn.Scalar
	claimed bool
}

// receiverWork holds R's intermediate matrices, wiped before NewReceiver returns.
type receiverWork struct {
	r    [Parts][leaves][RowBytes]byte // one scratch block per part
	t    [bitmatrix.Rows][bitmatrix.RowBytes]byte
	cols [bitmatrix.Cols][bitmatrix.ColBytes]byte
}

var receiverPool = sync.Pool{New: func() any { return new(receiverWork) }}

// NewReceiver runs the receiver R of PROTOCOL.md §5.1 (sign round 2) for the correlation
// (R, S) of sess, with R's ChooserSeeds. It draws β′ = RandomBytes(80) from rnd (its only
// draw) and returns R's output and the 9,232-byte message OTE = U ‖ x̃ ‖ t̃_0 … t̃_255. It
// accepts each Session once ([ErrReused] afterwards).
//
//  1. r_{b,x} = Expand80(L_R[b][x], b, x) for every block b and leaf x;
//  2. u_b = β′ ⊕ (⊕_x r_{b,x});
//  3. T_{4b+m} = ⊕_{x : (x>>m)&1 = 1} r_{b,x};
//  4. χ_0..χ_3 from U;
//  5. x̃ = Fold(β′), t̃_ι = Fold(T_ι);
//  6. the message;
//  7. α_j = Pad(col_j(T), j) for j < 512.
//
// The r's, T and its columns are wiped before it returns.
func NewReceiver(sess Session, seeds *ot.ChooserSeeds, rnd rng.Source) (*ReceiverOutput, []byte, error) {
	if !sess.valid() || !seeds.Valid() || rnd == nil {
		return nil, nil, fmt.Errorf("%w: receiver needs a session, ChooserSeeds and a randomness source", ErrInvalidInput)
	}
	if !sess.use.receiver.CompareAndSwap(false, true) {
		return nil, nil, fmt.Errorf("%w: the session already ran its receiver", ErrReused)
	}
	out := &ReceiverOutput{sess: sess}
	rnd.RandomBytes(out.choices[:])

	w := receiverPool.Get().(*receiverWork)
	defer func() {
		*w = receiverWork{} // the matrices are secret
		receiverPool.Put(w)
	}()

	msg := make([]byte, MsgSize)
	sess.Run(Parts, func(part int) {
		p := getHasher(sess.sid)
		defer putHasher(p)
		lo, hi := partRange(part, blocks)
		receiverRows(p, &w.r[part], &w.t, seeds.Leaves(), &out.choices, msg[:uSize], lo, hi)
	})

	chi := challenges(&sess.sid, msg[:uSize])
	xt := fold(&out.choices, &chi).Bytes()
	copy(msg[uSize:], xt[:])
	for i := range Rows {
		tt := fold(&w.t[i], &chi).Bytes()
		copy(msg[uSize+16+16*i:], tt[:])
	}

	bitmatrix.TransposeRows(&w.cols, &w.t)
	sess.Run(Parts, func(part int) {
		p := getHasher(sess.sid)
		defer putHasher(p)
		lo, hi := partRange(part, OTs)
		for j := lo; j < hi; j++ {
			p.pad(&out.pads[j], &w.cols[j], uint16(j))
		}
	})
	return out, msg, nil
}

// Session returns the session the output belongs to.
func (o *ReceiverOutput) Session() Session { return o.sess }

// Claim marks the output as used. The RVOLE receiver calls it once before reading the output;
// a second call fails with [ErrReused], so that one extension never serves two RVOLEs.
func (o *ReceiverOutput) Claim() error {
	if o == nil || !o.sess.valid() {
		return fmt.Errorf("%w: no receiver output", ErrInvalidInput)
	}
	if o.claimed {
		return ErrReused
	}
	o.claimed = true
	return nil
}

// Choices returns β′. Secret: never branch or index on it.
func (o *ReceiverOutput) Choices() *[ChoiceBytes]byte { return &o.choices }

// Choice returns β_j = bit(β′, j) as 0 or 1, for j < 512. Secret.
func (o *ReceiverOutput) Choice(j int) uint8 { return (o.choices[j>>3] >> (j & 7)) & 1 }

// Pads returns α_{j,k}. Secret.
func (o *ReceiverOutput) Pads() *[OTs][Width]modn.Scalar { return &o.pads }

// Wipe overwrites β′ and the pads (best effort, PROTOCOL.md §2.12 "Erasure"). The output stays
// claimed.
func (o *ReceiverOutput) Wipe() {
	if o == nil {
		return
	}
	clear(o.choices[:])
	o.pads = [OTs][Width]modn.Scalar{}
}

// receiverRows fills u with U = u_0 ‖ … ‖ u_63 and w.t with R's matrix T (§5.1 steps 1–3):
// r_{b,x} = Expand80(L_R[b][x], b, x), u_b = β′ ⊕ (⊕_x r_{b,x}) and
// T_{4b+m} = ⊕_{x : (x>>m)&1 = 1} r_{b,x}. The leaf index x is public, so it may select.
//
// It handles the blocks lo ≤ b < hi, with r as scratch, and writes only u_b and T_{4b..4b+3}.
func receiverRows(p *hasher, r *[leaves][RowBytes]byte, t *[Rows][RowBytes]byte, l *ot.Leaves, choices *[ChoiceBytes]byte, u []byte, lo, hi int) {
	for b := lo; b < hi; b++ {
		ub := (*[RowBytes]byte)(u[b*RowBytes:])
		*ub = *choices
		for x := range leaves {
			p.expand80(&r[x], &l[b][x], uint8(b), uint8(x))
			xorInto(ub, &r[x])
		}
		for m := range 4 {
			row := &t[4*b+m]
			*row = [RowBytes]byte{}
			for x := range leaves {
				if (x>>m)&1 == 1 {
					xorInto(row, &r[x])
				}
			}
		}
	}
	clear(r[:])
}
