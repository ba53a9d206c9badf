// Package bitmatrix transposes the bit matrices of the SoftSpokenOT extension
// (PROTOCOL.md §2.11 and §5).
//
// The extension works with 256 rows of 640 bits (80 bytes each); column c is the 32-byte
// string with bit(col_c, ι) = bit(T_ι, c), bits numbered LSB-first within bytes.
// [TransposeRows] turns rows into columns, [TransposeColumns] does the inverse, and
// [Transpose] handles any shape whose sides are multiples of 64.
//
// The implementation loads 64×64 blocks as little-endian words, so that both byte order and
// bit order are LSB-first and a block transpose is exactly the matrix transpose, and uses the
// recursive block-swap transpose of Hacker's Delight (§7-3), six rounds of masked shifts.
//
// # Constant time
//
// Every matrix here is secret (PROTOCOL.md §2.12). The code has no data-dependent branches or
// memory addresses: the loop bounds and indices depend only on the shape. The block buffer is
// cleared after use; the caller owns and erases the input and output matrices.
package bitmatrix
