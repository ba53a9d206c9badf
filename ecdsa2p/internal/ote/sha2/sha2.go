// Package sha2 is the SHA-256 compression function (FIPS 180-4) with an explicit chaining
// value, for the PRG streams of the OT extension (PROTOCOL.md §2.5, §5). Each stream block
// hashes a message whose first 64 bytes are fixed per seed; keeping that chaining value and
// compressing only the tail (with the padding already laid out by the caller) is the midstate
// caching §2.3 allows, without the copying and state (un)marshalling that crypto/sha256's
// streaming interface needs for it.
//
// On amd64 CPUs with the SHA extensions the blocks are compressed by blocks_amd64.s;
// [Accelerated] reports it. Elsewhere a portable Go implementation runs, and callers may
// prefer crypto/sha256's own assembly instead.
//
// # Constant time
//
// SHA-256 has no data-dependent branches or table lookups, in either implementation.
package sha2

import (
	"encoding/binary"
	"math/bits"
)

// BlockSize is the SHA-256 block size in bytes.
const BlockSize = 64

// State is a SHA-256 chaining value: the words H0..H7.
type State [8]uint32

// IV is the initial chaining value of SHA-256 (FIPS 180-4 §5.3.3).
var IV = State{0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19}

// Blocks compresses the blocks of p into s. len(p) must be a multiple of 64; anything else is
// a programming error and panics.
func (s *State) Blocks(p []byte) {
	if len(p)%BlockSize != 0 {
		panic("sha2: internal error: input is not a whole number of blocks")
	}
	if len(p) == 0 {
		return
	}
	if useSHANI {
		blocksSHANI((*[8]uint32)(s), &p[0], len(p)/BlockSize)
		return
	}
	blocksGeneric(s, p)
}

// Bytes returns the big-endian encoding of s: the digest, once the padded message is
// compressed.
func (s *State) Bytes() [32]byte {
	var b [32]byte
	s.Put(&b)
	return b
}

// Put writes the big-endian encoding of s to b.
func (s *State) Put(b *[32]byte) {
	for i, v := range s {
		binary.BigEndian.PutUint32(b[4*i:], v)
	}
}

// Pad returns the SHA-256 padding of a message of n bytes: 0x80, zeros, and the bit length as
// a big-endian u64, so that n + len(Pad(n)) is a multiple of 64.
func Pad(n int) []byte {
	z := (55 - n%64 + 64) % 64
	p := make([]byte, 1+z+8)
	p[0] = 0x80
	binary.BigEndian.PutUint64(p[1+z:], uint64(n)*8)
	return p
}

// k are the round constants of FIPS 180-4 §4.2.2.
var k = [64]uint32{
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
}

// blocksGeneric is the portable compression function of FIPS 180-4 §6.2.2.
func blocksGeneric(s *State, p []byte) {
	var w [64]uint32
	for len(p) >= BlockSize {
		for t := range 16 {
			w[t] = binary.BigEndian.Uint32(p[4*t:])
		}
		for t := 16; t < 64; t++ {
			s0 := bits.RotateLeft32(w[t-15], -7) ^ bits.RotateLeft32(w[t-15], -18) ^ w[t-15]>>3
			s1 := bits.RotateLeft32(w[t-2], -17) ^ bits.RotateLeft32(w[t-2], -19) ^ w[t-2]>>10
			w[t] = w[t-16] + s0 + w[t-7] + s1
		}
		a, b, c, d, e, f, g, h := s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7]
		for t := range 64 {
			S1 := bits.RotateLeft32(e, -6) ^ bits.RotateLeft32(e, -11) ^ bits.RotateLeft32(e, -25)
			ch := (e & f) ^ (^e & g)
			t1 := h + S1 + ch + k[t] + w[t]
			S0 := bits.RotateLeft32(a, -2) ^ bits.RotateLeft32(a, -13) ^ bits.RotateLeft32(a, -22)
			maj := (a & b) ^ (a & c) ^ (b & c)
			t2 := S0 + maj
			h, g, f, e, d, c, b, a = g, f, e, d+t1, c, b, a, t1+t2
		}
		s[0] += a
		s[1] += b
		s[2] += c
		s[3] += d
		s[4] += e
		s[5] += f
		s[6] += g
		s[7] += h
		p = p[BlockSize:]
	}
	clear(w[:])
}
