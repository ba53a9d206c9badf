// Package bip32 implements the public half of BIP-32 that tandem's signing uses (PROTOCOL.md
// §8.1, §9.2): the textual path syntax of non-hardened paths, the path encoding path_enc bound
// into the sign setup digest, CKDpub with the accumulated additive tweak δ, and an xpub
// encoder for watch-only wallets.
//
// Threshold shares cannot do hardened derivation (no party holds the parent private key), so a
// hardened component is an error ([ErrHardened]), never silently mapped.
//
// # Security model
//
// Every input and output is public except the chain code, which is confidential: with any
// child private key it reveals the parent key (§2.12). The path is bound into the sign setup
// digest before any nonce information is exchanged, which prevents GS22's cube-root forgery
// with a tweak chosen after R is known.
//
// # Constant time
//
// Not required (§2.12 lists BIP-32 public derivation as variable-time allowed): the parent
// key, the indices and the tweaks are public. HMAC-SHA512 is constant-time anyway.
package bip32
