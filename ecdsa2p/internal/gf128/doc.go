// Package gf128 implements the field GF(2^128) = GF(2)[X]/(X^128 + X^7 + X^2 + X + 1) used by
// the consistency check of the SoftSpokenOT extension (PROTOCOL.md §2.10 and §5).
//
// Elements are encoded in 16 bytes with the coefficient of X^i at bit i, LSB-first within
// bytes and bytes in increasing order of degree ([FromBytes], [Element.Bytes]). This is not the
// bit-reflected convention of GHASH, so crypto/cipher's GCM cannot be reused.
//
// [Mul] multiplies two elements; an [Accumulator] sums many products with a single reduction,
// which is how the OT-extension check folds its 256 rows.
//
// # Constant time
//
// Row values of the OT-extension matrices are secret (PROTOCOL.md §2.12, item 5), so
// multiplication runs in constant time: a carry-less 64×64 product is computed with ordinary
// integer multiplications of operands masked into sparse words ("multiplication with holes",
// the technique of BearSSL's ghash_ctmul routines, here with 5-bit spacing so that a full
// 128-bit product needs no bit reversal), followed by a branch-free reduction. There are no
// table lookups, no data-dependent branches and no data-dependent memory addresses.
// math/bits.Mul64 compiles to one multiply instruction on amd64 and arm64, whose timing does
// not depend on the operands; on other targets it is a branch-free sequence of 32-bit
// multiplies. [Element.Equal] and [Element.Mask] are constant-time helpers for the check.
//
// On amd64 CPUs with PCLMULQDQ, products use that instruction (clmul_amd64.s), whose timing
// does not depend on its operands; the reduction stays in Go. The portable routine is used
// everywhere else and with the purego build tag, and a differential test checks the two
// against each other and against a bit-by-bit reference.
package gf128
