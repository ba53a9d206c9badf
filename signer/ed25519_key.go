package signer

import (
	"crypto/ed25519"
	"encoding/hex"
	"fmt"
	"math/big"
)

// Validation of Ed25519 verifying keys. crypto/ed25519 accepts any encoding of a point,
// including non-canonical ones and points of small order; NewVerifyingKey is stricter. All the
// arithmetic here is on public data, so math/big (variable time) is fine.

var (
	// edP is the field prime 2^255 − 19.
	edP = new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 255), big.NewInt(19))
	// edD is the curve constant d = −121665 / 121666 mod p.
	edD = func() *big.Int {
		inv := new(big.Int).ModInverse(big.NewInt(121666), edP)
		d := new(big.Int).Mul(big.NewInt(-121665), inv)
		return d.Mod(d, edP)
	}()
)

// edSmallOrderY lists, as 32-byte little-endian field elements, the y-coordinates of the eight
// points of order dividing 8 on edwards25519 (the torsion subgroup):
//
//	y = 1       the identity (order 1), x = 0
//	y = p − 1   (0, −1), order 2, x = 0
//	y = 0       (±√−1, 0), order 4, two points
//	y = y8      two points of order 8, x of either sign
//	y = p − y8  two points of order 8, x of either sign
//
// With the sign bit that gives exactly eight canonical encodings (x = 0 has only one). Their
// non-canonical variants (y + p for y ∈ {0, 1}, and the "negative zero" sign bit on x = 0) are
// rejected earlier, by the canonicality checks in checkEd25519Key. signer_test.go checks with
// independent Edwards arithmetic that each listed point has order dividing 8.
var edSmallOrderY = [...][32]byte{
	mustHex32("0100000000000000000000000000000000000000000000000000000000000000"), // 1
	mustHex32("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"), // p − 1
	mustHex32("0000000000000000000000000000000000000000000000000000000000000000"), // 0
	mustHex32("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05"), // y8
	mustHex32("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a"), // p − y8
}

// checkEd25519Key validates a 32-byte Ed25519 public key encoding (RFC 8032 §5.1.3) and
// rejects, in this order: non-canonical y (y ≥ p), y that is not the y-coordinate of a curve
// point, the non-canonical sign bit on x = 0, and the points of small order.
func checkEd25519Key(raw []byte) error {
	if len(raw) != ed25519.PublicKeySize {
		return fmt.Errorf("%w: Ed25519 key is %d bytes, want %d", ErrInvalidKey, len(raw), ed25519.PublicKeySize)
	}
	var yLE [32]byte
	copy(yLE[:], raw)
	sign := yLE[31] >> 7
	yLE[31] &= 0x7f
	y := leToInt(yLE[:])
	if y.Cmp(edP) >= 0 {
		return fmt.Errorf("%w: Ed25519 key is a non-canonical encoding (y ≥ p)", ErrInvalidKey)
	}
	// x² = u / v with u = y² − 1 and v = d·y² + 1 (never zero: −1/d is not a square). u / v is
	// a square exactly when u·v = (u / v)·v² is, which saves the inversion.
	y2 := new(big.Int).Mul(y, y)
	y2.Mod(y2, edP)
	u := new(big.Int).Sub(y2, big.NewInt(1))
	u.Mod(u, edP)
	v := new(big.Int).Mul(edD, y2)
	v.Add(v, big.NewInt(1))
	v.Mod(v, edP)
	if u.Sign() == 0 {
		// x = 0: y = ±1, and the sign bit must be clear.
		if sign == 1 {
			return fmt.Errorf("%w: Ed25519 key is a non-canonical encoding (x = 0 with sign bit set)", ErrInvalidKey)
		}
	} else if big.Jacobi(u.Mul(u, v).Mod(u, edP), edP) != 1 {
		return fmt.Errorf("%w: Ed25519 key is not a point on the curve", ErrInvalidKey)
	}
	for _, bad := range edSmallOrderY {
		if yLE == bad {
			return fmt.Errorf("%w: Ed25519 key is a point of small order", ErrInvalidKey)
		}
	}
	return nil
}

// leToInt interprets b as a little-endian unsigned integer.
func leToInt(b []byte) *big.Int {
	be := make([]byte, len(b))
	for i := range b {
		be[len(b)-1-i] = b[i]
	}
	return new(big.Int).SetBytes(be)
}

// mustHex32 decodes a 64-character hex constant; it is used only for package-level constants.
func mustHex32(s string) [32]byte {
	var out [32]byte
	if n, err := hex.Decode(out[:], []byte(s)); err != nil || n != len(out) {
		panic("signer: internal error: bad hex constant")
	}
	return out
}
