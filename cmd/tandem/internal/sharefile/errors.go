package sharefile

import "errors"

// Sentinels for errors.Is. Every error this package returns for file or caller input wraps
// one of them (or ecdsa2p.ErrNotFound for a share that does not exist).
var (
	// ErrNoPassphrase: the share file is age-encrypted (or would be written) but no
	// passphrase was given, and InsecurePlaintext does not allow writing it in the clear.
	ErrNoPassphrase = errors.New("sharefile: no passphrase (use --passphrase-file or TANDEM_PASSPHRASE)")
	// ErrPassphrase: the passphrase does not decrypt the share file (wrong passphrase, or a
	// file encrypted to something other than a passphrase).
	ErrPassphrase = errors.New("sharefile: wrong passphrase")
	// ErrPlaintextRefused: the share file is in the plaintext format, or would be written in
	// it, and Options.InsecurePlaintext is not set.
	ErrPlaintextRefused = errors.New("sharefile: refusing an unencrypted key share without InsecurePlaintext")
	// ErrInUse: another File (in this or another process) holds the share's lock file.
	ErrInUse = errors.New("sharefile: key share is in use by another process")
	// ErrKeyMismatch: the share file, the lock record (sidecar) or a saved keyshare name
	// different keys (key_id or party index).
	ErrKeyMismatch = errors.New("sharefile: key share and lock record belong to different keys")
	// ErrCorrupt: the share file or the sidecar is truncated, malformed or not a keyshare.
	ErrCorrupt = errors.New("sharefile: corrupt file")
	// ErrLockRegression: a Save would clear a lock the sidecar records (a stale in-memory
	// keyshare); refused so that no copy can undo a lock (PROTOCOL.md §10.3 item 5).
	ErrLockRegression = errors.New("sharefile: refusing to save a keyshare that undoes a recorded lock")
	// ErrConsumed: a Save of a fresh pre-signature whose sign_sid the sidecar lists as
	// consumed.
	ErrConsumed = errors.New("sharefile: pre-signature already consumed")
	// ErrNoRecord: a pre-signature was saved before any keyshare was loaded or saved
	// through this File, so there is no lock record to hold its CONSUMED mark.
	ErrNoRecord = errors.New("sharefile: no keyshare loaded for this pre-signature")
	// ErrClosed: the File was closed.
	ErrClosed = errors.New("sharefile: file closed")
	// ErrNotSupported: file locking is not available on this platform.
	ErrNotSupported = errors.New("sharefile: file locking not supported on this platform")
)
