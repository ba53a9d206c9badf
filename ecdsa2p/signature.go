package ecdsa2p

import (
	"math/big"

	"golang.org/x/crypto/cryptobyte"
	"golang.org/x/crypto/cryptobyte/asn1"
)

// Signature is a low-s ECDSA signature over secp256k1 with its recovery id, verified under
// PublicKey by the engine before it was returned. Public.
type Signature struct {
	R, S  [32]byte
	RecID uint8    // 0..3: y(R) parity | 2 if x(R) ≥ n
	Key   [33]byte // the (derived) public key the signature verifies under, compressed
}

// Bytes65 returns R ‖ S ‖ V with V = RecID (0..3), the layout of most libraries.
func (s *Signature) Bytes65() [65]byte {
	var b [65]byte
	copy(b[:32], s.R[:])
	copy(b[32:64], s.S[:])
	b[64] = s.RecID
	return b
}

// EthereumV returns Ethereum's legacy v: 27 + recovery id (27 or 28; a recovery id of 2 or 3
// has probability ≈ 2^−127 and gives 29 or 30).
func (s *Signature) EthereumV() uint64 { return 27 + uint64(s.RecID) }

// EIP155V returns v = chainID·2 + 35 + recovery id (EIP-155). It returns ok = false when the
// result does not fit a uint64.
func (s *Signature) EIP155V(chainID uint64) (v uint64, ok bool) {
	if chainID > (^uint64(0)-38)/2 {
		return 0, false
	}
	return chainID*2 + 35 + uint64(s.RecID), true
}

// EIP155VBig is EIP155V for any chain id. It returns nil for a nil or negative chain id.
func (s *Signature) EIP155VBig(chainID *big.Int) *big.Int {
	if chainID == nil || chainID.Sign() < 0 {
		return nil
	}
	v := new(big.Int).Lsh(chainID, 1)
	return v.Add(v, big.NewInt(35+int64(s.RecID)))
}

// DER returns the ASN.1 DER encoding SEQUENCE { INTEGER r, INTEGER s }.
func (s *Signature) DER() []byte {
	var b cryptobyte.Builder
	b.AddASN1(asn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1BigInt(new(big.Int).SetBytes(s.R[:]))
		b.AddASN1BigInt(new(big.Int).SetBytes(s.S[:]))
	})
	return b.BytesOrPanic()
}
