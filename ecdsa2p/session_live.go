package ecdsa2p

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"runtime"
	"sync"
	"weak"

	"github.com/tandem-mpc/tandem/ecdsa2p/internal/keyshare"
)

// The live keyshares of the process (PROTOCOL.md §10.3 item 2: one lock mutex per keyshare).
// Every Session of the process that uses the same Store (by identity: the same pointer, or
// an equal comparable value such as FileStore{Dir}) and the same Store key gets the same
// *Keyshare, so a lock set through one Session is seen by all, and their lock checks
// serialise on one mutex. Entries are weak: a keyshare nobody holds any more is collected,
// and the next use loads it again from the Store, which holds its persisted state. A Store
// of a type that is not comparable cannot be a map key; its keyshares are live per Session.
var live = struct {
	mu sync.Mutex
	m  map[liveKey]weak.Pointer[Keyshare]
}{m: make(map[liveKey]weak.Pointer[Keyshare])}

type liveKey struct {
	owner any // the Store, or the Session for a Store of a non-comparable type
	key   string
}

func (s *Session) liveKey(key string) liveKey {
	// Value.Comparable also looks into interface fields, whose dynamic values may not be.
	if v := reflect.ValueOf(s.st); v.IsValid() && v.Comparable() {
		return liveKey{owner: s.st, key: key}
	}
	return liveKey{owner: s, key: key}
}

// lookupLive returns the live keyshare under lk, or nil. Callers hold live.mu.
func lookupLive(lk liveKey) *Keyshare {
	if wp, ok := live.m[lk]; ok {
		return wp.Value()
	}
	return nil
}

// registerLive makes ks the live keyshare under lk. Callers hold live.mu.
func registerLive(lk liveKey, ks *Keyshare) {
	live.m[lk] = weak.Make(ks)
	runtime.AddCleanup(ks, func(lk liveKey) {
		live.mu.Lock()
		defer live.mu.Unlock()
		if wp, ok := live.m[lk]; ok && wp.Value() == nil {
			delete(live.m, lk)
		}
	}, lk)
}

// resolve returns the live Keyshare for ks and its Store key (see Session). A lock that ks
// carries and the live keyshare lacks is merged into it and persisted first: a lock is never
// dropped (PROTOCOL.md §10.3).
func (s *Session) resolve(ctx context.Context, ks *Keyshare) (*Keyshare, string, error) {
	if !ks.usable() {
		return nil, "", configError("no keyshare")
	}
	key := storeKey(ks.KeyID(), ks.Index())
	lk := s.liveKey(key)
	live.mu.Lock()
	defer live.mu.Unlock()
	if l := lookupLive(lk); l != nil {
		if l != ks && !l.holds(ks.ShareID()) {
			return nil, "", ErrKeyshareConflict
		}
		if err := s.mergeLocks(ctx, l, ks, key); err != nil {
			return nil, "", err
		}
		return l, key, nil
	}
	b, err := s.st.Load(ctx, key)
	switch {
	case errors.Is(err, ErrNotFound):
		if err := ks.save(ctx, s.st, key); err != nil {
			return nil, "", fmt.Errorf("ecdsa2p: store: %w", err)
		}
		registerLive(lk, ks)
		return ks, key, nil
	case err != nil:
		return nil, "", fmt.Errorf("ecdsa2p: store: %w", err)
	}
	stored, err := ParseKeyshare(b)
	if err != nil {
		return nil, "", fmt.Errorf("ecdsa2p: store: %w", err)
	}
	if stored.KeyID() != ks.KeyID() || stored.Index() != ks.Index() || !stored.holds(ks.ShareID()) {
		return nil, "", ErrKeyshareConflict
	}
	l := stored
	if mine, err := ks.MarshalBinary(); err == nil && string(mine) == string(b) {
		l = ks // the caller's copy is exactly the record: keep its identity
	} else if err := s.mergeLocks(ctx, l, ks, key); err != nil {
		return nil, "", err
	}
	registerLive(lk, l)
	return l, key, nil
}

// register makes a keyshare that keygen just produced the live one for its key.
func (s *Session) register(ks *Keyshare) {
	lk := s.liveKey(storeKey(ks.KeyID(), ks.Index()))
	live.mu.Lock()
	defer live.mu.Unlock()
	registerLive(lk, ks)
}

// mergeLocks locks every generation of dst that is LOCKED in src (same share_id) with src's
// reason and culprit, and persists dst if that changed anything.
func (s *Session) mergeLocks(ctx context.Context, dst, src *Keyshare, key string) error {
	if dst == src {
		return nil
	}
	type lock struct {
		reason  Code
		culprit uint8
	}
	locks := make(map[[32]byte]lock)
	src.mu.Lock()
	for _, g := range []*keyshare.Keyshare{src.gens.Active, src.gens.Pending} {
		if g == nil {
			continue
		}
		m := g.LockMutex()
		m.Lock()
		if l, reason, culprit := g.Locked(); l {
			locks[g.ShareID()] = lock{reason, culprit}
		}
		m.Unlock()
	}
	src.mu.Unlock()
	if len(locks) == 0 {
		return nil
	}
	changed := false
	dst.mu.Lock()
	for _, g := range []*keyshare.Keyshare{dst.gens.Active, dst.gens.Pending} {
		if g == nil {
			continue
		}
		l, ok := locks[g.ShareID()]
		if !ok {
			continue
		}
		m := g.LockMutex()
		m.Lock()
		if locked, _, _ := g.Locked(); !locked {
			g.Lock(l.reason, l.culprit)
			changed = true
		}
		m.Unlock()
	}
	dst.mu.Unlock()
	if !changed {
		return nil
	}
	if err := dst.save(context.WithoutCancel(ctx), s.st, key); err != nil {
		return fmt.Errorf("ecdsa2p: store: persisting a lock: %w", err)
	}
	return nil
}
