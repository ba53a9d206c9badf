package ot

import (
	"fmt"

	"github.com/tandem-mpc/tandem/ecdsa2p/internal/rng"
	"github.com/tandem-mpc/tandem/internal/secp"
	"github.com/tandem-mpc/tandem/internal/transcript"
)

const stepSender = "base-OT sender"

// NewBaseOTSender runs PROTOCOL.md §3.2 (MR19 sender, message 2) for correlation c on the
// receiver's message 1, and returns R's outputs o_{t,0}, o_{t,1} and message 2 (16,896 bytes).
// The base-OT sender is R, the chooser; the peer (S) is the culprit of every failure.
//
//  1. Message 1 must be exactly 16,896 bytes and every r_{t,slot} a valid point encoding,
//     else MalformedPayload. The whole message is decoded before anything else
//     (resolution of an ordering question: §10.1 rule 8 says malformed input is detected
//     before any other processing; §3.2 lists decoding per t).
//
//  2. Draws, in order: b_{t,slot} = RandomScalar() for t ascending, slot 0 then 1. (§3.2
//     interleaves the draws with the M = O checks; drawing them first gives the same stream
//     whenever the step succeeds, and a failed step ends the session.)
//
//  3. For each t (independently; batch may spread them over cores) and slot 0, 1:
//
//     M_{t,slot} = r_{t,slot} + H2C("tandem/v1/ot/h2c", sid_ot, u16(t), u8(slot), pt(r_{t,1−slot}))
//     M_{t,slot} = O → BaseOTInvalid (a receiver that sets r_slot = −H2C(…) would know the key)
//     B_{t,slot} = b_{t,slot}·G;  K = b_{t,slot}·M_{t,slot}                    (constant time)
//     o_{t,slot} = H("tandem/v1/ot/key", sid_ot, u16(t), u8(slot), pt(r_{t,0}), pt(r_{t,1}), pt(B_{t,slot}), pt(K))
//
// When several OTs fail, the error names the lowest t. The scalars b are erased before
// returning.
func NewBaseOTSender(c Correlation, msg1 []byte, rnd rng.Source, batch Batch) (*SenderOutputs, []byte, error) {
	if !c.valid() || rnd == nil {
		return nil, nil, internalErr(stepSender, "invalid correlation or randomness source")
	}
	rp, err := parsePointPairs(msg1, stepSender, c.S, batch)
	if err != nil {
		return nil, nil, err
	}
	b := new([BaseOTs][2]secp.Scalar)
	defer func() { *b = [BaseOTs][2]secp.Scalar{} }()
	for t := range BaseOTs {
		for slot := range 2 {
			s := rnd.RandomScalar()
			b[t][slot].Set(s)
			*s = secp.Scalar{}
		}
	}

	out := &SenderOutputs{corr: c}
	msg2 := make([]byte, BaseOTMsg2Size)
	prefix := transcript.NewPrefix(transcript.LabelOTKey, c.SIDOT[:])
	var errs [BaseOTs]*Error
	batch.run(BaseOTs, func(t int) {
		errs[t] = senderOne(&c, t, rp, &b[t], prefix, msg2[2*t*PointSize:(2*t+2)*PointSize], &out.o[t])
	})
	if err := firstError(&errs); err != nil {
		out.Wipe()
		return nil, nil, err
	}
	return out, msg2, nil
}

func senderOne(c *Correlation, t int, rp *pointPairs, b *[2]secp.Scalar, prefix *transcript.Prefix, out []byte, o *[2][32]byte) *Error {
	pair := rp.raw[2*t*PointSize : (2*t+2)*PointSize]
	for slot := range 2 {
		var M, K secp.Point
		h := h2cOT(&c.SIDOT, t, slot, rp.enc(t, 1-slot))
		if h.IsIdentity() == 1 { // §2.6: negligible probability, and no party can force it
			return internalErr(stepSender, fmt.Sprintf("t=%d slot %d: H2C output is the identity", t, slot))
		}
		M.Add(&rp.pts[t][slot], h)
		if M.IsIdentity() == 1 { // public: M depends only on message 1
			return &Error{Step: stepSender, Code: CodeBaseOTInvalid, Culprit: int(c.S),
				Detail: fmt.Sprintf("t=%d slot %d: M = O", t, slot)}
		}
		encB := out[slot*PointSize : (slot+1)*PointSize]
		var Bp secp.Point
		Bp.ScalarBaseMult(&b[slot])
		if err := encodePoint(encB, &Bp, stepSender, t); err != nil {
			return err
		}
		K.ScalarMult(&b[slot], &M)
		var encK [PointSize]byte
		if err := encodePoint(encK[:], &K, stepSender, t); err != nil {
			return err
		}
		o[slot] = otKey(prefix, t, slot, pair, encB, encK[:])
		K = secp.Point{}
		clear(encK[:])
	}
	return nil
}

// ReceiverOutputs are S's base-OT outputs for one correlation: the choice bits cb and
// o_{t,c_t} for t = 0..255. They live only until the PPRF is evaluated:
// [ReceiverOutputs.EvalPPRF] consumes them. Secret.
type ReceiverOutputs struct {
	corr Correlation
	cb   [32]byte
	o    [BaseOTs][32]byte
	used bool
}

// SenderOutputs are R's base-OT outputs o_{t,0}, o_{t,1} for one correlation. They live only
// until the PPRF is built: [SenderOutputs.BuildPPRF] consumes them. Secret.
type SenderOutputs struct {
	corr Correlation
	o    [BaseOTs][2][32]byte
	used bool
}

// Wipe overwrites the outputs and marks them consumed.
func (r *ReceiverOutputs) Wipe() {
	if r != nil {
		clear(r.cb[:])
		r.o = [BaseOTs][32]byte{}
		r.used = true
	}
}

// Wipe overwrites the outputs and marks them consumed.
func (s *SenderOutputs) Wipe() {
	if s != nil {
		s.o = [BaseOTs][2][32]byte{}
		s.used = true
	}
}

// Correlation returns the correlation the outputs belong to.
func (r *ReceiverOutputs) Correlation() Correlation { return r.corr }

// Correlation returns the correlation the outputs belong to.
func (s *SenderOutputs) Correlation() Correlation { return s.corr }
