// Package relaytest runs the tandem relay in process for tests (WIRE.md §11.5): the real hub
// and memory store of package relay/server behind in-memory links, with fault hooks (dropped
// connections, a restart that wipes the store, pauses, link delays, injected frames).
//
// The in-memory link (Pipe) is made only of channels and timers, so a Relay created, used and
// closed inside a testing/synctest bubble runs on virtual time: TTLs, reconnect backoffs and
// expiry sweeps take no wall-clock time. The same relay can also be served over a real
// WebSocket on loopback (ServeWebSocket), and the server's conformance suite runs over both
// link types to show that the semantics are identical.
//
// # Security model
//
// None: this package is for tests. Its links do no admission (auth, origin, handshake and
// per-IP connection limits are the WebSocket path's), so tests of those use ServeWebSocket.
package relaytest
