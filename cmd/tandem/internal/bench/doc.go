// Package bench is the measuring logic behind `tandem bench [--n N] [--json]`: it times the
// two-party protocols of package ecdsa2p end to end, through the Session SDK, the session
// driver and the envelopes of package mpc, and a relay.
//
// Both parties run in this process, each on its own goroutine with its own relay.Client and
// ecdsa2p.Session, as two devices would. Every operation uses a fresh instance id; the signing
// operations reuse one keyshare made by a keygen of the warm-up. Each operation is timed as the
// wall time from its start until both parties returned:
//
//	key                    operation                              relay
//	keygen_ms              KeygenP1 ‖ KeygenP2                    relaytest (in memory)
//	sign_ms                SigngenP1 ‖ SigngenP2 (presign+finish) relaytest
//	presign_ms             Presign ‖ Presign                      relaytest
//	online_ms              FinishP1 ‖ FinishP2                    relaytest
//	relay_keygen_ms        KeygenP1 ‖ KeygenP2                    WebSocket relay on 127.0.0.1
//	relay_sign_ms          SigngenP1 ‖ SigngenP2                  WebSocket relay on 127.0.0.1
//	sign_bytes_per_party   PUB bytes one party sends for one one-call sign (relaytest)
//
// The in-memory relay is relay/relaytest (the real hub and memory store behind in-memory
// links); the WebSocket relay is a relay/server.Server served by net/http on a 127.0.0.1:0
// listener, reached with relay.Dial. Run first does one uncounted warm-up iteration of every
// operation, then N counted ones, and reports the median and the 90th percentile (nearest
// rank) of each. sign_bytes_per_party is measured, not computed: the in-memory links are
// wrapped in a counter of the PUB frames (relay header, envelope and payload: every byte of
// the WebSocket message body) each party's client writes, and the figure is the median over
// the counted one-call signs of the larger of the two parties' counts (P1, which also sends
// the SIGN_REQUEST). ASK and UNASK frames are not publishes and are not counted.
//
// # Output
//
// Without JSON the output is a small table (op, median ms, p90 ms), the bytes per party, the
// machine (GOOS/GOARCH, CPUs, CPU model from /proc/cpuinfo when available), the Go version and
// the 1-minute load average at start and end. With JSON it is one line holding one JSON object
// whose seven fixed keys above are medians; the extra keys (n, go, machine, load_avg_1m,
// *_p90_ms, sign_bytes_p1, sign_bytes_p2) are informative.
//
// # Security model
//
// Benchmark only: the message keys are fresh Ed25519 keys, the keyshares live in the Sessions'
// MemoryStores and are dropped when Run returns, and the WebSocket relay listens on loopback
// only, for the length of the run.
package bench
