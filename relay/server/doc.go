// Package server is the tandem message relay (WIRE.md §2–§9): an http.Handler that upgrades
// GET /v1/msg-relay to a WebSocket and runs the relay protocol, with a hub that owns the local
// waiters of every connection and a pluggable store (package relay/store; the memory store by
// default) that owns the candidates.
//
// A Server has a useful zero value (the defaults of DefaultConfig and a memory store), its own
// Prometheus registry, an admin handler with health, readiness and metrics (AdminHandler), and
// an ordered graceful shutdown (Shutdown). The connection logic runs over the relay.Link
// interface, so ServeLink gives in-memory links (package relay/relaytest) exactly the
// semantics of the WebSocket path.
//
// # Connections
//
// Each connection has exactly two goroutines: the reader (the goroutine that called ServeLink,
// or the HTTP handler) classifies every frame by its length and handles it synchronously,
// including the store call; the writer owns every write, the pings, the idle check and the close
// handshake. The outbound queue is bounded by frames and bytes and enqueueing never blocks: a
// full queue closes the connection with 4000. A panic in a connection handler is recovered and
// closes that connection with 1011.
//
// The writer coalesces: on the WebSocket path the hijacked connection is wrapped so that the
// frames the writer takes from the queue in one go collect in a buffer and leave in one write
// syscall when the last of them has been written (more than one only past 64 KiB); a lone
// frame therefore leaves at once, as before. Control frames written meanwhile by the reader
// (pongs, the close reply) leave with the batch. The write deadline (now + write timeout) is
// set on the transport for every write syscall, and frames are counted as sent once their
// batch is on the transport.
//
// # Shared stores (Redis)
//
// A StoreFactory can build a shared store such as relay/store/redisstore: inside the factory,
// StoreLimits, Logger and BackendMetrics (the backend_* collectors of §9.3, registered on first
// use) give it the server's limits, logger and metrics (cmd/relay does exactly this for
// --store redis). The hub implements the store's Sink: Resync re-asks pending ids (all of them,
// or for the "periodic" trigger only waiters older than 5 s that received nothing), in batches
// of 128 through BatchAsker when the store has it, and counts
// tandem_relay_reconcile_runs_total by trigger; Reset closes connections with 1012 or resyncs
// (--on-store-reset). A publish that fails with store.ErrUnavailable (after the retries up to
// the op timeout) closes its connection with 1013; any other store error (a Redis script error)
// with 1011. /readyz lists a store's failing checks after "store" when its Check error has
// NotReadyChecks (redisstore: ping, subscription, probe, epoch, backend, store_full).
//
// # Configuration
//
// Zero fields of Config take the defaults of WIRE.md §4.1. Because 0 means "default", a limit
// that the spec switches off with 0 is switched off here with Off; cmd/relay maps a flag value
// of 0 to Off.
//
// # Deviations
//
//   - Every binary frame is copied once to an exact-size slice as it is read (WIRE.md §5 copies
//     only frames that are stored or forwarded); duplicates and ignored PUBs pay the copy too.
//   - A read timeout ends the connection with 1001 (the spec names no code).
//   - The 503 answers (max-conns, draining) carry Retry-After: 1.
//   - ServeLink runs no handshake admission (auth, origin, handshake rate, per-IP and global
//     connection limits): those belong to the HTTP upgrade.
//   - Outbound frames are copied once more, into the writer's batch buffer (WIRE.md §5 says
//     stored frames are never copied per receiver; gorilla already copies the first 4 KiB).
//     Past the 64 KiB buffer the rest of a frame is written from the shared slice.
//   - If a ONE_RECEIVER claim is won but the waiter it was for vanished in between (UNASK,
//     expiry or disconnect), the claimed candidate is dropped.
//
// # Security model
//
// The relay is not a confidentiality or integrity boundary: it never parses anything after the
// 36-byte header, anyone who knows an id can ask for it or publish under it, and clients
// authenticate and encrypt end to end. What the relay defends is availability: per-id candidate
// slots with contributor limits (the junk-first defence of WIRE.md §3.4), per-connection,
// per-IP and global limits (§4.1), and optional admission by shared secret or HMAC token
// (§4.3). Payloads are never logged; ids are logged only at debug level as their first 8
// bytes; query strings and tokens are never logged. Admission secrets are read only from a
// file and never printed.
package server
