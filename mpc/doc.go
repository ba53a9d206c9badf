// Package mpc is tandem's transport layer between the two parties of an MPC session (WIRE.md
// §10, §12): message ids, the envelopes that authenticate and encrypt each message, the
// per-session key exchange, the ABORT message and, built on them, the round-based session
// driver.
//
// This part of the package holds the envelope layer:
//
//   - [Tag], [AbortTag] and [MessageID]: a message id is
//     TH("tandem/v1/msg-id", lp(L) ‖ lp(I) ‖ u64be(tag) ‖ lp(enc(sender)) ‖ lp(receiver)), which
//     binds the protocol label L ([Label]), the instance id I ([InstanceID]), the round and
//     sequence number, and both parties' typed key encodings (signer.VerifyingKey.Encoding).
//     The receiver is empty for a broadcast slot. The tagged prefix is one SHA-256 block and its
//     midstate is precomputed, which saves one of the four or so SHA-256 compressions of an id;
//     computing one allocates nothing.
//   - [SubInstance] derives the instance ids of several sessions driven by one agreed id.
//   - Envelopes, each behind the same 48-byte header (the relay's 36 bytes, then version, kind,
//     ext, reserved and the tag): SIGNED (a signature by the sender's message key over a
//     prefixed copy of everything before it, optionally carrying the sender's ephemeral X25519
//     key in EXT_KEX), ENCRYPTED (ChaCha20-Poly1305 with the whole header as AAD and the tag as
//     nonce) and ABORT (SIGNED layout, broadcast, with an [AbortCode], the sender's [Culprit]
//     claim, a detail byte, its round and a short reason).
//   - The key schedule: each party sends a fresh X25519 key in its KEX carrier; both derive
//     k_AB and k_BA with HKDF-SHA-256 from the shared secret and a salt binding L, I, both
//     identities and both ephemeral keys, ordered so that A is the party with the smaller
//     enc(vk).
//
// On top of the envelopes sits the session driver, [Run] (WIRE.md §12): it validates a
// [Protocol]'s [Plan], computes every expected id, asks for all of them before publishing
// anything, seals and publishes each round's payloads once, verifies (or buffers, until the
// peer's key exchange is known) whatever arrives in any order, hands each round exactly its
// inputs in plan order, re-sends on stalls, and ends in nil or one of the typed errors
// [*AbortError], [*PeerAbortedError], [*TimeoutError] (matching [ErrTimeout] and
// context.DeadlineExceeded), [*TransportError], or a cancellation. An engine error that wraps
// [ErrIgnoreInput] discards that input and waits for another (Appendix Y.3); one that
// implements [AbortClassifier] or [PeerFaulter] is published to the peer as the matching ABORT.
// Package mpc/mpctest holds a toy protocol and a fault-injecting transport for tests.
//
// Sealing and opening are unexported: the driver in this package is their only user. Every
// frame is checked against what the receiver expects under its id (an expectation: id, tag,
// kind, sender, whether it is the sender's KEX carrier).
//
// # Security model
//
// The relay is untrusted. Anyone who knows an id can read the frame published under it and
// publish candidates of their own. The envelopes therefore give, for each expected id:
//
//   - Authenticity and binding. A SIGNED or ABORT frame verifies under the peer's message key
//     over a signing input that starts with a fixed domain prefix and covers the whole header
//     (id, TTL, relay flags, version, kind, ext, tag), the EXT_KEX key and the payload. An
//     ENCRYPTED frame authenticates the same header as AAD under a key only the two parties
//     hold. A frame therefore cannot be moved to another id, session, label, direction, round or
//     kind, and its TTL and flags cannot be altered.
//   - Confidentiality of ENCRYPTED payloads against everyone but the peer, with forward secrecy
//     from the ephemeral X25519 keys. SIGNED payloads are public to anyone who knows L, I and the
//     two verifying keys; the instance id is confidential for that reason and never prints.
//   - Separate keys per direction (k_AB, k_BA), so the two parties never use one key and nonce
//     pair; within a direction the nonce is the (round, seq) tag and each slot is sealed once.
//   - No blame for junk. Structural checks (version, kind, ext bits, reserved byte, tag,
//     expected kind, minimum length) run before any signature or AEAD work and only drop the
//     frame. A failed signature or AEAD open also only drops it. Only an authenticated frame
//     can blame the peer: a SIGNED envelope whose EXT_KEX is present where it must not be, or
//     missing on the peer's KEX carrier, and a peer ephemeral key that gives an all-zero X25519
//     result. The three error classes (malformed, unauthenticated, peer violation) let the
//     driver keep waiting on the first two and abort naming the peer on the third.
//   - Cheap rejection. Opening a frame never modifies it. Dropping a malformed frame allocates
//     nothing; opening an ENCRYPTED frame allocates only the plaintext, or nothing with a
//     caller buffer.
//
// The ABORT culprit byte is the sender's unproven claim and never grounds for blame. Its reason
// text is untrusted: show it only through [SanitizeReason].
//
// Not covered: replay of SIGNED frames into a later session that wrongly reuses the same
// instance id, label and parties (engines derive their own session ids from fresh
// contributions); traffic analysis (sizes, timing, which ids are asked for); and denial of
// service by a relay that drops frames.
//
// # Secrets
//
// The ephemeral X25519 key and the derived keys live in opaque types whose String, GoString,
// Format (every verb) and LogValue redact them; the key bytes sit behind a pointer, so even
// fmt's error paths print only an address. The ephemeral secret is dropped as soon as the keys
// are derived (on every path), and the keys are cleared when the session ends. Wiping is best
// effort: crypto/ecdh and the ChaCha20-Poly1305 instances keep their own copies, which this
// package can only release to the garbage collector. A type that holds these values in
// unexported fields (the driver's session state) must redact itself too, because fmt prints
// unexported fields by reflection. [InstanceID] redacts under every verb except %p, which fmt
// handles before any method and which go vet reports on a non-pointer.
//
// # Constant time
//
// The AEAD, X25519 and HKDF come from the standard library and golang.org/x/crypto. The only
// comparison of secret bytes here (the all-zero X25519 check) uses crypto/subtle. Message ids,
// tags, headers and verifying keys are public and are compared in variable time.
//
// # Randomness
//
// The ephemeral X25519 key and [RandomInstanceID] read crypto/rand. P-256 signatures are
// randomised, so a sender seals each message once and re-publishes the identical bytes.
// Known-answer tests drive the ephemeral key through an unexported constructor that takes the
// secret bytes (WIRE.md Appendix A).
package mpc
