// Package sharefile is the on-disk key share of the tandem CLI: one file holding an
// ecdsa2p.Keyshare, encrypted at rest, with a lock record beside it and an OS file lock
// that keeps a second tandem process off the same share. File.Store is the ecdsa2p.Store the
// protocols save through.
//
// Open takes the share's lock and returns a File; Load returns the reconciled keyshare
// (File.Restored says whether it had to be locked as a restored copy, for the CLI's warning);
// Store is what RunKeygen, RunPresign, NewFinishP1/P2 and RunRefresh save through; Close
// releases the lock. Open does not need the share to exist (keygen creates it).
//
// # Files
//
// For a share at PATH:
//
//	PATH        the keyshare (ecdsa2p.Keyshare.MarshalBinary), SECRET. Encrypted: a binary
//	            age file ("age-encryption.org/v1", scrypt recipient) under the passphrase.
//	            Plaintext, only with Options.InsecurePlaintext: the line
//	            "tandem-keyshare-plaintext v1" then the bytes.
//	PATH.state  the sidecar lock record, public JSON: version, key_id, party index, each
//	            generation's share_id, status (active, pending, locked) and lock reason
//	            (the PROTOCOL.md §10.4 code), the sign_sids of consumed pre-signatures
//	            (the last 1024), updated_at.
//	PATH.lock   empty; flock(LOCK_EX|LOCK_NB) on it is held from Open to Close. A second
//	            Open, in this process or another, fails at once with ErrInUse. The file
//	            is never removed (unlinking a lock file races with its next user).
//	            Platforms without flock refuse Open (ErrNotSupported).
//
// All are written 0600 by internal/atomicfile (temporary file, fsync, rename, directory
// fsync), so a crash leaves each file old or new, never torn.
//
// Reading detects the form: a plaintext file without InsecurePlaintext is
// ErrPlaintextRefused, an age file without a passphrase ErrNoPassphrase, a passphrase that
// does not open it ErrPassphrase, anything else ErrCorrupt. Writing without a passphrase
// needs InsecurePlaintext (else ErrNoPassphrase); with one, it always encrypts.
//
// ReadPassphrase takes the passphrase from --passphrase-file (first line, which must not be
// empty; a file readable by group or others is accepted with a warning for the CLI to print,
// since secret mounts are often 0644) or else from TANDEM_PASSPHRASE. Passphrase never
// prints.
//
// # Store semantics
//
// A Store key containing ".presig/" (ecdsa2p.PresignatureKey) is a pre-signature; every
// other key is the file's keyshare.
//
//   - Pre-signatures live in process memory only. The CLI presigns and finishes in one
//     process; a pre-signature that dies with the process can never be finished, which is
//     safe. When the saved bytes are a CONSUMED tombstone, its sign_sid goes into the
//     sidecar durably before Save returns. Load of a pre-signature the sidecar lists as
//     consumed, or that this process does not hold, returns ecdsa2p.ErrNotFound, which the
//     finish protocol reports as PresignatureConsumed. Saving a fresh pre-signature under a
//     consumed sign_sid is ErrConsumed. Only the last 1024 consumed sign_sids are kept on
//     disk; an older one can only come back from memory, where its tombstone stays.
//   - Saving the keyshare writes the sidecar, then the share file. A keyshare of another
//     key or party than the sidecar's is ErrKeyMismatch, except when the share file is gone
//     (a new keygen replaces an orphaned record). A keyshare that would clear a lock the
//     sidecar records is ErrLockRegression.
//   - Loading the keyshare reads and reconciles the share file (below).
//   - Deleting the keyshare removes the share file, then the sidecar (an orphaned sidecar
//     left by a crash is replaced by the next keygen).
//
// Write order. The sidecar is written first: a crash between the two writes leaves the
// sidecar ahead of the share file. If the save added a lock, reconciliation re-applies it
// (as Restored); if it changed the generations (refresh, keygen), the file is treated as a
// restored copy and LOCKED until a refresh. The opposite order could leave a new lock only
// in the share file, where restoring a backup of that file would undo it before the sidecar
// ever learned it. A failed share write after the sidecar write is not rolled back, for the
// same reason.
//
// # Restored copies
//
// PROTOCOL.md §10.3 item 5: a copy of a generation that can still sign after a lock lets the
// peer resume probing Δ. The sidecar is the lock record kept outside the share file, and
// Load makes the share LOCKED with reason Restored (Keyshare.MarkRestored), persists both
// files, and reports it through File.Restored when:
//
//	(a) the share file has no sidecar (a file restored or copied on its own);
//	(c) the sidecar records a generation of the file as LOCKED and the file does not;
//	(d) the sidecar lists a generation the file does not hold, or the file holds one the
//	    sidecar does not know (a copy from before a refresh, or from another device).
//
// (b) A sidecar of another key_id or party is ErrKeyMismatch. A lock recorded in the sidecar
// keeps its original reason. Consumed sign_sids stay consumed. Per-generation status comes
// from ecdsa2p.Keyshare.Generations, so a lock on either generation of a refresh handover is
// seen.
//
// Backups: this works only while the sidecar is not restored together with an old share
// file. Back up <share> alone, never <share>.state, and never copy <share>.state to another
// device: restoring both files rolls a lock back undetected.
//
// # Security model
//
// The share file is confidential and authenticated by age (scrypt, ChaCha20-Poly1305): a
// wrong passphrase or a modified file fails to decrypt. The scrypt work factor is age's
// default, 2^18: about one second and 256 MiB per encryption or decryption, paid on every
// keyshare Load and Save (a sign saves the keyshare only to promote a PENDING generation; a
// lock or a refresh saves it). The sidecar is neither secret nor authenticated: someone who
// can write it can delete it, which only locks the share (case a), or edit it, which can at
// worst drop a lock the share file itself also carries (every lock goes to both files). An
// attacker who can rewrite both files can undo a lock; the defence is against restoring
// stale copies and against two processes on one share, not against the local user. The
// flock is advisory: it stops tandem processes, not other programs; it does not span
// machines (a share copied to another machine is case d only once it comes back).
// On file systems that emulate flock with per-process locks (some NFS setups), two Opens in
// one process are not kept apart; separate processes still are. Plaintext files exist for
// tests and throwaway keys only. age takes the passphrase as a Go string, so that copy
// cannot be wiped; the Passphrase's own bytes are cleared by File.Close.
//
// Errors never contain secret bytes; file contents are never included in messages.
package sharefile
