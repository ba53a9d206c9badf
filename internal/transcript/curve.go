package transcript

import "github.com/tandem-mpc/tandem/internal/secp"

// H2CDST is the hash-to-curve domain separation tag of PROTOCOL.md §2.6 (51 ASCII bytes).
const H2CDST = "TANDEM-V01-CS01-with-secp256k1_XMD:SHA-256_SSWU_RO_"

// H2C returns hash_to_curve(E(label, fields...), H2CDST) of RFC 9380 for the suite
// secp256k1_XMD:SHA-256_SSWU_RO_ (PROTOCOL.md §2.6). The message is the encoding E, not its
// hash. It runs in constant time with respect to the fields. The result is the identity only
// with negligible probability; a caller that must encode it checks [secp.Point.IsIdentity].
func H2C(label Label, fields ...[]byte) *secp.Point {
	var buf [stackLimit]byte
	msg := AppendE(buf[:0], label, fields...)
	p := secp.HashToCurve(msg, []byte(H2CDST))
	clear(msg) // the OT receiver's fields reveal its choice bit
	return p
}
