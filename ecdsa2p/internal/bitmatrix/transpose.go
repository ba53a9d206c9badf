package bitmatrix

import (
	"encoding/binary"
	"errors"
)

// The shapes of the OT extension (PROTOCOL.md §1.5, §5): 256 rows of 640 bits.
const (
	Rows     = 256      // κ_base rows
	Cols     = 640      // ℓ′ columns
	RowBytes = Cols / 8 // 80 bytes per row
	ColBytes = Rows / 8 // 32 bytes per column
)

// ErrShape is returned by [Transpose] for dimensions that are not positive multiples of 64, or
// for buffers of the wrong size.
var ErrShape = errors.New("bitmatrix: dimensions must be positive multiples of 64 and match the buffers")

// TransposeRows sets dst to the columns of the 256×640 matrix src (PROTOCOL.md §2.11):
// bit(dst[c], ι) = bit(src[ι], c) for every row ι < 256 and column c < 640, with bits numbered
// LSB-first within bytes.
func TransposeRows(dst *[Cols][ColBytes]byte, src *[Rows][RowBytes]byte) {
	var a [64]uint64
	for rb := range Rows / 64 {
		for cb := range Cols / 64 {
			for r := range a {
				a[r] = binary.LittleEndian.Uint64(src[rb*64+r][cb*8:])
			}
			transpose64(&a)
			for c := range a {
				binary.LittleEndian.PutUint64(dst[cb*64+c][rb*8:], a[c])
			}
		}
	}
	clear(a[:])
}

// TransposeColumns is the inverse of [TransposeRows]: it sets dst to the 256 rows of the
// matrix whose 640 columns are src.
func TransposeColumns(dst *[Rows][RowBytes]byte, src *[Cols][ColBytes]byte) {
	var a [64]uint64
	for rb := range Cols / 64 {
		for cb := range Rows / 64 {
			for r := range a {
				a[r] = binary.LittleEndian.Uint64(src[rb*64+r][cb*8:])
			}
			transpose64(&a)
			for c := range a {
				binary.LittleEndian.PutUint64(dst[cb*64+c][rb*8:], a[c])
			}
		}
	}
	clear(a[:])
}

// Transpose writes into dst the transpose of the rows×cols bit matrix src. src is rows
// consecutive rows of cols/8 bytes; dst receives cols rows of rows/8 bytes, with
// bit(dst row c, r) = bit(src row r, c) (bits LSB-first within bytes). rows and cols must be
// positive multiples of 64, each buffer must be rows·cols/8 bytes long, and the buffers must
// not overlap.
func Transpose(dst, src []byte, rows, cols int) error {
	if rows <= 0 || cols <= 0 || rows%64 != 0 || cols%64 != 0 ||
		len(src) != rows/8*cols || len(dst) != len(src) {
		return ErrShape
	}
	transpose(dst, src, rows, cols)
	return nil
}

// transpose works on 64×64 blocks. Row r of block (rb, cb) is the little-endian word at byte
// cb·8 of source row 64·rb + r: its bit c is the matrix entry (64·rb + r, 64·cb + c), because
// both the byte order and the bit order are LSB-first. After transpose64, word c of the block
// holds column 64·cb + c for rows 64·rb..64·rb+63, which is the word at byte rb·8 of
// destination row 64·cb + c.
func transpose(dst, src []byte, rows, cols int) {
	srcStride, dstStride := cols/8, rows/8
	var a [64]uint64
	for rb := 0; rb < rows/64; rb++ {
		for cb := 0; cb < cols/64; cb++ {
			s := src[rb*64*srcStride+cb*8:]
			for r := range a {
				a[r] = binary.LittleEndian.Uint64(s[r*srcStride:])
			}
			transpose64(&a)
			d := dst[cb*64*dstStride+rb*8:]
			for c := range a {
				binary.LittleEndian.PutUint64(d[c*dstStride:], a[c])
			}
		}
	}
	clear(a[:]) // the matrices are secret (PROTOCOL.md §2.12)
}

// transpose64 transposes the 64×64 bit matrix whose row r is a[r] and whose entry (r, c) is
// bit c of a[r] (LSB = column 0), in place. It is the recursive block swap of Hacker's Delight
// §7-3: at step j, the j×j blocks above the diagonal of every 2j×2j block (rows with bit j
// clear, columns with bit j set) are exchanged with the blocks below it. No branch or address
// depends on the data.
func transpose64(a *[64]uint64) {
	const (
		m32 = 0x00000000ffffffff
		m16 = 0x0000ffff0000ffff
		m8  = 0x00ff00ff00ff00ff
		m4  = 0x0f0f0f0f0f0f0f0f
		m2  = 0x3333333333333333
		m1  = 0x5555555555555555
	)
	for k := 0; k < 32; k++ {
		t := (a[k]>>32 ^ a[k+32]) & m32
		a[k] ^= t << 32
		a[k+32] ^= t
	}
	for k0 := 0; k0 < 64; k0 += 32 {
		b := (*[32]uint64)(a[k0 : k0+32])
		for k := 0; k < 16; k++ {
			t := (b[k]>>16 ^ b[k+16]) & m16
			b[k] ^= t << 16
			b[k+16] ^= t
		}
	}
	for k0 := 0; k0 < 64; k0 += 16 {
		b := (*[16]uint64)(a[k0 : k0+16])
		for k := 0; k < 8; k++ {
			t := (b[k]>>8 ^ b[k+8]) & m8
			b[k] ^= t << 8
			b[k+8] ^= t
		}
	}
	for k0 := 0; k0 < 64; k0 += 8 {
		b := (*[8]uint64)(a[k0 : k0+8])
		for k := 0; k < 4; k++ {
			t := (b[k]>>4 ^ b[k+4]) & m4
			b[k] ^= t << 4
			b[k+4] ^= t
		}
	}
	for k0 := 0; k0 < 64; k0 += 4 {
		b := (*[4]uint64)(a[k0 : k0+4])
		t := (b[0]>>2 ^ b[2]) & m2
		b[0] ^= t << 2
		b[2] ^= t
		t = (b[1]>>2 ^ b[3]) & m2
		b[1] ^= t << 2
		b[3] ^= t
	}
	for k0 := 0; k0 < 64; k0 += 2 {
		b := (*[2]uint64)(a[k0 : k0+2])
		t := (b[0]>>1 ^ b[1]) & m1
		b[0] ^= t << 1
		b[1] ^= t
	}
}
