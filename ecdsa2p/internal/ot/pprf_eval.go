package ot

import (
	"crypto/subtle"

	"github.com/tandem-mpc/tandem/internal/transcript"
)

const stepPPRFEval = "PPRF evaluation"

// EvalPPRF runs PROTOCOL.md §4.2 for S on R's PPRF message (14,368 bytes): it rebuilds every
// leaf except the one at the punctured index Δ_b of each block, verifies R's proof, and returns
// S's DeltaSeeds (Δ and the leaves, zero at each Δ_b). It consumes and erases the base-OT
// outputs whether or not it succeeds; a second call fails with [ErrStateConsumed].
//
// A message of the wrong length is MalformedPayload; a proof that does not verify is
// PPRFProofInvalid. Both blame R, and the partially derived Δ is erased. The evaluation runs
// in constant time over all nodes: every node of every level is expanded (the unknown one as a
// zero placeholder), and the punctured position is used only to build masks. The proof check
// is one constant-time comparison of s̃* with s̃, after all blocks. batch may spread the 64
// blocks over cores.
func (r *ReceiverOutputs) EvalPPRF(pprfMsg []byte, batch Batch) (*DeltaSeeds, error) {
	if r == nil || r.used || !r.corr.valid() {
		return nil, consumedErr(stepPPRFEval)
	}
	r.used = true
	defer r.Wipe()
	msg, err := parsePPRFMsg(pprfMsg, stepPPRFEval, int(r.corr.R))
	if err != nil {
		return nil, err
	}
	delta, leaves, ok := evalPPRF(&r.corr.SIDPPRF, &r.cb, &r.o, msg, batch)
	defer func() { *delta, *leaves = [Blocks]uint8{}, Leaves{} }()
	if ok != 1 {
		return nil, &Error{Step: stepPPRFEval, Code: CodePPRFProofInvalid, Culprit: int(r.corr.R),
			Detail: "s̃ does not match"}
	}
	seeds, err := NewDeltaSeeds(delta, leaves)
	if err != nil {
		return nil, internalErr(stepPPRFEval, "Δ out of range")
	}
	return seeds, nil
}

// evalPPRF is §4.2 on explicit inputs: the choice bits cb and oc[t] = o_{t,c_t}. It returns Δ,
// S's leaves (zero at each Δ_b) and 1 if the proof verifies, 0 otherwise.
func evalPPRF(sid *[32]byte, cb *[32]byte, oc *[BaseOTs][32]byte, msg *PPRFMsg, batch Batch) (*[Blocks]uint8, *Leaves, int) {
	delta := new([Blocks]uint8)
	leaves := new(Leaves)
	pi := new(proofValues)
	prefix := transcript.NewPrefix(transcript.LabelPPRFLeaf, sid[:])
	batch.run(Blocks, func(b int) {
		delta[b] = evalBlock(sid, prefix, b, cb, oc, &msg.C[b], &msg.TTilde[b], &leaves[b], &pi[b])
	})
	sStar := proofHash(sid, pi)
	*pi = proofValues{}
	return delta, leaves, subtle.ConstantTimeCompare(sStar[:], msg.STilde[:])
}

// evalBlock evaluates block b and returns Δ_b. With c_h = bit(cb, 4b+h):
//
//	s^1[c_0] = o_{4b,c_0}; the other node is a zero placeholder; pnt = 1 − c_0
//	for h = 1, 2, 3:
//	    expand every s^h[y] (the placeholder too: constant time)
//	    K = C_{b,h,c} ⊕ o_{4b+h,c}                       with c = c_h, C selected by mask
//	    s^{h+1}[2·pnt + c] = K ⊕ (⊕_{y ≠ pnt} s^{h+1}[2y + c])
//	    s^{h+1}[2·pnt + 1 − c] = 0 (placeholder);  pnt = 2·pnt + (1 − c)
//	Δ_b = pnt;  L_S[b][x] = s^4[x] (zero at Δ_b)
//	π*_{b,x} = H("tandem/v1/pprf/leaf", sid_pprf, u8(b), u8(x), L_S[b][x]) for x ≠ Δ_b
//	π*_{b,Δ_b} = t̃_b ⊕ (⊕_{x ≠ Δ_b} π*_{b,x})
//
// Every loop runs over all nodes, every selection is a mask; pnt, c_h and the nodes never
// reach a branch or an index.
func evalBlock(sid *[32]byte, prefix *transcript.Prefix, b int, cb *[32]byte, oc *[BaseOTs][32]byte,
	C *[3][2][LeafSize]byte, tt *[32]byte, leaves *[LeavesPerBlock][LeafSize]byte, pi *[LeavesPerBlock][32]byte) uint8 {
	var cur, next [LeavesPerBlock][32]byte
	c0 := uint8(choiceBit(cb, 4*b))
	m1 := -c0 // 0xff if c_0 = 1
	for i := range 32 {
		cur[0][i] = oc[4*b][i] &^ m1
		cur[1][i] = oc[4*b][i] & m1
	}
	pnt := 1 - c0
	for h := 1; h <= 3; h++ {
		n := 1 << h
		for y := range n {
			expand(sid, &cur[y], b, h, y, &next[2*y], &next[2*y+1])
		}
		c := uint8(choiceBit(cb, 4*b+h))
		mc := -c // 0xff if c = 1
		var acc [32]byte
		for i := range 32 {
			acc[i] = (C[h-1][0][i]&^mc | C[h-1][1][i]&mc) ^ oc[4*b+h][i]
		}
		for y := range n {
			keep := ^eqMask(uint8(y), pnt)
			for i := range 32 {
				acc[i] ^= (next[2*y][i]&^mc | next[2*y+1][i]&mc) & keep
			}
		}
		target, hole := 2*pnt+c, 2*pnt+1-c
		for z := range 2 * n {
			mt, mh := eqMask(uint8(z), target), eqMask(uint8(z), hole)
			for i := range 32 {
				next[z][i] = (next[z][i]&^mt | acc[i]&mt) &^ mh
			}
		}
		pnt = hole
		cur = next
		clear(acc[:])
	}
	*leaves = cur

	acc := *tt
	for x := range LeavesPerBlock {
		pi[x] = leafHash(prefix, b, x, &cur[x])
		keep := ^eqMask(uint8(x), pnt)
		for i := range 32 {
			acc[i] ^= pi[x][i] & keep
		}
	}
	for x := range LeavesPerBlock {
		m := eqMask(uint8(x), pnt)
		for i := range 32 {
			pi[x][i] = pi[x][i]&^m | acc[i]&m
		}
	}
	cur, next, acc = [LeavesPerBlock][32]byte{}, [LeavesPerBlock][32]byte{}, [32]byte{}
	return pnt
}

// eqMask returns 0xff if a == b and 0 otherwise, in constant time.
func eqMask(a, b uint8) uint8 { return uint8(-subtle.ConstantTimeByteEq(a, b)) }
