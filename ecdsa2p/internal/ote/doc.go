// Package ote implements the sign-time OT extension of tandem's DKLs23 engine: SoftSpokenOT
// with k = 4 (subspace VOLE over the repetition code) turning one correlation's long-lived
// PPRF seeds into ξ = 512 correlated OTs of 3 scalars each, with the Fiat–Shamir GF(2^128)
// consistency check (PROTOCOL.md §5). Package rvole builds DKLs23's RVOLE on its outputs.
//
// The package is sans-I/O. The receiver R (the chooser, in sign round 2) calls [NewReceiver]
// with its [ot.ChooserSeeds] and gets the 9,232-byte message and its [ReceiverOutput]
// (β′ and the pads α). The sender S (the Δ-holder, on the peer's S2) builds a [Sender] with its
// [ot.DeltaSeeds] and calls [Sender.Extend] once on the message, which checks it and returns
// the [SenderOutput] (the pads α0, α1). Randomness (β′, the receiver's only draw) comes from an
// explicit [rng.Source].
//
// # Sessions
//
// Every extension runs under sid_ote = H("tandem/v1/sign/ote-sid", sign_sid, u8(R), u8(S))
// ([NewSession]); sign_sid hashes fresh σ values from both parties (§8.2), so both parties
// contributed to it and no (leaf, sid_ote) pair is ever expanded twice. Reuse is refused by
// construction: a [Session] (with its copies) admits one [NewReceiver] and one [NewSender],
// and states and outputs are single-use — a second Extend, or a second Claim of an output,
// fails with [ErrReused].
//
// # Errors and the lock
//
// A message of the wrong length is an *[Error] matching [ErrMalformed] (MalformedPayload, no
// lock). A failed consistency check is an *[Error] matching [ErrCheckFailed]
// (OTExtensionCheckFailed) whose Lock() is true: the engine MUST lock the keyshare before
// reporting it or sending anything else (§10.3, mandatory — the check's outcome depends on Δ,
// which every later signature reuses). Both name the culprit, R, by party index, and neither
// says which row failed. The engine also MUST run Extend while holding the keyshare's lock
// mutex, after checking that the keyshare is not LOCKED.
//
// # Security model
//
// A malicious receiver can choose a different β″ in some block; it then passes the check only
// by guessing that block's Δ nibble, and a pass reveals it (the probe of §5 "What the check
// buys"). The mandatory lock bounds the Δ bits such probes can learn before the first failure
// to m with probability at most 2^−m. Grinding U against the Fiat–Shamir challenges succeeds
// with probability about 2^−128 per attempt. x̃ is masked by the 128 extra columns of β′.
//
// # Constant time
//
// Δ, the leaves (including which one is missing), β′, T, W, their columns and the pads are
// secret (§2.12). The sender zeroes the punctured leaf and selects the Δ-dependent rows with
// masks, expanding every leaf of every block; the 256 row checks are accumulated into one
// value with no early exit, and only its final value is branched on; GF(2^128) products are
// constant-time (package gf128). The receiver's selections depend only on public leaf indices.
// Pads are wide-reduced with constant-time arithmetic.
//
// # Performance
//
// One extension is about 30,000 SHA-256 compressions (2 × 1,024 leaf expansions, 512 + 1,024
// pads). The PRG streams are SHA-256 in counter mode. Every PRG message of one seed shares its
// first 64-byte block (label and most of the seed), so that block is compressed once and each
// counter costs only the two tail blocks (midstate caching, §2.3): 13 compressions per pad
// instead of 18, 7 per leaf instead of 9. With the SHA extensions, package sha2 compresses
// pre-padded message templates directly, which also avoids crypto/sha256's per-call copying
// and state marshalling (about as much time again as a compression); without them the same
// midstates go through transcript.Hasher's Mark/Rewind. Pads are wide-reduced with the 64-bit
// arithmetic of package modn. The leaf expansions and the pads split into [Parts] independent
// parts, which a [Runner] given to [Session.WithRunner] may run on several cores; the outputs
// do not depend on the Runner. Hashers and work matrices are pooled (and wiped before they
// return to the pool).
package ote
