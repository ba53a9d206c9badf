// Package keyshare holds a party's long-lived keyshare of tandem's two-party ECDSA engine and
// its stored form, format version 1 of PROTOCOL.md §11.1.
//
// A [Keyshare] is produced by keygen (§7.4) or refresh (§9.1) and consumed by presign and
// refresh. It holds the party index, the key and share ids, the generation's session id, the
// public key Q and both public shares X_0 and X_1, the chain code, the party's secret share
// x_i, the two OT correlations (ChooserSeeds for (self, peer), DeltaSeeds for (peer, self)),
// the identities id_0 and id_1, and the status: LOCKED (with reason and culprit), EXPORTED,
// PENDING.
//
// [Keyshare.Marshal] and [Parse] implement the §11.1 layout exactly: magic "TNDK", version
// 0x0001, fixed-width fields, length-prefixed identities, and a trailing checksum
// H("tandem/v1/keyshare/checksum", …). Parse runs every load check of §11.1 and reports any
// failure as [ErrInvalid] (KeyshareInvalid); an unknown version also matches
// [ErrUnsupportedVersion]. Parse followed by Marshal reproduces the input byte for byte.
//
// A refresh (§9.1) makes the next generation with [Keyshare.NextGeneration]: same key, new
// share and seeds, status PENDING, lock bits cleared (the only way out of a lock, §10.3).
// [Generations] holds a party's ACTIVE and PENDING generations of one key through the
// handover: [Generations.Select] by the share_id a sign request names, [Generations.Promote]
// when the peer's confirmation or the first Finish proves the new generation, and
// [Generations.Discard] when the refresh failed after the new generation was stored.
//
// # Security model
//
// The checksum detects storage corruption only; it is not authentication. Callers MUST keep
// the encoding in encrypted, authenticated storage (§11). The lock bit is part of the record:
// "persist the lock" means writing the record again after [Keyshare.Lock], before the error
// is reported or any further payload is sent (§10.3).
//
// # Secrets
//
// x_i, the chain code (confidential), and both seed sets are secret. A Keyshare never prints
// them: String, GoString, Format and LogValue show only the public ids. [Keyshare.Marshal]
// returns secret bytes; [Keyshare.Wipe] overwrites the secrets (best effort, §2.12).
//
// # Constant time
//
// Parse checks x_i·G = X_index with a constant-time base multiplication and checks that the
// DeltaSeeds leaf at each secret Δ_b is zero without branching on Δ_b. The public fields (ids,
// points, lengths, flags) are checked in variable time.
package keyshare
