// Package cli is the testable body of the tandem binary (cmd/tandem): one party's side of a
// two-party ECDSA wallet on the command line, over the ecdsa2p Session SDK and a relay.
//
//	tandem signer new   --type ed25519|p256 --out FILE
//	tandem instance
//	tandem keygen       --relay URL --party 1|2 --signer FILE --other VK --instance HEX --out SHARE
//	tandem sign         --relay URL --party 1|2 --signer FILE --other VK --instance HEX --share SHARE
//	                    [--path m/0/1] [--message HEX --hash keccak256|sha256] [--expect HEX]
//	tandem refresh      --relay URL --party 1|2 --signer FILE --other VK --instance HEX --share SHARE
//	tandem address      --share SHARE [--path m/0/1]
//	tandem verify       --pub HEX --message HEX --hash keccak256|sha256 --sig HEX
//	tandem demo
//	tandem bench        [--n N] [--json]
//	tandem version | help
//
// Main parses the flags and the environment (TANDEM_PASSPHRASE), builds the library values
// (signer.PrivateKey, relay.Client, sharefile.File, ecdsa2p.Session) and prints the result:
// human-readable lines, or with --json one JSON object as the last line of stdout. Every
// error is one line on stderr ("tandem <command>: ...") and exit status 1; keygen and refresh
// exit 3 when the protocol ended incomplete (ecdsa2p.ErrIncomplete: the share is written
// PENDING). The main package only wires signals to Main.
//
// # Security model
//
// The party's message key (--signer) is a PEM file written 0600 by `signer new`; the key
// share lives in a share file (package sharefile) that is age-encrypted under a passphrase
// read from --passphrase-file or TANDEM_PASSPHRASE, never from a flag. --insecure-plaintext
// allows an unencrypted share file (tests, demos). The share file is locked for the whole
// command, so two processes never use one share at once, and a copy restored from a backup is
// marked LOCKED by sharefile before first use (the command warns; a refresh clears it).
//
// Instance ids are confidential (WIRE.md §10.11): they are taken and printed as exactly 64
// hex characters (WIRE.md Appendix Y.9) and never logged. As party 2, `sign` prints what it
// is asked to sign (message, hash, digest, path) before its share of the signature leaves,
// and refuses through the SDK's Approve hook when --expect or --hash disagree with the
// request, so both parties end with an error.
//
// `address --path` derives the key of a non-hardened BIP-32 path locally
// (Keyshare.DerivePublicKey: CKDpub from the root public key and chain code), the key that
// `sign --path` signs with. `verify` is ecdsa2p.Verify: public data, variable time.
package cli
