// Package mpctest is test support for the session driver (mpc.Run) and for engines built on
// it. It is ordinary (non-test) code so that other packages' tests can import it; production
// code must not (the root dependency test checks that).
//
// It holds:
//
//   - Toy, a deterministic sans-I/O mpc.Protocol with a configurable plan (signed, broadcast
//     and encrypted slots, asymmetric rounds), a hook to corrupt a payload before the driver
//     seals it (CorruptVersion: the receiver ignores it, class (a), mpc.ErrIgnoreInput;
//     CorruptBody: the receiver reports a peer fault, class 1), a hook that runs inside Next
//     (an approval step, an engine error) and a transcript digest to compare the two parties'
//     results;
//   - FaultTransport, an mpc.Transport wrapper that drops (once or persistently), duplicates,
//     delays, reorders and bit-flips frames on delivery or on publish, records what the driver
//     published (to replay it into another session) and delivers arbitrary frames (fuzzing);
//   - JunkFrame and InjectJunk, a third party publishing junk under a computed id from
//     distinct addresses through relaytest.Relay.Inject;
//   - NewRelay, NewSession and RunPair to run two parties over relaytest (or a WebSocket).
//
// # Which faults end how
//
// A fault on delivery (between the relay and the driver) loses or alters only that copy: the
// relay keeps the candidate, and the driver's stall re-send (a re-ASK) fetches it again.
// A fault on publish (between the driver and the relay) is different: a dropped publish is not
// retained by the client, and a bit-flipped publish is stored by the relay as the sender's
// candidate, so the sender's later genuine copy from the same connection and address is
// refused by the relay's contributor limits (WIRE.md §3.3). Both are persistent losses that end
// in a timeout.
//
// The class-(a) path (an authenticated payload the engine must ignore) only ends in success
// if a different authenticated frame for the same id arrives later. An honest driver seals
// each slot once, so that needs two senders with the same key: for example an old and a new
// replica of one party joining the same session during a rolling upgrade, the old one
// sending a payload version the receiver ignores. The tests model it exactly so: two Run
// calls with the same key and instance from distinct addresses.
package mpctest
