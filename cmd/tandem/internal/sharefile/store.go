package sharefile

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/tandem-mpc/tandem/ecdsa2p"
)

// presigMarker is what ecdsa2p.PresignatureKey puts between the keyshare key and the hex
// sign_sid.
const presigMarker = ".presig/"

// Store returns the ecdsa2p.Store view of f, for the protocols of ecdsa2p. A key holding
// ".presig/" (ecdsa2p.PresignatureKey) is a pre-signature; every other key is the keyshare
// of this file, whatever its name. See the package documentation for what each operation
// writes.
func (f *File) Store() ecdsa2p.Store { return store{f} }

type store struct{ f *File }

var _ ecdsa2p.Store = store{}

// String never prints stored bytes.
func (s store) String() string { return "sharefile.Store(" + s.f.path + ")" }

// presigSID returns the sign_sid named by a pre-signature key, or ok = false for a keyshare
// key. A key with the marker but no valid sign_sid is an error.
func presigSID(key string) (sid [32]byte, ok bool, err error) {
	i := strings.LastIndex(key, presigMarker)
	if i < 0 {
		return sid, false, nil
	}
	h := key[i+len(presigMarker):]
	if len(h) != 64 {
		return sid, true, fmt.Errorf("sharefile: bad pre-signature key %q", key)
	}
	if _, err := hex.Decode(sid[:], []byte(h)); err != nil {
		return sid, true, fmt.Errorf("sharefile: bad pre-signature key %q", key)
	}
	return sid, true, nil
}

// Save stores b under key. A keyshare is written to the share file and the sidecar
// (sidecar first). A pre-signature stays in memory; a CONSUMED tombstone's sign_sid is
// first recorded durably in the sidecar.
func (s store) Save(ctx context.Context, key string, b []byte) error {
	f := s.f
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return ErrClosed
	}
	sid, isPresig, err := presigSID(key)
	if err != nil {
		return err
	}
	if isPresig {
		return f.savePresigLocked(key, sid, b)
	}
	ks, err := ecdsa2p.ParseKeyshare(b)
	if err != nil {
		return fmt.Errorf("%w: saved keyshare: %w", ErrCorrupt, err)
	}
	return f.saveKeyshareLocked(b, ks, false)
}

func (f *File) savePresigLocked(key string, sid [32]byte, b []byte) error {
	p, err := ecdsa2p.ParsePresignature(b)
	if err != nil {
		return fmt.Errorf("%w: saved pre-signature: %w", ErrCorrupt, err)
	}
	if p.SignSID() != sid {
		return fmt.Errorf("sharefile: pre-signature saved under another sign_sid's key")
	}
	sc, err := f.readSidecar()
	if err != nil {
		return err
	}
	if p.Consumed() {
		if sc == nil {
			return ErrNoRecord
		}
		if !sc.consumed(sid) {
			sc.addConsumed(sid)
			if err := f.writeSidecar(sc); err != nil {
				return err
			}
		}
	} else if sc != nil && sc.consumed(sid) {
		return ErrConsumed
	}
	if old, ok := f.presigs[key]; ok {
		clear(old)
	}
	f.presigs[key] = bytes.Clone(b)
	return nil
}

// Load returns the bytes under key: the reconciled keyshare, or a pre-signature held in
// memory. A pre-signature the sidecar lists as consumed, or one this process does not hold,
// is ecdsa2p.ErrNotFound (the finish protocol reports PresignatureConsumed).
func (s store) Load(ctx context.Context, key string) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	f := s.f
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return nil, ErrClosed
	}
	sid, isPresig, err := presigSID(key)
	if err != nil {
		return nil, err
	}
	if !isPresig {
		_, plain, err := f.loadLocked()
		return plain, err
	}
	b, ok := f.presigs[key]
	if !ok {
		return nil, fmt.Errorf("%w: pre-signature %x", ecdsa2p.ErrNotFound, sid[:4])
	}
	sc, err := f.readSidecar()
	if err != nil {
		return nil, err
	}
	if sc != nil && sc.consumed(sid) {
		if p, err := ecdsa2p.ParsePresignature(b); err != nil || !p.Consumed() {
			return nil, fmt.Errorf("%w: pre-signature %x is consumed", ecdsa2p.ErrNotFound, sid[:4])
		}
	}
	return bytes.Clone(b), nil
}

// Delete removes key. For the keyshare, it removes the share file, then the sidecar, and
// forgets the in-memory pre-signatures (keygen deletes its record when the peer's final check
// fails). Deleting a pre-signature forgets its bytes; a consumed sign_sid stays in the
// sidecar. Missing files are not an error.
func (s store) Delete(ctx context.Context, key string) error {
	f := s.f
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return ErrClosed
	}
	_, isPresig, err := presigSID(key)
	if err != nil {
		return err
	}
	if isPresig {
		if b, ok := f.presigs[key]; ok {
			clear(b)
			delete(f.presigs, key)
		}
		return nil
	}
	for _, p := range []string{f.path, f.path + StateSuffix} {
		if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("sharefile: delete: %w", err)
		}
	}
	for k, b := range f.presigs {
		clear(b)
		delete(f.presigs, k)
	}
	f.restored, f.restoreReason = false, ""
	f.dropCache()
	return nil
}
