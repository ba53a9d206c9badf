package ot

import "github.com/tandem-mpc/tandem/internal/transcript"

const stepPPRFBuild = "PPRF build"

// BuildPPRF runs PROTOCOL.md §4.1 for R: it turns the base-OT outputs into the 64 GGM trees of
// the all-but-one OT, and returns R's ChooserSeeds (all 16 leaves of every block) and the PPRF
// message (corrections ‖ t̃ ‖ s̃, 14,368 bytes) that follows base-OT message 2 in K3 / RF3. It
// consumes and erases the base-OT outputs; a second call fails with [ErrStateConsumed].
// BuildPPRF draws no randomness. batch may spread the 64 blocks over cores.
func (s *SenderOutputs) BuildPPRF(batch Batch) (*ChooserSeeds, []byte, error) {
	if s == nil || s.used || !s.corr.valid() {
		return nil, nil, consumedErr(stepPPRFBuild)
	}
	s.used = true
	defer s.Wipe()
	leaves, msg := buildPPRF(&s.corr.SIDPPRF, &s.o, batch)
	seeds := NewChooserSeeds(leaves)
	*leaves = Leaves{}
	return seeds, msg.Marshal(), nil
}

// buildPPRF is §4.1 on explicit inputs: o[t][slot] = o_{t,slot}.
func buildPPRF(sid *[32]byte, o *[BaseOTs][2][32]byte, batch Batch) (*Leaves, *PPRFMsg) {
	leaves := new(Leaves)
	msg := new(PPRFMsg)
	pi := new(proofValues)
	prefix := transcript.NewPrefix(transcript.LabelPPRFLeaf, sid[:])
	batch.run(Blocks, func(b int) {
		buildBlock(sid, prefix, b, o, &leaves[b], &msg.C[b], &msg.TTilde[b], &pi[b])
	})
	msg.STilde = proofHash(sid, pi)
	*pi = proofValues{}
	return leaves, msg
}

// buildBlock builds block b (base OTs t = 4b + h, h = 0..3):
//
//	s^1[0] = o_{4b,0}, s^1[1] = o_{4b,1}
//	for h = 1, 2, 3:
//	    (s^{h+1}[2y], s^{h+1}[2y+1]) = Expand(s^h[y], b, h, y)   for every y < 2^h
//	    C_{b,h,0} = (⊕_y s^{h+1}[2y]) ⊕ o_{4b+h,0};  C_{b,h,1} = (⊕_y s^{h+1}[2y+1]) ⊕ o_{4b+h,1}
//	L_R[b][x] = s^4[x];  π_{b,x} = H("tandem/v1/pprf/leaf", sid_pprf, u8(b), u8(x), L_R[b][x]);  t̃_b = ⊕_x π_{b,x}
func buildBlock(sid *[32]byte, prefix *transcript.Prefix, b int, o *[BaseOTs][2][32]byte,
	leaves *[LeavesPerBlock][LeafSize]byte, C *[3][2][LeafSize]byte, tt *[32]byte, pi *[LeavesPerBlock][32]byte) {
	var cur, next [LeavesPerBlock][32]byte
	cur[0], cur[1] = o[4*b][0], o[4*b][1]
	for h := 1; h <= 3; h++ {
		var k0, k1 [32]byte
		for y := range 1 << h {
			expand(sid, &cur[y], b, h, y, &next[2*y], &next[2*y+1])
			xor32(&k0, &next[2*y])
			xor32(&k1, &next[2*y+1])
		}
		xor32(&k0, &o[4*b+h][0])
		xor32(&k1, &o[4*b+h][1])
		C[h-1][0], C[h-1][1] = k0, k1
		cur = next
	}
	*leaves = cur
	*tt = [32]byte{}
	for x := range LeavesPerBlock {
		pi[x] = leafHash(prefix, b, x, &cur[x])
		xor32(tt, &pi[x])
	}
	cur, next = [LeavesPerBlock][32]byte{}, [LeavesPerBlock][32]byte{}
}
