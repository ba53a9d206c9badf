// Package relay holds the wire format of the tandem message relay (the 36-byte header, the TTL
// code and the length-based frame classes of WIRE.md §2) and the relay client (§11).
//
// The framing is compatible with the relay that existing Silent Shard mobile clients talk to:
// a binary WebSocket frame of exactly 36 bytes is an ASK for its id, a longer one is a publish
// (PUB) of its body under that id. The relay never parses anything after byte 36.
//
// # Security model
//
// The relay is not a confidentiality or integrity boundary. Anyone who knows an id can ask for
// it and publish under it. Authentication and encryption are the job of the envelopes in
// package mpc; the client here only moves bytes, retains what it published and re-asks what it
// waits for across reconnects.
package relay
