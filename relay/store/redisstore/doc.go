// Package redisstore is the Redis backend of the relay (WIRE.md §8, with Appendix Y): it
// implements store.Store on Redis (or Valkey, or any RESP server with Lua scripting) so that
// any number of cmd/relay instances behind a load balancer serve one session together. The
// memory store (relay/store/memstore) stays the default; cmd/relay selects this one with
// `--store redis --redis-url URL` (`--backend` is an alias).
//
// # Model
//
// Each Store is one relay instance with a random instance id and one pub/sub inbox channel,
// `<prefix>inbox:<instance>`. For each message id Redis holds, under the hash tag of the id
// (so one id lives in one Cluster slot):
//
//	<prefix>{<hex id>}:c<k>   the candidate frame of slot k (1..N), exact bytes, PX = its TTL
//	<prefix>{<hex id>}:m      hash: k → digest(32) ‖ u8 len(conn) ‖ conn ‖ ip-prefix text
//	<prefix>{<hex id>}:w      sorted set: instance id → waiter deadline (ms, Redis TIME)
//	<prefix>epoch             16 random bytes (hex), no TTL; a change means data was lost
//
// Three Lua scripts (scripts.go, each with a version comment so a change gets a new SHA; run
// with EVALSHA, falling back to EVAL on NOSCRIPT) make every operation one atomic round trip:
//
//   - publish: checks in the order of storetest (duplicate digest, contributor limits, TTL 0,
//     N candidates) before its first write; stores the frame with SET … PX (the first write,
//     so an OOM refusal under noeviction leaves nothing); then PUBLISHes the candidate to the
//     inbox of every instance with a live waiter (pruning expired ones). Waiters stay
//     registered.
//   - ask: registers this instance's interest until now+ttl (the deadline never shrinks) and
//     returns the live candidates in the same step, so there is no window in which a publish
//     slips past a waiting ask (storetest S14). ONE_RECEIVER candidates it returns are
//     deleted (Claimed).
//   - claim: deletes a ONE_RECEIVER candidate if it still has the given digest.
//
// Candidates expire natively in Redis; waiter deadlines are absolute Redis times, and `m`/`w`
// carry an overall PEXPIRE, so nothing needs a Redis-side sweeper. The junk-first defence of
// §3.4 works as with the memory store: up to N distinct bodies per id, one live candidate per
// connection, and at most MaxCandidatesPerIP per IP prefix, enforced globally by the script.
//
// # Hints and truth
//
// The stored keys are the truth; inbox messages are hints. The store calls Sink.Resync (the
// hub re-asks every id it still waits for) whenever hints may have been lost: after every
// re-subscription ("resubscribe"), after a forced re-subscription when the self-probe stopped
// coming back ("probe"), and periodically ("periodic", every ReconcileInterval; the hub then
// re-asks only waiters older than 5 s that received nothing). The hub retries asks that failed
// with store.ErrUnavailable every second ("unsynced"), and the store asks it to resync when
// Redis answers again after being down.
//
// Every ProbeInterval the store PUBLISHes a probe with a fresh nonce to its own inbox; if no
// probe came back for two intervals the store is not ready, closes the subscription and
// subscribes again (a connection that looks alive but delivers nothing). The probe also
// re-reads the epoch: if it is missing or changed, the store creates a new one with SET NX,
// adopts whatever is stored, and calls Sink.Reset("epoch") once (§8.7).
//
// A publish whose own instance has a live waiter for the id is not sent through the inbox:
// the script reports it and the store calls Sink.Deliver before Publish returns, as the memory
// store does. (This is an addition to §8.3: a connection that publishes a TTL-0 frame to an id
// it asked for and UNASKs at once still receives it, and same-instance delivery saves a round
// trip.)
//
// # Failures
//
// Every command is bounded by OpTimeout. Timeouts and connection errors are *BackendError
// matching store.ErrUnavailable (the hub retries a publish with backoff until its op timeout,
// then closes the publisher with 1013; an ask keeps its local waiter, marked unsynced, and is
// retried); a publish refused for maxmemory matches store.ErrStoreFull (close 4004); a script
// error (say WRONGTYPE after a prefix clash) matches neither (close 1011). Check reports not
// ready, with the failing checks in a *NotReadyError, unless a PING succeeded within 3 s, the
// subscription is confirmed, the last probe came back, the epoch is known, the last commands
// did not fail twice in a row, and the last publish was not refused for memory. Metrics go to
// Config.Metrics (relay/server's *BackendMetrics), log lines to Config.Logger. Stats reports
// -1 for every count: they are shared by all instances (see the used_memory gauge instead).
//
// Nothing stored is lost when a relay instance restarts: candidates live in Redis until their
// TTL. A Redis restart without persistence loses them; the epoch detects it and the hub (with
// --on-store-reset=close) closes its connections with 1012 so that clients re-publish their
// retained frames.
//
// # Security model
//
// Frames, ids and contributor ids are opaque bytes: the store reads nothing of a frame but the
// 36-byte header's flags, and the scripts receive everything as arguments (never as script
// text), so no input can change what a script does. Replies from Redis and inbox messages are
// parsed defensively (slots in 1..N, frames at least a header long; anything else is an error
// or counted as invalid, never a panic). Anyone who can write to the Redis deployment can
// forge candidates and notifications: Redis must be reachable by the relay instances only
// (ACLs, TLS with rediss://, a private network). The password is a Password and never prints;
// Config prints and logs with the URL's user information redacted.
// Memory is bounded by Redis maxmemory, which must be used with noeviction (or volatile-ttl);
// the store warns at start if the policy could evict live messages.
//
// # Testing
//
// The conformance suite relay/store/storetest runs against a real redis-server (the
// redistest subpackage starts throw-away servers on free loopback ports), including the R
// cases (cross-instance delivery, pub/sub kill, blackholed subscription, restart, pause,
// maxmemory). Without the binary the tests skip, unless CI=true or TANDEM_REQUIRE_REDIS=1. The
// suite also runs on miniredis (the unit-test fallback of §13.1; the R cases skip there). The
// server conformance cases of relay/server run over one and two Redis-backed instances, and
// this package's tests run a full tandem keygen, presign and finish (ecdsa2p) and the mpc toy
// protocol across two instances, and the fault drills of §13.7 (instance kill with fallback
// URLs, Redis restart, SIGSTOP, pub/sub kill).
package redisstore
