package rvole

import (
	"fmt"

	"github.com/tandem-mpc/tandem/ecdsa2p/internal/ote"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/ote/modn"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/rng"
	"github.com/tandem-mpc/tandem/internal/secp"
	"github.com/tandem-mpc/tandem/internal/transcript"
)

// Send runs the RVOLE sender S of PROTOCOL.md §6.2 (sign round 3, right after the OT-extension
// sender) with inputs a_0 (nonce share) and a_1 (key share) over the extension output out,
// which it claims (a second use fails with [ote.ErrReused]) and wipes. It draws η̂ =
// RandomScalar() from rnd (its only draw) and returns the 49,216-byte message
// RV = Ã ‖ sc(η) ‖ μ and S's shares c_0, c_1 with c_k + d_k = a_k·χ.
//
//  1. η̂ = RandomScalar();
//  2. ã_{j,k} = α0_{j,k} − α1_{j,k} + a_k for k = 0, 1, and ã_{j,2} = α0_{j,2} − α1_{j,2} + η̂;
//  3. c_k = −Σ_j g_j·α0_{j,k};
//  4. D = H("tandem/v1/rvole/atilde", sid_ote, Ã), θ_k = H2S("tandem/v1/rvole/theta", sid_ote, D, u8(k));
//  5. η = η̂ + θ_0·a_0 + θ_1·a_1;
//  6. μ = H("tandem/v1/rvole/mu", sid_ote, ‖_j sc(α0_{j,2} + θ_0·α0_{j,0} + θ_1·α0_{j,1}));
//  7. RV = Ã ‖ sc(η) ‖ μ.
//
// The sums of step 3 and the rows of step 6 are accumulated without intermediate reductions.
func Send(out *ote.SenderOutput, a0, a1 *secp.Scalar, rnd rng.Source) (msg []byte, c0, c1 *secp.Scalar, err error) {
	if a0 == nil || a1 == nil || rnd == nil {
		return nil, nil, nil, fmt.Errorf("%w: sender needs a_0, a_1 and a randomness source", ErrInvalidInput)
	}
	if err := out.Claim(); err != nil {
		return nil, nil, nil, fmt.Errorf("rvole: sender: %w", err)
	}
	defer out.Wipe()
	etaHat := rnd.RandomScalar()
	inputs := [ote.Width]modn.Scalar{modn.FromSecp(a0), modn.FromSecp(a1), modn.FromSecp(etaHat)}
	*etaHat = secp.Scalar{}
	defer clear(inputs[:])
	msg, cs := send(out.Session(), out.Pads0(), out.Pads1(), &inputs)
	defer clear(cs[:])
	return msg, cs[0].Secp(), cs[1].Secp(), nil
}

// send is steps 2–7 of Send over explicit pads and inputs (a_0, a_1, η̂).
func send(sess ote.Session, alpha0, alpha1 *[ote.OTs][ote.Width]modn.Scalar, inputs *[ote.Width]modn.Scalar) ([]byte, [2]modn.Scalar) {
	sid := sess.ID()
	var g [ote.OTs]modn.Scalar
	gadget(&g, sess)

	// Steps 2–3, in independent parts over the rows: Ã, and partial sums of g_j·α0_{j,k}.
	msg := make([]byte, MsgSize)
	var acc [ote.Parts][2]modn.Acc
	sess.Run(ote.Parts, func(part int) {
		lo, hi := rowRange(part)
		for j := lo; j < hi; j++ {
			for k := range ote.Width {
				t := modn.Sub(&alpha0[j][k], &alpha1[j][k])
				t = modn.Add(&t, &inputs[k])
				t.PutBytes((*[32]byte)(msg[(j*ote.Width+k)*32:]))
			}
			acc[part][0].MulAdd(&g[j], &alpha0[j][0])
			acc[part][1].MulAdd(&g[j], &alpha0[j][1])
		}
	})
	var sum [2]modn.Acc
	for part := range acc {
		sum[0].AddAcc(&acc[part][0])
		sum[1].AddAcc(&acc[part][1])
	}
	cs := [2]modn.Scalar{sum[0].Reduce(), sum[1].Reduce()}
	cs[0], cs[1] = modn.Neg(&cs[0]), modn.Neg(&cs[1])
	clear(acc[:])
	clear(sum[:])

	// Steps 4–5.
	th0, th1 := theta(&sid, msg[:ATildeSize])
	var e modn.Acc
	e.MulAdd(&th0, &inputs[0])
	e.MulAdd(&th1, &inputs[1])
	e.Add(&inputs[2])
	eta := e.Reduce()
	eta.PutBytes((*[32]byte)(msg[ATildeSize:]))

	// Step 6: the rows of N in parts, then μ.
	n := make([]byte, nSize)
	defer clear(n)
	sess.Run(ote.Parts, func(part int) {
		lo, hi := rowRange(part)
		for j := lo; j < hi; j++ {
			var row modn.Acc
			row.MulAdd(&th0, &alpha0[j][0])
			row.MulAdd(&th1, &alpha0[j][1])
			row.Add(&alpha0[j][2])
			nu := row.Reduce()
			nu.PutBytes((*[32]byte)(n[32*j:]))
		}
	})
	mu := transcript.H(transcript.LabelRVOLEMu, sid[:], n)
	copy(msg[ATildeSize+32:], mu[:])
	return msg, cs
}

// rowRange returns the rows of part p of the 512 OTs.
func rowRange(p int) (lo, hi int) { return p * ote.OTs / ote.Parts, (p + 1) * ote.OTs / ote.Parts }
