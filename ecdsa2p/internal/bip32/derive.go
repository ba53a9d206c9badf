package bip32

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/binary"
	"fmt"

	"github.com/tandem-mpc/tandem/internal/secp"
	"golang.org/x/crypto/ripemd160" //nolint:staticcheck // HASH160 of BIP-32 fingerprints
)

// Child is the result of [Derive]: the derived key and chain code, the accumulated tweak and
// what an xpub of the child needs.
type Child struct {
	Key       [33]byte // pt(Q′)
	ChainCode [32]byte // cc′ (confidential)
	// Tweak is δ = Σ t_k mod n, with Q′ = Q + δ·G. Public (it is a function of the public key
	// and the confidential chain code).
	Tweak [32]byte
	// Depth, ParentFP and Index describe the last step for [Child.XPub] (all zero for the
	// root).
	Depth    uint8
	ParentFP [4]byte
	Index    uint32
}

// Derive runs CKDpub along path from (Q, cc) (PROTOCOL.md §8.1): for each index,
// I = HMAC-SHA512(key = c, data = pt(K) ‖ u32(i_k)), t_k = int(I[0..31]) (≥ n: ErrInvalidChild),
// K = t_k·G + K (= O: ErrInvalidChild), c = I[32..63]. It also accumulates δ = Σ t_k mod n.
func Derive(ptQ [33]byte, cc [32]byte, path Path) (*Child, error) {
	if !path.Valid() {
		return nil, fmt.Errorf("%w: %d components", ErrInvalidPath, len(path))
	}
	K, err := new(secp.Point).SetBytes(ptQ[:])
	if err != nil {
		return nil, fmt.Errorf("bip32: parent key: %w", err)
	}
	out := &Child{Key: ptQ, ChainCode: cc}
	delta := secp.NewScalar()
	var data [37]byte
	for depth, idx := range path {
		copy(data[:33], out.Key[:])
		binary.BigEndian.PutUint32(data[33:], idx)
		m := hmac.New(sha512.New, out.ChainCode[:])
		m.Write(data[:])
		I := m.Sum(nil)
		t, err := secp.NewScalar().SetCanonicalBytes(I[:32])
		if err != nil {
			return nil, fmt.Errorf("%w: I_L ≥ n at depth %d", ErrInvalidChild, depth+1)
		}
		K.Add(new(secp.Point).ScalarBaseMult(t), K)
		enc, err := K.Bytes()
		if err != nil {
			return nil, fmt.Errorf("%w: child key at infinity at depth %d", ErrInvalidChild, depth+1)
		}
		out.ParentFP = fingerprint(out.Key)
		out.Key = enc
		copy(out.ChainCode[:], I[32:])
		delta.Add(delta, t)
		out.Depth = uint8(depth + 1)
		out.Index = idx
	}
	out.Tweak = delta.Bytes()
	return out, nil
}

// fingerprint returns the first 4 bytes of HASH160(pt(K)) = RIPEMD160(SHA256(pt(K))).
func fingerprint(k [33]byte) [4]byte {
	s := sha256.Sum256(k[:])
	r := ripemd160.New()
	r.Write(s[:])
	return [4]byte(r.Sum(nil)[:4])
}
