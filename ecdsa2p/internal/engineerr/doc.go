// Package engineerr holds the error type of tandem's two-party ECDSA engine (PROTOCOL.md §10.5)
// and the abort reason codes it carries (§10.4). Every engine package (keygen, keyshare, and
// later sign and refresh) reports a failure that ends a session as an [*Error]; input that the
// protocol must ignore (§10.1 class (a)) is reported as an error wrapping [ErrIgnore] instead,
// and leaves the session state untouched.
//
// The package is internal and imports nothing of the driver: the public ecdsa2p layer maps
// [ErrIgnore] to mpc.ErrIgnoreInput, and the driver classifies an [*Error] structurally through
// its AbortClass and PeerFault methods.
//
// # Blame
//
// Blame is data: [Error.Culprit] is the party index of the peer that provably misbehaved, or
// [NoCulprit]. An error with a culprit is abort class 1 ("peer fault"); SetupMismatch and the
// other input disagreements are class 2; refusals by local policy are class 3; everything
// else (Internal, Cancelled) is class 0, a local fault.
//
// # Security model
//
// Error values travel to logs and to the peer (only the reason code, §10.4). They hold only
// public data: operation, round, reason, culprit, lock flag, and a cause whose text never
// contains a secret.
package engineerr
