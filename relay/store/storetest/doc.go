// Package storetest is the conformance suite every relay store backend must pass (WIRE.md
// §13.1). A backend's test calls Run with a Harness that says how to create isolated
// backends, how time passes for it, and what it can do:
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, storetest.Harness{
//			NewBackend: func(t *testing.T, cfg storetest.BackendConfig) storetest.Backend { … },
//			Bubble:     synctest.Test,           // virtual time for the timed cases
//			Sleep:      func(t *testing.T, d time.Duration) { time.Sleep(d); synctest.Wait() },
//			Caps:       storetest.Capabilities{ByteCap: true},
//		})
//	}
//
// Run executes one subtest per case, named after the table of §13.1 (S01_AskThenPublish …
// S21_StaleWaiter). Time-dependent cases run inside Harness.Bubble and let time pass only
// through Harness.Sleep, with TTLs of 1–3 s; the others run directly, so a backend also meets
// them on its real clock. Cases that need something the backend lacks (another instance on
// the same backend, instance interest tracking, a fault hook such as PubSubKiller) skip with a
// message naming the case; the cases marked R in §13.1 are exactly those. Every case uses
// fresh random ids, so backends that share a server only need separate key prefixes.
//
// # Store-level guarantees versus hub behaviour
//
// A store does not own connections: waiters, per-waiter deduplication and the choice of the
// receiver of a ONE_RECEIVER candidate belong to the hub (WIRE.md §6). Where §13.1 states a
// case in terms of waiters (S01, S12, S14) the suite checks it against a small model of the
// hub's rules (register the local waiter before Store.Ask, deduplicate by digest, Claim before
// delivering a ONE_RECEIVER candidate to the earliest waiter). Waiter expiry (S08) and the
// deadline-max rule (S09) are store properties only for backends with
// Capabilities.InterestTracking; for a single-instance store they are the hub's and are tested
// with the server (§13.2).
//
// RecordingSink records every Sink call and offers wait helpers that also work in virtual
// time; backends may use it in their own tests.
//
// # Contract details the suite pins down
//
//   - Publish checks, in order: duplicate digest (TTL and flags ignored); contributor limits
//     (one live candidate per connection and id, MaxCandidatesPerIP per IP prefix and id);
//     TTL 0 (delivered with Slot 0, not stored); N live candidates (CandidatesFull); the
//     byte cap (store.ErrStoreFull, nothing changed). This is the order of the Redis publish
//     script (§8.3), so a TTL-0 publish is also subject to the contributor limits.
//   - Stores clamp TTLs to Limits.MaxTTL themselves and never rewrite a frame.
//   - A stored candidate gets the lowest free slot in 1..N; Claim with a wrong slot or
//     digest, or after an Ask took the candidate, returns false.
//   - Stats fields that a backend reports (≥ 0) are exact: stored bytes are the sum of
//     len(frame)+store.StoredBytesOverhead over stored candidates.
package storetest
