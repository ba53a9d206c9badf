package ecdsa2p

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/tandem-mpc/tandem/internal/atomicfile"
)

// Store is durable storage for the state this package must persist before it lets a message
// leave: keyshares (with their LOCKED bit and their refresh generations) and pre-signatures
// (with their CONSUMED mark). The protocols of this package call Save themselves at the
// points PROTOCOL.md §8.8, §9.1 and §10.3 require, and return no payload, result or error
// that depends on the state before Save has returned nil. A failing Save aborts the session
// with Internal (no culprit) and withholds the payload.
//
// Save must be durable and atomic per key (all or nothing); the stored bytes are secret and
// belong in encrypted, authenticated storage. Load returns ErrNotFound for a missing key.
// Implementations must be safe for concurrent use.
type Store interface {
	Save(ctx context.Context, key string, b []byte) error
	Load(ctx context.Context, key string) ([]byte, error)
	Delete(ctx context.Context, key string) error
}

// MemoryStore is a Store in memory, for tests and for callers that persist elsewhere.
// The zero value is ready to use.
type MemoryStore struct {
	mu sync.Mutex
	m  map[string][]byte
}

// Save stores a copy of b under key.
func (s *MemoryStore) Save(ctx context.Context, key string, b []byte) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil {
		s.m = make(map[string][]byte)
	}
	s.m[key] = append([]byte(nil), b...)
	return nil
}

// Load returns a copy of the bytes under key, or ErrNotFound.
func (s *MemoryStore) Load(ctx context.Context, key string) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.m[key]
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrNotFound, key)
	}
	return append([]byte(nil), b...), nil
}

// Delete removes key; deleting a missing key is not an error.
func (s *MemoryStore) Delete(ctx context.Context, key string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, key)
	return nil
}

// String never prints the stored bytes.
func (s *MemoryStore) String() string { return "ecdsa2p.MemoryStore{REDACTED}" }

// GoString is String.
func (s *MemoryStore) GoString() string { return s.String() }

// FileStore is a Store of one file per key in the directory Dir (which must exist): files
// are written with mode 0600 to a temporary file, synced, and renamed over the old one, so a
// crash leaves the old or the new bytes. Keys may contain '/', which becomes a
// subdirectory (created 0700); absolute keys and parts that are empty or start with "."
// (including ".." and the temporary files) are refused.
type FileStore struct{ Dir string }

var errBadKey = errors.New("ecdsa2p: invalid store key")

func (s FileStore) path(key string) (string, error) {
	if key == "" || strings.HasPrefix(key, "/") || strings.Contains(key, "\\") {
		return "", fmt.Errorf("%w: %q", errBadKey, key)
	}
	for _, part := range strings.Split(key, "/") {
		if part == "" || strings.HasPrefix(part, ".") { // "." and ".." too; dot-files are the temporary files of atomicfile
			return "", fmt.Errorf("%w: %q", errBadKey, key)
		}
	}
	return filepath.Join(s.Dir, filepath.FromSlash(key)), nil
}

// Save writes b to the key's file atomically (temporary file, fsync, rename, fsync of the
// directory).
func (s FileStore) Save(ctx context.Context, key string, b []byte) (err error) {
	if err := ctx.Err(); err != nil {
		return err
	}
	p, err := s.path(key)
	if err != nil {
		return err
	}
	dir := filepath.Dir(p)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("ecdsa2p: store: %w", err)
	}
	if err := atomicfile.WriteFile(p, b, 0o600); err != nil {
		return fmt.Errorf("ecdsa2p: store: %w", err)
	}
	return nil
}

// Load reads the key's file, or returns ErrNotFound.
func (s FileStore) Load(ctx context.Context, key string) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	p, err := s.path(key)
	if err != nil {
		return nil, err
	}
	b, err := os.ReadFile(p)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%w: %q", ErrNotFound, key)
	}
	if err != nil {
		return nil, fmt.Errorf("ecdsa2p: store: %w", err)
	}
	return b, nil
}

// Delete removes the key's file; a missing file is not an error.
func (s FileStore) Delete(ctx context.Context, key string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	p, err := s.path(key)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("ecdsa2p: store: %w", err)
	}
	return nil
}
