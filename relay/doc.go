// Package relay holds the wire format of the tandem message relay (the 36-byte header, the TTL
// code and the length-based frame classes of WIRE.md §2) and the relay client (§11).
//
// The framing is compatible with the relay that existing Silent Shard mobile clients talk to:
// a binary WebSocket frame of exactly 36 bytes is an ASK for its id, a longer one is a publish
// (PUB) of its body under that id. The relay never parses anything after byte 36.
//
// # Client
//
// Dial (WebSocket) or NewClient (any LinkDialer, e.g. relaytest) keeps one connection open and
// reconnects with backoff through the primary and fallback URLs (§11.3). It retains what it
// publishes and asks for, and re-sends both after every reconnect (ASKs first), on Resend, and
// periodically so that short relay TTLs do not drop them (§11.4). Sessions sharing a Client use
// one Scope each; a full Scope channel drops (and counts) frames instead of blocking the shared
// reader (Appendix Y.7). After a terminal failure (1009, 4001, HTTP 401/403, or any disconnect
// with Backoff.Disable) the Client emits Failed and every call returns an error matching
// ErrClosed and the cause.
//
// # Security model
//
// The relay is not a confidentiality or integrity boundary. Anyone who knows an id can ask for
// it and publish under it. Authentication and encryption are the job of the envelopes in
// package mpc; the client here only moves bytes, retains what it published and re-asks what it
// waits for across reconnects.
package relay
