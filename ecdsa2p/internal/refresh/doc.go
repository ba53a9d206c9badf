// Package refresh implements the key refresh of tandem's DKLs23 engine, rounds RF1–RF4 of
// PROTOCOL.md §9.1: new additive shares x′_0 = x_0 + τ and x′_1 = x_1 − τ of the same public
// key Q, and new OT correlations in both directions from fresh base OTs and PPRFs (§3, §4,
// through package ot). The chain code and key_id stay; share_id changes. It is the only way a
// LOCKED keyshare (§10.3) becomes usable again: the new generation has its lock bits cleared.
//
// The package is sans-I/O (CONVENTIONS.md #3) and mirrors package keygen: [New] returns the
// first state with this party's RF1 payload, and each state's Next takes the peer's payload of
// that round and returns the next state and this party's next payload:
//
//	r1, _ := refresh.New(instanceID, old, rnd, save)     // RF1 = r1.Payload()
//	r2, rf2, err := r1.Next(peerRF1)
//	r3, rf3, err := r2.Next(peerRF2)
//	r4, rf4, err := r3.Next(peerRF3)                     // save({old ACTIVE, new PENDING}) ran
//	ks, err := r4.Next(peerRF4)                          // save({new ACTIVE}) ran: old deleted
//	late, err := r4.Pending()                            // no RF4 from the peer: keep both
//
// # Generation handover
//
// §9.1's two-generals-safe handover needs durable state at two points, and a caller that
// forgot to persist there could lose the key (the peer deletes its old share as soon as it
// sees this party's RF4) or keep an old share alive. The API therefore takes a [SaveFunc]
// and calls it itself, before it releases the payload or result that depends on it:
//
//   - on the peer's RF3, with {Active: old, Pending: new}, before RF4 is returned;
//   - on a valid RF4, with {Active: new}: the new generation is ACTIVE, the old one deleted
//     (and wiped in memory);
//   - on a round-4 abort (ConfirmationMismatch, MalformedPayload, Equivocation), with
//     {Active: old}: the new generation is discarded and the old one kept, lock state unchanged.
//
// A party whose refresh aborts in RF1–RF3 never called save and still holds the old keyshare
// untouched. A party that sent RF4 but never received the peer's ends with [Round4.Pending]:
// the stored pair stays {old ACTIVE, new PENDING}, and the new generation is promoted by a late
// RF4 ([LateConfirmation.Promote]) or by the first successful Finish on its share_id
// (keyshare.Generations.Promote). A failing save aborts with Internal and withholds the payload.
//
// Deviation from CONVENTIONS.md #3: Round3.Next and Round4.Next call the caller's save
// function synchronously. The core still does no I/O of its own; the hook exists so that the
// persistence the handover requires cannot be skipped.
//
// # Errors
//
// Every state is consumed by its first call that does not return an ignore error; a second
// call, or a call after an error, fails with Internal (engineerr.ErrStateConsumed). Input of
// class (a) (§10.1) returns an error wrapping engineerr.ErrIgnore and leaves the state
// usable. A different RF1 setup digest is SetupMismatch with no culprit (the parties are on
// different generations or keys). Every other failure is an *engineerr.Error with the §10.4
// reason and the culprit. Refresh failures never lock (§10.2, §10.3 item 3, Appendix C
// item 6): they concern only the new correlations, which are thrown away.
//
// # Security model
//
// The peer may be malicious; the transport authenticates and encrypts payloads (§1.3). τ is
// derived from the Diffie–Hellman value K_rf = ζ_i·Z_j of fresh ephemeral scalars (review
// finding F1), so a thief holding both keyshares (one old, one new) and the whole transcript
// still has to solve CDH for (Z_0, Z_1) to combine them: τ, ζ_i and K_rf are erased after use
// and stored nowhere. sid_rf mixes fresh σ from both parties; the base-OT and PPRF session ids
// derive from it, so a replayed or mirrored run fails. The confirmation round binds Q, the
// chain code, X′_0, X′_1 and every byte of RF1–RF3. A rushing peer can choose σ_j and Z_j after
// seeing ours; it learns τ anyway, and τ only has to be unknown to outsiders.
//
// # Constant time
//
// ζ_i, K_rf, τ, x_i, x′_i, the chain code and every OT secret are handled in constant time:
// ζ_i·G, τ·G and ζ_i·Z_j use the constant-time scalar multiplications of internal/secp; the
// share update is constant-time scalar arithmetic; the OT layer is constant time (package
// ot); the confirmation is compared with crypto/subtle. Decoding Z_j and the payloads handles
// only public data.
//
// # Randomness
//
// Every draw comes from the rng.Source passed to [New], in the order §9.1 and §12.4(e) list:
// RF1 draws σ_i, then ζ_i; RF2 the base-OT receiver's cb, a_t, z_t; RF3 the base-OT sender's
// b_{t,0}, b_{t,1}. The public layer passes rng.System; tests pass the TestRNG of §12.5 and
// reproduce the refresh block of §12.4(d) exactly.
package refresh
