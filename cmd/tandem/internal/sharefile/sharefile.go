package sharefile

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sync"
	"time"

	"github.com/tandem-mpc/tandem/ecdsa2p"
	"github.com/tandem-mpc/tandem/internal/atomicfile"
)

// Suffixes of the files that live next to a share file.
const (
	StateSuffix = ".state" // the sidecar lock record (public, JSON)
	LockSuffix  = ".lock"  // the flock target (empty)
)

// Options say how a share file is protected.
type Options struct {
	// Passphrase encrypts the share file with age (scrypt). With a passphrase, Save always
	// writes the encrypted form.
	Passphrase Passphrase
	// InsecurePlaintext allows a share file without encryption: written when Passphrase is
	// empty, and accepted when read. Without it a plaintext file is refused
	// (ErrPlaintextRefused) and an empty Passphrase cannot write (ErrNoPassphrase).
	InsecurePlaintext bool
}

// File is one key share on disk with its sidecar lock record, held exclusively (an OS file
// lock on "<path>.lock") from Open until Close. It is safe for concurrent use.
type File struct {
	path string
	opts Options
	lock *os.File

	mu            sync.Mutex
	closed        bool
	presigs       map[string][]byte // Store key → pre-signature bytes (memory only)
	restored      bool
	restoreReason string

	// The last share file bytes this File read or wrote and their plaintext: a Load of an
	// unchanged file skips age's scrypt (about a second). SECRET; wiped by Close.
	cacheEnc, cachePlain []byte
}

// Open takes the exclusive lock of the share file at path (ErrInUse if another File holds
// it, in this process or another) and returns the File. The share need not exist yet
// (keygen creates it); its directory must. Close releases the lock.
func Open(path string, opts Options) (*File, error) {
	if path == "" {
		return nil, errors.New("sharefile: empty path")
	}
	l, err := lockFile(path + LockSuffix)
	if err != nil {
		return nil, err
	}
	opts.Passphrase = NewPassphrase(opts.Passphrase.b)
	return &File{path: path, opts: opts, lock: l, presigs: make(map[string][]byte)}, nil
}

// Close forgets the in-memory pre-signatures and releases the lock. Further calls return
// ErrClosed.
func (f *File) Close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return ErrClosed
	}
	f.closed = true
	for k, b := range f.presigs {
		clear(b)
		delete(f.presigs, k)
	}
	clear(f.opts.Passphrase.b)
	f.dropCache()
	return unlockFile(f.lock)
}

// Path returns the share file's path.
func (f *File) Path() string { return f.path }

// Exists reports whether the share file exists.
func (f *File) Exists() bool {
	_, err := os.Lstat(f.path)
	return err == nil
}

// Restored reports whether the last Load found the share file out of step with its lock
// record (a copy restored from a backup, or from another device: PROTOCOL.md §10.3 item 5),
// marked it LOCKED with reason Restored and persisted that, and why. The CLI should warn:
// the share signs again only after a refresh.
func (f *File) Restored() (restored bool, reason string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.restored, f.restoreReason
}

// Load reads, decrypts and parses the share file and reconciles it with the sidecar (see the
// package documentation); a missing share file is an error matching ecdsa2p.ErrNotFound.
func (f *File) Load(ctx context.Context) (*ecdsa2p.Keyshare, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return nil, ErrClosed
	}
	ks, plain, err := f.loadLocked()
	clear(plain)
	return ks, err
}

// loadLocked is Load under f.mu; it also returns the (reconciled) keyshare bytes.
func (f *File) loadLocked() (*ecdsa2p.Keyshare, []byte, error) {
	raw, err := readBounded(f.path, maxShareFile)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, fmt.Errorf("%w: share file %s", ecdsa2p.ErrNotFound, f.path)
	}
	if err != nil {
		return nil, nil, err
	}
	plain, err := f.decode(raw)
	if err != nil {
		return nil, nil, err
	}
	ks, err := ecdsa2p.ParseKeyshare(plain)
	if err != nil {
		clear(plain)
		return nil, nil, fmt.Errorf("%w: share file: %w", ErrCorrupt, err)
	}
	st := stateOf(ks)
	sc, err := f.readSidecar()
	if err != nil {
		clear(plain)
		return nil, nil, err
	}
	reason, err := reconcile(st, sc)
	if err != nil {
		clear(plain)
		return nil, nil, err
	}
	if reason == "" {
		if !sameGenerations(st.Generations, sc.Generations) {
			// Only statuses that do not lock differ (PENDING promoted, say).
			if err := f.writeSidecar(newSidecar(st, sc)); err != nil {
				clear(plain)
				return nil, nil, err
			}
		}
		return ks, plain, nil
	}
	ks.MarkRestored()
	clear(plain)
	if plain, err = ks.MarshalBinary(); err != nil {
		return nil, nil, fmt.Errorf("sharefile: internal error: %w", err)
	}
	if err := f.saveKeyshareLocked(plain, ks, true); err != nil {
		clear(plain)
		return nil, nil, err
	}
	f.restored, f.restoreReason = true, reason
	return ks, plain, nil
}

// reconcile compares the share file's state st with the sidecar sc (nil if absent) and
// returns why the file must be treated as a restored copy, or "". A different key is
// ErrKeyMismatch.
func reconcile(st shareState, sc *sidecar) (string, error) {
	if sc == nil {
		return "the share file has no lock record (restored from a copy?)", nil
	}
	if sc.KeyID != st.KeyID || sc.Party != st.Party {
		return "", fmt.Errorf("%w: %s holds key %x party %d, the share file key %x party %d",
			ErrKeyMismatch, StateSuffix, sc.KeyID[:4], sc.Party, st.KeyID[:4], st.Party)
	}
	for _, g := range sc.Generations {
		fg, ok := findGeneration(st.Generations, g.ShareID)
		if !ok {
			return "the lock record lists a generation the share file does not hold (a copy from before a refresh?)", nil
		}
		if g.locked() && !fg.locked() {
			return "the lock record says the share is LOCKED but the share file does not (an old copy?)", nil
		}
	}
	for _, g := range st.Generations {
		if _, ok := sc.find(g.ShareID); !ok {
			return "the share file holds a generation the lock record does not know (a copy from elsewhere?)", nil
		}
	}
	return "", nil
}

func findGeneration(gens []generation, id [32]byte) (generation, bool) {
	for _, g := range gens {
		if g.ShareID == id {
			return g, true
		}
	}
	return generation{}, false
}

func sameGenerations(a, b []generation) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// newSidecar returns the sidecar for st, keeping old's consumed list and, for a generation
// old records as LOCKED, old's lock (the first reason wins; a lock is never dropped).
func newSidecar(st shareState, old *sidecar) *sidecar {
	sc := &sidecar{KeyID: st.KeyID, Party: st.Party, UpdatedAt: time.Now()}
	for _, g := range st.Generations {
		if old != nil {
			if og, ok := old.find(g.ShareID); ok && og.locked() {
				g = og
			}
		}
		sc.Generations = append(sc.Generations, g)
	}
	if old != nil && old.KeyID == st.KeyID {
		sc.Consumed = append(sc.Consumed, old.Consumed...)
	}
	return sc
}

// saveKeyshareLocked writes the keyshare bytes plain (parsed as ks) and the sidecar under
// f.mu. The sidecar is written first: a crash between the two writes leaves a sidecar ahead
// of the share file, which Load turns into a lock (a new lock is then never lost; a new
// generation makes the share Restored-locked until a refresh, which is safe). The share
// file is encoded before anything is written, so a missing passphrase changes nothing.
// restoring skips the key and lock-regression checks (Load's reconciliation did them).
func (f *File) saveKeyshareLocked(plain []byte, ks *ecdsa2p.Keyshare, restoring bool) error {
	st := stateOf(ks)
	sc, err := f.readSidecar()
	if err != nil && !restoring {
		return err
	}
	if sc != nil && (sc.KeyID != st.KeyID || sc.Party != st.Party) {
		if restoring || f.Exists() {
			return fmt.Errorf("%w: saving key %x party %d over the record of key %x party %d",
				ErrKeyMismatch, st.KeyID[:4], st.Party, sc.KeyID[:4], sc.Party)
		}
		sc = nil // the record of a share that is gone: a new keygen replaces it
	}
	if sc != nil && !restoring {
		for _, g := range sc.Generations {
			if g.locked() {
				if ng, ok := findGeneration(st.Generations, g.ShareID); ok && !ng.locked() {
					return ErrLockRegression
				}
			}
		}
	}
	enc, err := encodeShare(plain, &f.opts)
	if err != nil {
		return err
	}
	if err := f.writeSidecar(newSidecar(st, sc)); err != nil {
		return err
	}
	f.dropCache()
	if err := atomicfile.WriteFile(f.path, enc, 0o600); err != nil {
		return fmt.Errorf("sharefile: write share file: %w", err)
	}
	f.cacheEnc, f.cachePlain = enc, bytes.Clone(plain)
	return nil
}

// decode is decodeShare with the cache: the same file bytes as last read or written give
// the same plaintext without decrypting again. The result is the caller's to wipe.
func (f *File) decode(raw []byte) ([]byte, error) {
	if f.cacheEnc != nil && bytes.Equal(raw, f.cacheEnc) {
		return bytes.Clone(f.cachePlain), nil
	}
	plain, err := decodeShare(raw, &f.opts)
	if err != nil {
		return nil, err
	}
	f.dropCache()
	f.cacheEnc, f.cachePlain = raw, bytes.Clone(plain)
	return plain, nil
}

// dropCache wipes the cached plaintext.
func (f *File) dropCache() {
	clear(f.cachePlain)
	f.cacheEnc, f.cachePlain = nil, nil
}

// readSidecar returns the parsed sidecar, or nil if there is none.
func (f *File) readSidecar() (*sidecar, error) {
	b, err := readBounded(f.path+StateSuffix, maxSidecar)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return parseSidecar(b)
}

func (f *File) writeSidecar(sc *sidecar) error {
	b, err := sc.marshal()
	if err != nil {
		return err
	}
	if err := atomicfile.WriteFile(f.path+StateSuffix, b, 0o600); err != nil {
		return fmt.Errorf("sharefile: write lock record: %w", err)
	}
	return nil
}

// readBounded reads at most max bytes of path; a longer file is ErrCorrupt.
func readBounded(path string, max int64) ([]byte, error) {
	fh, err := os.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		return nil, fmt.Errorf("sharefile: %w", err)
	}
	defer fh.Close()
	b, err := io.ReadAll(io.LimitReader(fh, max+1))
	if err != nil {
		return nil, fmt.Errorf("sharefile: read %s: %w", path, err)
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("%w: %s is too large", ErrCorrupt, path)
	}
	return b, nil
}
