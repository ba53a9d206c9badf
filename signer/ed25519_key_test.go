package signer_test

import (
	"crypto/ed25519"
	"math/big"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tandem-mpc/tandem/signer"
)

// An independent, textbook model of edwards25519 (−x² + y² = 1 + d·x²·y² over GF(2^255 − 19))
// in math/big, used to check the package's small-order list and canonicality rules.

var (
	refP = new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 255), big.NewInt(19))
	refD = func() *big.Int { // −121665/121666
		d := new(big.Int).ModInverse(big.NewInt(121666), refP)
		d.Mul(d, big.NewInt(-121665))
		return d.Mod(d, refP)
	}()
)

type refPoint struct{ x, y *big.Int }

func refMod(v *big.Int) *big.Int { return v.Mod(v, refP) }

func refInv(v *big.Int) *big.Int { return new(big.Int).ModInverse(v, refP) }

// refAdd is the unified twisted Edwards addition law (a = −1).
func refAdd(a, b refPoint) refPoint {
	x1y2 := refMod(new(big.Int).Mul(a.x, b.y))
	y1x2 := refMod(new(big.Int).Mul(a.y, b.x))
	y1y2 := refMod(new(big.Int).Mul(a.y, b.y))
	x1x2 := refMod(new(big.Int).Mul(a.x, b.x))
	t := refMod(new(big.Int).Mul(refD, refMod(new(big.Int).Mul(x1x2, y1y2))))
	x3 := refMod(new(big.Int).Mul(new(big.Int).Add(x1y2, y1x2), refInv(refMod(new(big.Int).Add(big.NewInt(1), t)))))
	y3 := refMod(new(big.Int).Mul(new(big.Int).Add(y1y2, x1x2), refInv(refMod(new(big.Int).Sub(big.NewInt(1), t)))))
	return refPoint{x3, y3}
}

func refIsIdentity(p refPoint) bool { return p.x.Sign() == 0 && p.y.Cmp(big.NewInt(1)) == 0 }

// refDecode decodes an encoding the RFC 8032 §5.1.3 way but strictly (y < p, and no sign bit
// on x = 0). ok is false for anything that is not the canonical encoding of a curve point.
func refDecode(enc []byte) (refPoint, bool) {
	le := append([]byte(nil), enc...)
	sign := le[31] >> 7
	le[31] &= 0x7f
	be := make([]byte, 32)
	for i := range le {
		be[31-i] = le[i]
	}
	y := new(big.Int).SetBytes(be)
	if y.Cmp(refP) >= 0 {
		return refPoint{}, false
	}
	y2 := refMod(new(big.Int).Mul(y, y))
	u := refMod(new(big.Int).Sub(y2, big.NewInt(1)))
	v := refMod(new(big.Int).Add(new(big.Int).Mul(refD, y2), big.NewInt(1)))
	x := new(big.Int).ModSqrt(refMod(new(big.Int).Mul(u, refInv(v))), refP)
	if x == nil {
		return refPoint{}, false
	}
	if x.Sign() == 0 && sign == 1 {
		return refPoint{}, false
	}
	if byte(x.Bit(0)) != sign {
		x.Sub(refP, x)
	}
	return refPoint{x, y}, true
}

// refEncode is the canonical RFC 8032 encoding of p.
func refEncode(p refPoint) []byte {
	be := p.y.FillBytes(make([]byte, 32))
	le := make([]byte, 32)
	for i := range be {
		le[31-i] = be[i]
	}
	le[31] |= byte(p.x.Bit(0)) << 7
	return le
}

// smallOrderEncodings are the 8 canonical encodings of the points of order dividing 8.
var smallOrderEncodings = []string{
	"0100000000000000000000000000000000000000000000000000000000000000", // identity, order 1
	"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // (0, −1), order 2
	"0000000000000000000000000000000000000000000000000000000000000000", // order 4
	"0000000000000000000000000000000000000000000000000000000000000080", // order 4
	"26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05", // order 8
	"26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85", // order 8
	"c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a", // order 8
	"c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa", // order 8
}

// nonCanonicalSmallOrder are the other encodings that crypto/ed25519 decodes to small-order
// points: y + p for y ∈ {0, 1} (either sign bit) and the sign bit set on x = 0.
var nonCanonicalSmallOrder = []string{
	"0100000000000000000000000000000000000000000000000000000000000080", // identity, sign bit set
	"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", // (0, −1), sign bit set
	"edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // y = p ≡ 0
	"edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", // y = p ≡ 0, sign bit set
	"eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // y = p + 1 ≡ 1
	"eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", // y = p + 1 ≡ 1, sign bit set
}

func TestSmallOrderListIsTheTorsionSubgroup(t *testing.T) {
	// Each listed encoding is canonical, decodes to a point P with 8P = O, and they are 8
	// distinct points: the whole torsion subgroup (which has exactly 8 elements).
	seen := map[string]bool{}
	orders := map[int]int{}
	for _, h := range smallOrderEncodings {
		p, ok := refDecode(mustHex(t, h))
		require.True(t, ok, h)
		assert.Equal(t, h, hexOf(refEncode(p)), "canonical")
		q, order := p, 1
		for !refIsIdentity(q) {
			q = refAdd(q, p)
			order++
			require.LessOrEqual(t, order, 8, "%s has order > 8", h)
		}
		orders[order]++
		seen[p.x.String()+","+p.y.String()] = true
	}
	assert.Len(t, seen, 8)
	assert.Equal(t, map[int]int{1: 1, 2: 1, 4: 2, 8: 4}, orders)

	// The non-canonical variants are not canonical but are the same points modulo p.
	for _, h := range nonCanonicalSmallOrder {
		_, ok := refDecode(mustHex(t, h))
		assert.False(t, ok, h)
	}
}

func TestEd25519SmallOrderKeysRejected(t *testing.T) {
	for _, list := range [][]string{smallOrderEncodings, nonCanonicalSmallOrder} {
		for _, h := range list {
			_, err := signer.NewVerifyingKey(signer.Ed25519, mustHex(t, h))
			assert.ErrorIs(t, err, signer.ErrInvalidKey, h)
			_, err = signer.ParseVerifyingKeyEncoding(append([]byte{0x01}, mustHex(t, h)...))
			assert.ErrorIs(t, err, signer.ErrInvalidKey, h)
		}
	}
}

func TestEd25519NonCanonicalAndOffCurveKeysRejected(t *testing.T) {
	// y + p for small y (2 ≤ y ≤ 18): non-canonical whether or not y is on the curve.
	for y := int64(2); y <= 18; y++ {
		yp := new(big.Int).Add(refP, big.NewInt(y))
		le := make([]byte, 32)
		be := yp.FillBytes(make([]byte, 32))
		for i := range be {
			le[31-i] = be[i]
		}
		_, err := signer.NewVerifyingKey(signer.Ed25519, le)
		assert.ErrorIs(t, err, signer.ErrInvalidKey, "y = p + %d", y)
	}

	// Walk y = 2, 3, … and compare with the reference: on-curve canonical encodings are
	// accepted (none of these is small order), off-curve ones rejected. Both kinds occur.
	var accepted, rejected int
	for y := int64(2); y < 200; y++ {
		for _, sign := range []byte{0, 0x80} {
			enc := make([]byte, 32)
			be := big.NewInt(y).FillBytes(make([]byte, 32))
			for i := range be {
				enc[31-i] = be[i]
			}
			enc[31] |= sign
			_, onCurve := refDecode(enc)
			_, err := signer.NewVerifyingKey(signer.Ed25519, enc)
			if onCurve {
				assert.NoError(t, err, "y = %d", y)
				accepted++
			} else {
				assert.ErrorIs(t, err, signer.ErrInvalidKey, "y = %d", y)
				rejected++
			}
		}
	}
	assert.NotZero(t, accepted)
	assert.NotZero(t, rejected)
}

func TestEd25519RandomKeysAccepted(t *testing.T) {
	for range 200 {
		pub, _, err := ed25519.GenerateKey(nil)
		require.NoError(t, err)
		vk, err := signer.NewVerifyingKey(signer.Ed25519, pub)
		require.NoError(t, err)
		assert.Equal(t, []byte(pub), vk.Raw())
	}
}

func TestEd25519BitFlips(t *testing.T) {
	k, err := signer.GenerateEd25519()
	require.NoError(t, err)
	testBitFlips(t, k)
}

// testBitFlips signs a message and checks that flipping any bit of the signature or of the
// message, or truncating or extending the signature, makes verification fail.
func testBitFlips(t *testing.T, k *signer.PrivateKey) {
	t.Helper()
	msg := []byte("tandem bit flips")
	sig, err := k.Sign(t.Context(), msg)
	require.NoError(t, err)
	require.Len(t, sig, signer.SignatureSize)
	vk := k.VerifyingKey()
	require.True(t, vk.Verify(msg, sig))
	for i := range 8 * len(sig) {
		if vk.Verify(msg, flipBit(sig, i)) {
			t.Errorf("signature with bit %d flipped verifies", i)
		}
	}
	for i := range 8 * len(msg) {
		if vk.Verify(flipBit(msg, i), sig) {
			t.Errorf("message with bit %d flipped verifies", i)
		}
	}
	assert.False(t, vk.Verify(msg, sig[:63]))
	assert.False(t, vk.Verify(msg, append(append([]byte(nil), sig...), 0)))
	assert.False(t, vk.Verify(msg, nil))
	assert.False(t, vk.Verify(append(append([]byte(nil), msg...), 0), sig))
}
