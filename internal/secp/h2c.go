package secp

import (
	"crypto"
	_ "crypto/sha256" // registers SHA-256 for the expander

	"github.com/cloudflare/circl/expander"
)

// Hash to curve, RFC 9380 suite secp256k1_XMD:SHA-256_SSWU_RO_
// (PROTOCOL.md §2.6): expand_message_xmd with SHA-256 to 2·48 bytes, two
// field elements, the simplified SWU map on the 3-isogenous curve
// E′: y² = x³ + A′x + B′, the 3-isogeny map of RFC 9380 Appendix E.1, and a
// complete addition of the two mapped points (the cofactor is 1).
//
// Everything after the hashing is straight-line field arithmetic: the square
// root test (sqrt_ratio for p ≡ 3 mod 4), sgn0 and all choices are constant
// time selects, and the isogeny is evaluated in projective form without
// inversions.

var (
	sswuA = feFromHex("3f8731abdd661adca08a5558f0f5d272e953d363cb6f0e5d405447c01a444533")
	sswuB = fieldElement{1771}
	// sswuZ is Z = −11.
	sswuZ = func() fieldElement {
		var z fieldElement
		return *z.neg(&fieldElement{11})
	}()
	// sswuC2 is sqrt(−Z) = sqrt(11), a public constant.
	sswuC2 = func() fieldElement {
		var r fieldElement
		if r.sqrt(&fieldElement{11}) != 1 {
			panic("secp: internal error: 11 is not a square")
		}
		return r
	}()

	// 3-isogeny map constants, RFC 9380 Appendix E.1.
	isoK10 = feFromHex("8e38e38e38e38e38e38e38e38e38e38e38e38e38e38e38e38e38e38daaaaa8c7")
	isoK11 = feFromHex("07d3d4c80bc321d5b9f315cea7fd44c5d595d2fc0bf63b92dfff1044f17c6581")
	isoK12 = feFromHex("534c328d23f234e6e2a413deca25caece4506144037c40314ecbd0b53d9dd262")
	isoK13 = feFromHex("8e38e38e38e38e38e38e38e38e38e38e38e38e38e38e38e38e38e38daaaaa88c")
	isoK20 = feFromHex("d35771193d94918a9ca34ccbb7b640dd86cd409542f8487d9fe6b745781eb49b")
	isoK21 = feFromHex("edadc6f64383dc1df7c4b2d51b54225406d36b641f5e41bbc52a56612a8c6d14")
	isoK30 = feFromHex("4bda12f684bda12f684bda12f684bda12f684bda12f684bda12f684b8e38e23c")
	isoK31 = feFromHex("c75e0c32d5cb7c0fa9d0a54b12a0a6d5647ab046d686da6fdffc90fc201d71a3")
	isoK32 = feFromHex("29a6194691f91a73715209ef6512e576722830a201be2018a765e85a9ecee931")
	isoK33 = feFromHex("2f684bda12f684bda12f684bda12f684bda12f684bda12f684bda12f38e38d84")
	isoK40 = feFromHex("fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffff93b")
	isoK41 = feFromHex("7a06534bb8bdb49fd5e9e6632722c2989467c1bfc8e8d978dfb425d2685c2573")
	isoK42 = feFromHex("6484aa716545ca2cf3a70c3fa8fe337e0a3d21162f0d6299a7bf8192bfd2a76f")

	// twoTo256ModP is 2^256 mod p, used to reduce 48-byte hash outputs.
	twoTo256ModP = fieldElement{fieldC}
)

// H2CDST is the domain separation tag of PROTOCOL.md §2.6.
const H2CDST = "TANDEM-V01-CS01-with-secp256k1_XMD:SHA-256_SSWU_RO_"

// HashToCurve returns hash_to_curve(msg, dst) of RFC 9380 for the suite
// secp256k1_XMD:SHA-256_SSWU_RO_. It runs in time independent of the content
// of msg (SHA-256 is constant time, and so is every step after it). The
// result is the identity only with negligible probability; callers that must
// encode it check IsIdentity or the error of Bytes.
func HashToCurve(msg, dst []byte) *Point {
	u := hashToField(msg, dst)
	var q0, q1, r projPoint
	q0.mapToCurve(&u[0])
	q1.mapToCurve(&u[1])
	r.add(&q0, &q1)
	return new(Point).put(&r)
}

// hashToField is hash_to_field(msg, 2) of RFC 9380 §5.2 with L = 48.
func hashToField(msg, dst []byte) [2]fieldElement {
	uniform := expander.NewExpanderMD(crypto.SHA256, dst).Expand(msg, 96)
	var u [2]fieldElement
	for i := range u {
		u[i] = reduce48(uniform[48*i : 48*i+48])
	}
	return u
}

// reduce48 returns int(b) mod p for a 48-byte big-endian b, in constant time:
// b = hi·2^256 + lo with hi < 2^128, so b ≡ hi·(2^256 mod p) + lo.
func reduce48(b []byte) fieldElement {
	var hiB, loB [32]byte
	copy(hiB[16:], b[:16])
	copy(loB[:], b[16:48])
	var hi, lo, r fieldElement
	hi.setBytes(&hiB)
	lo.setBytes(&loB)
	r.mul(&hi, &twoTo256ModP)
	r.add(&r, &lo)
	return r
}

// sqrtRatio is sqrt_ratio(u, v) of RFC 9380 §F.2.1.2 for p ≡ 3 (mod 4): it
// returns (1, sqrt(u/v)) if u/v is a square and (0, sqrt(Z·u/v)) otherwise.
func sqrtRatio(u, v *fieldElement) (int, fieldElement) {
	var tv1, tv2, tv3, y1, y2, y fieldElement
	tv1.square(v)
	tv2.mul(u, v)
	tv1.mul(&tv1, &tv2)
	y1.powPm3d4(&tv1)
	y1.mul(&y1, &tv2)
	y2.mul(&y1, &sswuC2)
	tv3.square(&y1)
	tv3.mul(&tv3, v)
	isQR := tv3.equal(u)
	y.selectFe(&y1, &y2, isQR)
	return isQR, y
}

// mapToCurve sets p to map_to_curve(u): simplified SWU onto E′ (RFC 9380
// §6.6.2, straight-line form of §F.2) followed by the 3-isogeny to secp256k1.
func (p *projPoint) mapToCurve(u *fieldElement) {
	var tv1, tv2, tv3, tv4, tv5, tv6, x, y, ntv2, one fieldElement
	one.setUint64(1)
	tv1.square(u)
	tv1.mul(&sswuZ, &tv1)
	tv2.square(&tv1)
	tv2.add(&tv2, &tv1)
	tv3.add(&tv2, &one)
	tv3.mul(&sswuB, &tv3)
	ntv2.neg(&tv2)
	tv4.selectFe(&sswuZ, &ntv2, tv2.isZero())
	tv4.mul(&sswuA, &tv4)
	tv2.square(&tv3)
	tv6.square(&tv4)
	tv5.mul(&sswuA, &tv6)
	tv2.add(&tv2, &tv5)
	tv2.mul(&tv2, &tv3)
	tv6.mul(&tv6, &tv4)
	tv5.mul(&sswuB, &tv6)
	tv2.add(&tv2, &tv5)
	x.mul(&tv1, &tv3)
	isGx1Square, y1 := sqrtRatio(&tv2, &tv6)
	y.mul(&tv1, u)
	y.mul(&y, &y1)
	x.selectFe(&tv3, &x, isGx1Square)
	y.selectFe(&y1, &y, isGx1Square)
	e1 := 1 ^ (u.isOdd() ^ y.isOdd())
	var ny fieldElement
	ny.neg(&y)
	y.selectFe(&y, &ny, e1)
	// The E′ point is (x/tv4, y); hand the fraction to the isogeny.
	p.isoMap(&x, &tv4, &y)
}

// isoMap sets p to the image under the 3-isogeny of the E′ point
// (xn/xd, y), in projective coordinates without inversions. With
// x′ = xn/xd and D = xd:
//
//	x = X_num(x′)/X_den(x′) = XN / (XD·D)   where XN = x_num·D³, XD = x_den·D²
//	y = y·Y_num(x′)/Y_den(x′) = y·YN / YD   where YN = y_num·D³, YD = y_den·D³
//
// so (x, y) = (XN·YD : y·YN·XD·D : XD·D·YD). A zero denominator (an
// exceptional input, negligible probability) maps to the identity.
func (p *projPoint) isoMap(xn, xd, y *fieldElement) {
	var n2, n3, d2, d3, nd, n2d, nd2, t fieldElement
	n2.square(xn)
	n3.mul(&n2, xn)
	d2.square(xd)
	d3.mul(&d2, xd)
	nd.mul(xn, xd)
	n2d.mul(&n2, xd)
	nd2.mul(xn, &d2)

	var xN, xD, yN, yD fieldElement
	// XN = k13·N³ + k12·N²D + k11·ND² + k10·D³
	xN.mul(&isoK13, &n3)
	t.mul(&isoK12, &n2d)
	xN.add(&xN, &t)
	t.mul(&isoK11, &nd2)
	xN.add(&xN, &t)
	t.mul(&isoK10, &d3)
	xN.add(&xN, &t)
	// XD = N² + k21·ND + k20·D²
	t.mul(&isoK21, &nd)
	xD.add(&n2, &t)
	t.mul(&isoK20, &d2)
	xD.add(&xD, &t)
	// YN = k33·N³ + k32·N²D + k31·ND² + k30·D³
	yN.mul(&isoK33, &n3)
	t.mul(&isoK32, &n2d)
	yN.add(&yN, &t)
	t.mul(&isoK31, &nd2)
	yN.add(&yN, &t)
	t.mul(&isoK30, &d3)
	yN.add(&yN, &t)
	// YD = N³ + k42·N²D + k41·ND² + k40·D³
	t.mul(&isoK42, &n2d)
	yD.add(&n3, &t)
	t.mul(&isoK41, &nd2)
	yD.add(&yD, &t)
	t.mul(&isoK40, &d3)
	yD.add(&yD, &t)

	var xdd fieldElement
	xdd.mul(&xD, xd) // XD·D
	var r projPoint
	r.x.mul(&xN, &yD)
	r.y.mul(y, &yN)
	r.y.mul(&r.y, &xdd)
	r.z.mul(&xdd, &yD)
	p.selectProj(&identityProj, &r, r.z.isZero())
}
