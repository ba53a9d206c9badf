package bip32

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
)

// XPubVersion is the version of a mainnet extended public key (0x0488B21E, "xpub").
const XPubVersion = 0x0488B21E

// xpubLen is the payload length of an extended key before the Base58Check checksum.
const xpubLen = 78

// XPub returns the Base58Check extended public key of c (§9.2): version 0x0488B21E, depth,
// the parent fingerprint (first 4 bytes of HASH160(pt(parent))), the child number, cc′ and
// pt(Q′). It reveals the chain code, which is its purpose (watch-only wallets). The encoding
// is variable-time.
func (c *Child) XPub() string {
	b := make([]byte, 0, xpubLen+4)
	b = binary.BigEndian.AppendUint32(b, XPubVersion)
	b = append(b, c.Depth)
	b = append(b, c.ParentFP[:]...)
	b = binary.BigEndian.AppendUint32(b, c.Index)
	b = append(b, c.ChainCode[:]...)
	b = append(b, c.Key[:]...)
	sum := doubleSHA(b)
	return base58Encode(append(b, sum[:4]...))
}

// ErrInvalidXPub is returned by [ParseXPub] for anything but a well-formed public xpub.
var ErrInvalidXPub = errors.New("bip32: invalid xpub")

// ParseXPub decodes a Base58Check extended public key with version 0x0488B21E. It checks the
// length and checksum, not that the key is on the curve ([Derive] does that).
func ParseXPub(s string) (*Child, error) {
	b, err := base58Decode(s)
	if err != nil || len(b) != xpubLen+4 {
		return nil, fmt.Errorf("%w: bad encoding or length", ErrInvalidXPub)
	}
	sum := doubleSHA(b[:xpubLen])
	if [4]byte(b[xpubLen:]) != [4]byte(sum[:4]) || binary.BigEndian.Uint32(b) != XPubVersion {
		return nil, fmt.Errorf("%w: checksum or version", ErrInvalidXPub)
	}
	c := &Child{Depth: b[4], ParentFP: [4]byte(b[5:9]), Index: binary.BigEndian.Uint32(b[9:13])}
	copy(c.ChainCode[:], b[13:45])
	copy(c.Key[:], b[45:78])
	return c, nil
}

func doubleSHA(b []byte) [32]byte {
	h := sha256.Sum256(b)
	return sha256.Sum256(h[:])
}

const alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"

// base58Encode is the Bitcoin Base58 encoding (big-endian base conversion, a leading '1' per
// leading zero byte).
func base58Encode(b []byte) string {
	zeros := 0
	for zeros < len(b) && b[zeros] == 0 {
		zeros++
	}
	digits := make([]byte, 0, len(b)*138/100+1) // little-endian base-58 digits
	for _, v := range b[zeros:] {
		carry := int(v)
		for k := range digits {
			carry += int(digits[k]) << 8
			digits[k] = byte(carry % 58)
			carry /= 58
		}
		for carry > 0 {
			digits = append(digits, byte(carry%58))
			carry /= 58
		}
	}
	out := make([]byte, zeros, zeros+len(digits))
	for k := range out {
		out[k] = '1'
	}
	for k := len(digits) - 1; k >= 0; k-- {
		out = append(out, alphabet[digits[k]])
	}
	return string(out)
}

// base58Decode inverts base58Encode.
func base58Decode(s string) ([]byte, error) {
	zeros := 0
	for zeros < len(s) && s[zeros] == '1' {
		zeros++
	}
	bytesLE := make([]byte, 0, len(s))
	for k := zeros; k < len(s); k++ {
		d := indexByte(s[k])
		if d < 0 {
			return nil, ErrInvalidXPub
		}
		carry := d
		for m := range bytesLE {
			carry += int(bytesLE[m]) * 58
			bytesLE[m] = byte(carry)
			carry >>= 8
		}
		for carry > 0 {
			bytesLE = append(bytesLE, byte(carry))
			carry >>= 8
		}
	}
	out := make([]byte, zeros, zeros+len(bytesLE))
	for k := len(bytesLE) - 1; k >= 0; k-- {
		out = append(out, bytesLE[k])
	}
	return out, nil
}

func indexByte(c byte) int {
	for k := 0; k < len(alphabet); k++ {
		if alphabet[k] == c {
			return k
		}
	}
	return -1
}
