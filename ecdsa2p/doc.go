// Package ecdsa2p is tandem's two-party ECDSA (secp256k1, DKLs23 family) engine with its
// thin networked layer: each operation of PROTOCOL.md runs as an mpc.Protocol under the
// plans of WIRE.md §12.9, driven by mpc.Run over a relay.
//
//	operation  label                        rounds (S = Signed, E = Encrypted)
//	keygen     tandem/ecdsa2p/keygen/v1     K1 S · K2 E · K3 E · K4 E
//	presign    tandem/ecdsa2p/presign/v1    S1 S · S2 E · S3 E
//	finish     tandem/ecdsa2p/finish/v1     (KEX) · request E P1→P2 · S4 E
//	refresh    tandem/ecdsa2p/refresh/v1    RF1 S · RF2 E · RF3 E · RF4 E
//
// Each operation has a constructor that returns the Protocol (NewKeygen, NewPresign,
// NewFinishP1, NewFinishP2, NewRefresh) with a Result accessor, and a Run function that
// sets the label and calls mpc.Run (RunKeygen, RunPresign, RunFinish, RunRefresh). P1 is
// party index 0; id_0 and id_1 are the verifying-key encodings of P1's and P2's
// mpc.Config keys (PROTOCOL.md §1.2). Presign and finish are separate sessions with their
// own instance ids; the SDK's one-call sign runs them back to back (mpc.SubInstance).
// The finish protocol's round 1 (the SIGN_REQUEST of §12.9) is pluggable: P1 passes the
// bytes, P2 an AcceptFunc (checks 1–2 of §12.9) and optionally an ApproveFunc
// (Finish.WithApproval, check 4), which runs after the pre-signature was found unused
// (check 3) and before it is consumed; DigestRequest and AcceptDigest implement the
// raw-digest form, MessageRequest and AcceptMessage the full one (MessageToSign).
// P1's pre-signature is consumed even if P2 declines.
//
// # Persistence contract
//
// The lock of a keyshare (PROTOCOL.md §10.3), the CONSUMED mark of a pre-signature (§8.8)
// and the generations of a refresh (§9.1) must be durable before any message that depends
// on them leaves the device. Callers cannot forget it: every operation takes a Store and
// the key of the keyshare in it, and calls Store.Save itself before it returns the payload,
// error or result that depends on the state:
//
//   - keygen refuses a key that already holds a record (ErrKeyExists) before K1 leaves,
//     saves the keyshare PENDING before its own K4 leaves, and ACTIVE once the peer's K4
//     checks out (a keygen whose peer K4 never came returns ErrIncomplete with the PENDING
//     record; one whose peer K4 fails its check deletes the record);
//   - presign saves a lock before the error that reports it is returned (so before the
//     driver's ABORT leaves), and the pre-signature (under PresignatureKey) before Result;
//   - finish loads the pre-signature by sign_sid, marks it CONSUMED and saves the
//     tombstone before S4 is handed to the driver; a second finish of the same sign_sid
//     fails with ErrPresignatureConsumed; a lock is saved before its error returns; a
//     PENDING generation that signed is promoted and saved before Result;
//   - refresh saves {old, new PENDING} before RF4 leaves, {new} after the peer's RF4, and
//     {old} after a failed RF4. A refresh whose RF4 never came (ErrIncomplete) leaves both;
//     presign and refresh use the ACTIVE generation unless WithShareID names the PENDING one
//     (Keyshare.PendingShareID), as the coordinator decides (PROTOCOL.md §9.1).
//
// A Store must make each Save durable and atomic. MemoryStore and FileStore (0600 files,
// written to a temporary file, synced and renamed) are provided. The stored bytes are
// secret: keep them in encrypted, authenticated storage. A keyshare restored from a backup
// must be marked LOCKED (reason Restored) before first use unless the lock record lives
// outside the backup (§10.3 item 5); that is the SDK's job.
//
// # Errors
//
// Unauthenticated input never reaches the engine (the driver drops it). Authenticated input
// of PROTOCOL.md §10.1 class (a) (a wrong version, type or binding, a byte-identical
// duplicate) is ignored: Next returns an error wrapping mpc.ErrIgnoreInput and the driver
// keeps waiting. An authenticated message that fails a check ends the session with an
// *Error (PROTOCOL.md §10.5: Op, Round, Code, Culprit, Locked), which implements
// mpc.AbortClassifier, so the driver blames the peer and copies Code into the ABORT's
// detail byte (mpc.PeerAbortedError.Detail on the other side). After an *Error with a
// culprit the keyshare must not be used with that peer again without a refresh; a failed
// OT-extension, RVOLE, Γ or final-signature check locks it (Keyshare.Locked, Status
// LOCKED), and presign and finish refuse it (ErrKeyshareLocked) until RunRefresh.
//
// # Security model
//
// The peer may be malicious; the driver authenticates and encrypts every payload
// (WIRE.md §10) and binds label, instance, sender, receiver and round. Secrets live only in
// opaque types (Keyshare, Presignature) that never print; MarshalBinary and the Store hold
// secret bytes. The randomness is crypto/rand (the engine's rng.System); no exported API
// takes a randomness source.
//
// # Concurrency
//
// The protocols spread independent OT work (base-OT batches, PPRF and OT-extension parts)
// over two goroutines; outputs do not depend on it. A Keyshare may be used by concurrent
// sessions: the engine serialises the lock check and the OT-extension check per generation.
package ecdsa2p
