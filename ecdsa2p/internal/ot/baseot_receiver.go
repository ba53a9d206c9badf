package ot

import (
	"crypto/subtle"
	"fmt"

	"github.com/tandem-mpc/tandem/ecdsa2p/internal/rng"
	"github.com/tandem-mpc/tandem/internal/secp"
	"github.com/tandem-mpc/tandem/internal/transcript"
)

const (
	stepReceiver1      = "base-OT receiver message 1"
	stepReceiverOutput = "base-OT receiver output"
)

// A BaseOTReceiver is the state of S, the base-OT receiver of correlation (R, S), between
// message 1 (K2 / RF2) and the receiver output (K3 / RF3): the choice bits cb, the scalars a_t
// and its own message 1, whose bytes enter the key derivation. It is single-use: [BaseOTReceiver.Finish]
// consumes it, after which every call fails with [ErrStateConsumed]. Secret.
type BaseOTReceiver struct {
	corr Correlation
	cb   [32]byte
	a    [BaseOTs]secp.Scalar
	msg1 []byte
	used bool
}

// NewBaseOTReceiver runs PROTOCOL.md §3.1 (MR19 receiver, message 1) for correlation c and
// returns the receiver state and message 1 (16,896 bytes).
//
// Draws, in order: cb = RandomBytes(32), then for t = 0..255: a_t = RandomScalar(),
// z_t = RandomScalar(). Then, for each t (independently; batch may spread them over cores):
//
//	c_t = bit(cb, t)
//	P_other = z_t·G
//	h = H2C("tandem/v1/ot/h2c", sid_ot, u16(t), u8(c_t), pt(P_other))     (constant time)
//	P_choice = a_t·G − h                                                    (O: abort Internal)
//	r_{t,c_t} = P_choice, r_{t,1−c_t} = P_other                            (constant-time placement)
//
// and message 1 is pt(r_{t,0}) ‖ pt(r_{t,1}) for t = 0..255. P_other is a genuine group
// element z_t·G, never random bytes (the "Devious Transfer" lesson, §3.1 step 2). The z_t are
// erased before returning.
func NewBaseOTReceiver(c Correlation, rnd rng.Source, batch Batch) (*BaseOTReceiver, []byte, error) {
	if !c.valid() || rnd == nil {
		return nil, nil, internalErr(stepReceiver1, "invalid correlation or randomness source")
	}
	r := &BaseOTReceiver{corr: c}
	rnd.RandomBytes(r.cb[:])
	z := new([BaseOTs]secp.Scalar)
	defer func() { *z = [BaseOTs]secp.Scalar{} }()
	for t := range BaseOTs {
		a := rnd.RandomScalar()
		r.a[t].Set(a)
		*a = secp.Scalar{}
		zt := rnd.RandomScalar()
		z[t].Set(zt)
		*zt = secp.Scalar{}
	}

	msg := make([]byte, BaseOTMsg1Size)
	var errs [BaseOTs]*Error
	batch.run(BaseOTs, func(t int) {
		errs[t] = r.message1One(t, &z[t], msg[2*t*PointSize:(2*t+2)*PointSize])
	})
	if err := firstError(&errs); err != nil {
		r.wipe()
		return nil, nil, err
	}
	r.msg1 = msg
	return r, append([]byte(nil), msg...), nil
}

// message1One computes the pair r_{t,0}, r_{t,1} into out (66 bytes). It runs in time
// independent of c_t, a_t and z_t.
func (r *BaseOTReceiver) message1One(t int, z *secp.Scalar, out []byte) *Error {
	c := choiceBit(&r.cb, t)
	var pOther, aG, pChoice secp.Point
	var encOther, encChoice [PointSize]byte
	pOther.ScalarBaseMult(z)
	if err := encodePoint(encOther[:], &pOther, stepReceiver1, t); err != nil {
		return err
	}
	h := h2cOT(&r.corr.SIDOT, t, c, encOther[:])
	if h.IsIdentity() == 1 { // §2.6: negligible probability; reveals nothing else
		return internalErr(stepReceiver1, fmt.Sprintf("t=%d: H2C output is the identity", t))
	}
	aG.ScalarBaseMult(&r.a[t])
	pChoice.Subtract(&aG, h)
	*h = secp.Point{}
	if err := encodePoint(encChoice[:], &pChoice, stepReceiver1, t); err != nil {
		return err
	}
	// r_{t,c} = P_choice, r_{t,1−c} = P_other, placed with masks.
	copy(out[:PointSize], encOther[:])
	copy(out[PointSize:], encOther[:])
	subtle.ConstantTimeCopy(1-c, out[:PointSize], encChoice[:])
	subtle.ConstantTimeCopy(c, out[PointSize:], encChoice[:])
	aG, pChoice, pOther = secp.Point{}, secp.Point{}, secp.Point{}
	return nil
}

// Finish runs PROTOCOL.md §3.3 on message 2 (16,896 bytes) and returns S's outputs: the choice
// bits and o_{t,c_t} for t = 0..255. It consumes the state (and erases a_t) whether or not it
// succeeds.
//
// Both B_{t,0} and B_{t,1} of every t are decoded before anything secret is touched, so an
// invalid encoding is MalformedPayload blaming R whatever the choice bits (§3.3 step 1). Then,
// for each t, in constant time:
//
//	B_{t,c_t} selected with a mask;  K = a_t·B_{t,c_t}
//	o_{t,c_t} = H("tandem/v1/ot/key", sid_ot, u16(t), u8(c_t), pt(r_{t,0}), pt(r_{t,1}), pt(B_{t,c_t}), pt(K))
func (r *BaseOTReceiver) Finish(msg2 []byte, batch Batch) (*ReceiverOutputs, error) {
	if r == nil || r.used || !r.corr.valid() || len(r.msg1) != BaseOTMsg1Size {
		return nil, consumedErr(stepReceiverOutput) // a zero value counts as consumed
	}
	r.used = true
	defer r.wipe()
	B, err := parsePointPairs(msg2, stepReceiverOutput, r.corr.R, batch)
	if err != nil {
		return nil, err
	}
	out := &ReceiverOutputs{corr: r.corr, cb: r.cb}
	prefix := transcript.NewPrefix(transcript.LabelOTKey, r.corr.SIDOT[:])
	var errs [BaseOTs]*Error
	batch.run(BaseOTs, func(t int) {
		errs[t] = r.outputOne(t, B, prefix, &out.o[t])
	})
	if err := firstError(&errs); err != nil {
		out.Wipe()
		return nil, err
	}
	return out, nil
}

func (r *BaseOTReceiver) outputOne(t int, B *pointPairs, prefix *transcript.Prefix, o *[32]byte) *Error {
	c := choiceBit(&r.cb, t)
	var Bc, K secp.Point
	Bc.Select(&B.pts[t][1], &B.pts[t][0], c)
	var encBc, encK [PointSize]byte
	copy(encBc[:], B.enc(t, 0))
	subtle.ConstantTimeCopy(c, encBc[:], B.enc(t, 1))
	K.ScalarMult(&r.a[t], &Bc)
	if err := encodePoint(encK[:], &K, stepReceiverOutput, t); err != nil {
		return err
	}
	*o = otKey(prefix, t, c, r.msg1[2*t*PointSize:(2*t+2)*PointSize], encBc[:], encK[:])
	K = secp.Point{}
	clear(encK[:])
	return nil
}

func (r *BaseOTReceiver) wipe() {
	clear(r.cb[:])
	r.a = [BaseOTs]secp.Scalar{}
}

// choiceBit returns bit(cb, t) = (cb[t >> 3] >> (t & 7)) & 1 (§1.4). t is public.
func choiceBit(cb *[32]byte, t int) int { return int(cb[t>>3]>>(t&7)) & 1 }

// h2cOT returns H2C("tandem/v1/ot/h2c", sid_ot, u16(t), u8(slot), other), in constant time
// with respect to slot (the receiver's secret choice bit) and other.
func h2cOT(sid *[32]byte, t, slot int, other []byte) *secp.Point {
	tt, s := transcript.U16(uint16(t)), transcript.U8(uint8(slot))
	return transcript.H2C(transcript.LabelOTH2C, sid[:], tt[:], s[:], other)
}

// otKey returns H("tandem/v1/ot/key", sid_ot, u16(t), u8(slot), pt(r_{t,0}), pt(r_{t,1}),
// pt(B), pt(K)) from the prefix E(label, sid_ot). pair is pt(r_{t,0}) ‖ pt(r_{t,1}).
func otKey(prefix *transcript.Prefix, t, slot int, pair, encB, encK []byte) [32]byte {
	tt, s := transcript.U16(uint16(t)), transcript.U8(uint8(slot))
	return prefix.Sum(tt[:], s[:], pair[:PointSize], pair[PointSize:], encB, encK)
}

// firstError returns the error of the lowest index, so that the result does not depend on
// how a Batch scheduled the work.
func firstError(errs *[BaseOTs]*Error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}
