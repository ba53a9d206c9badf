package rvole

import (
	"fmt"

	"github.com/tandem-mpc/tandem/ecdsa2p/internal/ote"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/ote/modn"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/rng"
	"github.com/tandem-mpc/tandem/internal/secp"
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

	msg := make([]byte, MsgSize)
	var acc [2]modn.Acc
	for j := range ote.OTs {
		for k := range ote.Width {
			t := modn.Sub(&alpha0[j][k], &alpha1[j][k])
			t = modn.Add(&t, &inputs[k])
			t.PutBytes((*[32]byte)(msg[(j*ote.Width+k)*32:]))
		}
		acc[0].MulAdd(&g[j], &alpha0[j][0])
		acc[1].MulAdd(&g[j], &alpha0[j][1])
	}
	cs := [2]modn.Scalar{acc[0].Reduce(), acc[1].Reduce()}
	cs[0], cs[1] = modn.Neg(&cs[0]), modn.Neg(&cs[1])
	clear(acc[:])

	th0, th1 := theta(&sid, msg[:ATildeSize])
	var e modn.Acc
	e.MulAdd(&th0, &inputs[0])
	e.MulAdd(&th1, &inputs[1])
	e.Add(&inputs[2])
	eta := e.Reduce()
	eta.PutBytes((*[32]byte)(msg[ATildeSize:]))

	var mh muHasher
	mh.start(&sid)
	for j := range ote.OTs {
		var row modn.Acc
		row.MulAdd(&th0, &alpha0[j][0])
		row.MulAdd(&th1, &alpha0[j][1])
		row.Add(&alpha0[j][2])
		nu := row.Reduce()
		mh.add(&nu)
	}
	mu := mh.sum()
	copy(msg[ATildeSize+32:], mu[:])
	return msg, cs
}
