// Package bench is the load generator behind cmd/relay-bench (WIRE.md §13.6).
//
// It speaks the relay's framing directly over gorilla/websocket, from a separate process, so
// that what it measures is the relay and not the tandem client library. Three modes:
//
//   - closed-loop sessions: S concurrent two-party sessions, each party on its own connection,
//     running sessions back to back. In every round each party publishes its message and asks
//     for the peer's; half of the session slots ask first, half publish first.
//   - open-loop rate steps: pairs of connections exchange messages at a fixed aggregate rate
//     (messages per second), step after step, whether or not earlier messages were delivered.
//   - idle soak: N connections held open (answering the relay's pings) while the relay's RSS is
//     read from /proc, to give the memory cost of one connection.
//
// Every payload carries, in its first 8 body bytes, the monotonic time at which it was sent
// (nanoseconds since the generator's start), so the receiver computes publish-to-deliver latency
// without any clock synchronisation: sender and receiver are the same process.
//
// # Safety
//
// The generator only dials loopback addresses (Config.Validate refuses anything else), every
// run is bounded by Config.Duration, and every wait has its own timeout.
package bench
