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
