package sign

import "github.com/tandem-mpc/tandem/internal/secp"

// Test-only access to internals.

// SetInputTweak makes r's session add da0 to its RVOLE sender input a_0 = r_i and da1 to
// a_1 = sk′_i (a consistent but wrong input, N14/N15).
func SetInputTweak(r *Round1, da0, da1 uint64) { r.s.tweakA0, r.s.tweakA1 = da0, da1 }

// PresigSecrets returns φ_i, u_i, v_i.
func PresigSecrets(p *Presignature) (phi, u, v *secp.Scalar) {
	return secp.NewScalar().Set(&p.phi), secp.NewScalar().Set(&p.u), secp.NewScalar().Set(&p.v)
}

// RecoveryID exposes recoveryID (N29).
var RecoveryID = recoveryID
