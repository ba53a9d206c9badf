package keyshare

import "sync"

// mutexKey names one party's copy of one keyshare generation.
type mutexKey struct {
	shareID [32]byte
	index   uint8
}

// mutexes holds one mutex per (share_id, party index), created on first use. The number of
// entries is the number of generations a process has signed with, which is small.
var mutexes sync.Map // mutexKey → *sync.Mutex

// LockMutex returns the keyshare's lock mutex of PROTOCOL.md §10.3(2): every Keyshare value of
// the same generation and party index (a parsed copy, say) gets the same mutex. Signing holds
// it while it checks LOCKED, runs the OT-extension check and sets LOCKED on failure, so that
// concurrent sessions of the generation see the lock atomically. Callers that read or set
// the lock status concurrently with signing take it too.
func (k *Keyshare) LockMutex() *sync.Mutex {
	m, _ := mutexes.LoadOrStore(mutexKey{k.shareID, k.index}, new(sync.Mutex))
	return m.(*sync.Mutex)
}
