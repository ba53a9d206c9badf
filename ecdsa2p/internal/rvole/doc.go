// Package rvole implements DKLs23's random vector OLE (Protocol 5.2) over the OT extension of
// package ote, as specified in PROTOCOL.md §6: the receiver R gets a random scalar χ and shares
// d_0, d_1; the sender S inputs a_0, a_1 and gets c_0, c_1, with c_k + d_k = a_k·χ (mod n).
// One batch of 512 OTs of 3 scalars serves both inputs and one check column (DKLs23's "forced
// reuse").
//
// The package is sans-I/O and each state is single-use:
//
//   - R, part 1 (sign round 2, right after [ote.NewReceiver]): [NewReceiver] claims the
//     extension output and returns χ = Σ β_j·g_j with the gadget g_j =
//     H2S("tandem/v1/rvole/gadget", sid_ote, u16(j));
//   - S (sign round 3, right after [ote.Sender.Extend]): [Send] draws η̂ and returns the
//     49,216-byte message RV = Ã ‖ sc(η) ‖ μ and c_0, c_1;
//   - R, part 2 (on the peer's S3): [Receiver.ParseMessage] checks the length and that every ã
//     and η is canonical (so that the engine can parse the whole S3 payload before any check,
//     §8.5 step 1), then [Receiver.Finish] runs the μ check and returns d_0, d_1.
//
// # Errors and the lock
//
// A malformed RV is an *[Error] matching [ErrMalformed] (MalformedPayload, no lock). A failed μ
// check is an *[Error] matching [ErrCheckFailed] (RVOLECheckFailed) whose Lock() is true: the
// engine locks the keyshare (§10.3, defensive). Both blame S by party index.
//
// # Security model
//
// θ_0, θ_1 are derived from Ã, so they are fixed only after S committed to every row; a sender
// whose rows do not all encode the same (a_0, a_1, η̂) passes only if β_j = 0 in every deviating
// row, and a failure on chosen rows leaks bits of the fresh β only — the 256 surplus OTs keep
// χ statistically close to uniform. A consistent but wrong input passes this check and is
// caught by the engine's Γ checks (§8.5).
//
// # Constant time
//
// χ, β, the pads, d̄, ν, η̂ and the shares are secret (§2.12): β_j drives only constant-time
// masks, μ′ is compared with crypto/subtle, and the scalar arithmetic (package modn) is
// constant-time.
//
// # Performance
//
// Sums such as Σ_j g_j·α0_{j,k} and the rows of N are accumulated in 576 bits and reduced once
// (modn.Acc). The gadget's hash messages share their first block (label and sid_ote), which is
// compressed once per session with package sha2 when the SHA extensions are present. The gadget and the per-row work split into independent parts that run with the
// session's Runner (ote.Session.WithRunner), so the public layer can use both cores; the
// messages and outputs do not depend on the Runner.
package rvole
