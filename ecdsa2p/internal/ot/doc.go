// Package ot implements the keygen-time OT layer of tandem's DKLs23 engine: the endemic base
// OT of PROTOCOL.md §3 (Masny–Rindal over secp256k1 with RFC 9380 hashing) and the all-but-one
// OT / punctured PRF with its proof (§4, the GGM tree of SoftSpokenOT with k = 4). Its outputs
// are the long-lived seeds of one correlation (R, S): ChooserSeeds for R and DeltaSeeds for S,
// which the OT extension (package ote) consumes at every signature.
//
// The package is sans-I/O: each role is a sequence of single-use states whose methods take
// the peer's message and the randomness explicitly, and return the next state and the message
// to send.
//
// # Flow
//
// For correlation (R, S) of a keygen (parent_sid = sid_kg) or refresh (sid_rf), with
// c := [NewCorrelation](parent_sid, R, S):
//
//	S, K2/RF2:  recv, msg1 := NewBaseOTReceiver(c, rnd, batch)             → msg1 (16,896 B)
//	R, on K2:   so, msg2 := NewBaseOTSender(c, msg1, rnd, batch)           → msg2 (16,896 B)
//	            chooser, pprf := so.BuildPPRF(batch)                       → pprf (14,368 B)
//	S, on K3:   ro := recv.Finish(msg2, batch)
//	            delta := ro.EvalPPRF(pprf, batch)
//
// Keygen runs both directions: each party is S in (peer, self) and R in (self, peer). The
// K3 payload carries msg2 ‖ pprf, in that order (§7.3).
//
// # Security model
//
// The peer may be malicious; the transport is authenticated (§1.3). The layer defends against
// the failures of published DKLs implementations:
//
//   - Base OT is over the prime-order secp256k1 group, never raw bytes; the receiver's
//     unchosen point is a real group element z_t·G (§3.1 step 2, "Devious Transfer").
//   - Every received point is decoded and validated (§2.2) before any other processing, both
//     B_{t,0} and B_{t,1} at the receiver, so no decoding failure depends on a choice bit.
//   - M_{t,slot} = O aborts with BaseOTInvalid (a receiver that sets r_slot = −H2C(…)).
//   - The PPRF proof (t̃, s̃) is checked with one constant-time comparison after every block.
//     A failure aborts with PPRFProofInvalid, and the partial Δ is erased. What a cheating R
//     can still learn (a guessed set of Δ_b values, at the cost of an abort otherwise) is the
//     leakage §4.2 and §10.3 budget for; the aborted run's Δ is never used.
//   - Session ids are derived from parent_sid, which holds both parties' fresh σ, and differ
//     per direction and per use (ot/sid, pprf/sid). Every state is consumed once: a second
//     call, or any call after an error, fails with ErrStateConsumed.
//   - No failure here locks a keyshare (Appendix C item 6): base-OT and PPRF failures happen
//     at keygen and refresh, on correlations that are thrown away.
//
// Errors are [*Error] values with the §10.4 code (MalformedPayload, BaseOTInvalid,
// PPRFProofInvalid, Internal) and the index of the party to blame; errors.Is matches the
// sentinels [ErrMalformed], [ErrBaseOTInvalid], [ErrPPRFProofInvalid], [ErrInternal] and
// [ErrStateConsumed].
//
// # Constant time
//
// Choice bits, the scalars a_t, z_t, b, the DH values, every base-OT output, every GGM node and
// leaf, and Δ (the punctured index) are secret: they never influence a branch, a memory address
// or a loop bound (PROTOCOL.md §2.12). The receiver's H2C input contains c_t, and H2C is
// constant time; r_{t,0}/r_{t,1} are placed and B_{t,c_t} selected with masks. The PPRF
// evaluation expands every node of every level (the unknown one as a zero placeholder) and
// uses the punctured position only to build masks. dudect-style smoke tests (build tag dudect)
// cover the receiver's H2C for c = 0 vs 1 and the PPRF evaluation for Δ_b = 0 vs 15.
//
// # Randomness
//
// Every round takes an [rng.Source] and draws in exactly the order §3 lists (receiver: cb,
// then a_t, z_t for t = 0..255; sender: b_{t,0}, b_{t,1} for t = 0..255). The PPRF draws
// nothing. Draws happen on the caller's goroutine before any parallel work.
//
// # Concurrency
//
// A [Batch] may spread the independent per-OT and per-block computations over goroutines
// ([Parallel]); results land in slots indexed by t or b and errors are reported for the lowest
// index, so outputs and errors do not depend on the Batch. A nil Batch runs sequentially. The
// states themselves are not safe for concurrent use.
package ot
