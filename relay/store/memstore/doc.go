// Package memstore is the single-instance memory backend of the relay (WIRE.md §7): it keeps
// the candidates of every id in process memory and implements store.Store.
//
// # Layout
//
// The id space is split into 256 shards by the id's first byte. A shard has a mutex, a map
// from id to entry, and a min-heap of candidate deadlines. An entry holds the id's candidates
// (at most N = Limits.MaxCandidates, pairwise distinct digests) in arrival order, each with its
// digest, contributor (connection and IP prefix), deadline, ONE_RECEIVER bit and slot number
// (the lowest free one in 1..N). Stored bytes, candidates and ids are global atomics, so Stats
// takes no lock. Publish reserves a candidate's bytes (len(frame)+store.StoredBytesOverhead)
// with a compare-and-swap before inserting it, so the cap is never passed and a refused
// publish (store.ErrStoreFull) changes nothing.
//
// # Waiters and notification
//
// The store is one instance, so it keeps no waiters: Ask registers nothing and only returns
// the live candidates, and Publish calls Sink.Deliver for every stored or TTL-0 publish,
// after releasing the shard lock and before returning. The hub (relay/server) owns the
// waiters, drops notifications for ids nobody waits on, and claims ONE_RECEIVER candidates
// with Claim. Because the hub registers a waiter before it calls Ask, and Publish inserts
// under the same shard lock Ask reads under, a racing pair can never lose the wakeup (WIRE.md
// §6; storetest case S14).
//
// # Expiry
//
// A candidate is live while its deadline (publish time + clamped TTL) is in the future.
// Lookups compare deadlines themselves, so an expired candidate is never served, never counts
// as a duplicate and never holds a slot, whether or not the sweeper has run. The sweeper
// goroutine wakes every Config.SweepInterval, pops every due candidate from each shard's heap,
// releases its bytes and reports the lag to Config.OnExpire; it only bounds memory. Close stops
// it and waits for it.
//
// # Time
//
// Time comes from Config.Clock (default: package time). Tests get virtual time by running the
// store inside a testing/synctest bubble with the default clock; no fake clock is needed.
//
// # Security model
//
// The store sees only what the hub hands it: ids and frames are opaque, untrusted bytes, and
// nothing in them is parsed beyond the 36-byte header (the ONE_RECEIVER flag). Memory is
// bounded by the byte cap and the per-id limits; the contributor limits of WIRE.md §3.3 make
// the junk-first attack (§3.4) need N connections from N IP prefixes. Frames are stored and
// handed out without copying, so nobody may modify a frame after publishing it. No method
// panics on caller input; a malformed PublishRequest returns ErrInvalidRequest.
package memstore
