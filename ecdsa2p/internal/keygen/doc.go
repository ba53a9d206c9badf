// Package keygen implements the two-party key generation of tandem's DKLs23 engine, rounds
// K1–K4 of PROTOCOL.md §7: a commit–open–prove–confirm additive key generation (deviation D7
// from DKLs23's Shamir DKG) that also runs the base OTs and PPRFs of both OT correlations
// (§3, §4, through package ot).
//
// The package is sans-I/O (CONVENTIONS.md #3): [New] returns the first state with this
// party's K1 payload, and each state's Next takes the peer's payload of that round and returns
// the next state and this party's next payload:
//
//	r1, _ := keygen.New(instanceID, i, id0, id1, rnd)      // K1 = r1.Payload()
//	r2, k2, err := r1.Next(peerK1)
//	r3, k3, err := r2.Next(peerK2)
//	r4, k4, err := r3.Next(peerK3)
//	ks, err := r4.PendingKeyshare()                         // persist as PENDING, then send k4
//	ks, err := r4.Next(peerK4)                              // ACTIVE keyshare
//	ks, late, err := r4.Pending()                           // no K4 from the peer: PENDING
//
// Every state is consumed by its first call that does not return an ignore error
// ([Round4.PendingKeyshare] only reads and consumes nothing); a second
// call, or a call after an error, fails with Internal (engineerr.ErrStateConsumed). Input of
// class (a) (§10.1: a short payload, a wrong version or type, a wrong binding in rounds 2–4, a
// byte-identical duplicate of an earlier payload) returns an error wrapping
// engineerr.ErrIgnore and leaves the state untouched and usable. Every other failure is an
// *engineerr.Error with the §10.4 reason and the culprit; none locks (§10.3, Appendix C
// item 6).
//
// A payload of a later round offered to an earlier state (§10.1 rules 3 and 7) is ignored
// too: holding an early payload is the driver's job (WIRE.md §12.5), which offers it again
// once this party has reached that round. A payload of an earlier round with the right
// binding is a duplicate (ignored) if byte-identical and Equivocation (blame the peer, no
// lock) if not (rule 6); with a wrong binding it is ignored (rule 4 comes first).
//
// # Security model
//
// The peer may be malicious; the transport authenticates and encrypts payloads (§1.3). The
// commitment to (X_j, cc_j) binds setup_kg, the committer's index and σ_j; the Schnorr proof is
// bound to "keygen", sid_kg and the prover index (Frozen-Heart rule, §2.9); sid_kg mixes fresh
// σ from both parties, so a replayed or mirrored run fails. The confirmation round binds Q,
// the chain code and every byte of K1–K3 (TOB-SILA-7). A peer that equivocates (a different
// payload for a round already accepted) is blamed; a byte-identical duplicate is ignored.
//
// # Constant time
//
// x_i, ω_i (until K2), cc_i (until K2), the chain code and every OT secret are handled in
// constant time: x_i·G uses the constant-time base multiplication; the OT layer is constant
// time (package ot); the confirmation is compared with crypto/subtle. Decoding and the
// commitment and Schnorr checks handle only public data and may run in variable time.
//
// # Randomness
//
// Every draw comes from the rng.Source passed to [New], in the order §7 lists: K1 draws σ_i,
// x_i, cc_i, ω_i; K2 the Schnorr nonce, then the base-OT receiver's cb, a_t, z_t; K3 the base-OT
// sender's b_{t,0}, b_{t,1}. The public layer passes rng.System; tests pass the TestRNG of
// §12.5 and reproduce §12.4(d) exactly. An [ot.Batch] set with [Round1.WithBatch] spreads the
// OT work over goroutines without changing any output.
package keygen
