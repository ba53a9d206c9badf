package secp

// projPoint is a point in homogeneous projective coordinates (X : Y : Z),
// representing the affine point (X/Z, Y/Z); the identity is (0 : Y : 0) with
// Y ≠ 0. The arithmetic uses the complete formulas of Renes, Costello and
// Batina, "Complete addition formulas for prime order elliptic curves"
// (EUROCRYPT 2016), specialised to a = 0, b = 7: they have no exceptional
// cases (P = Q, P = −Q and the identity need no branches), which is what
// makes them constant time.
type projPoint struct {
	x, y, z fieldElement
}

// affinePoint is a point (x, y) with z = 1; it cannot represent the identity.
type affinePoint struct {
	x, y fieldElement
}

// curveB3 is 3·b = 21.
const curveB3 = 21

// setIdentity sets p = (0 : 1 : 0).
func (p *projPoint) setIdentity() *projPoint {
	p.x = fieldElement{}
	p.y = fieldElement{1}
	p.z = fieldElement{}
	return p
}

// add sets p = a + b (RCB 2016, Algorithm 7: 12M + 2m_{3b} + 19a).
func (p *projPoint) add(a, b *projPoint) *projPoint {
	var t0, t1, t2, t3, t4, x3, y3, z3 fieldElement
	t0.mul(&a.x, &b.x)        // 1
	t1.mul(&a.y, &b.y)        // 2
	t2.mul(&a.z, &b.z)        // 3
	t3.add(&a.x, &a.y)        // 4
	t4.add(&b.x, &b.y)        // 5
	t3.mul(&t3, &t4)          // 6
	t4.add(&t0, &t1)          // 7
	t3.sub(&t3, &t4)          // 8
	t4.add(&a.y, &a.z)        // 9
	x3.add(&b.y, &b.z)        // 10
	t4.mul(&t4, &x3)          // 11
	x3.add(&t1, &t2)          // 12
	t4.sub(&t4, &x3)          // 13
	x3.add(&a.x, &a.z)        // 14
	y3.add(&b.x, &b.z)        // 15
	x3.mul(&x3, &y3)          // 16
	y3.add(&t0, &t2)          // 17
	y3.sub(&x3, &y3)          // 18
	x3.add(&t0, &t0)          // 19
	t0.add(&x3, &t0)          // 20
	t2.mulSmall(&t2, curveB3) // 21
	z3.add(&t1, &t2)          // 22
	t1.sub(&t1, &t2)          // 23
	y3.mulSmall(&y3, curveB3) // 24
	x3.mul(&t4, &y3)          // 25
	t2.mul(&t3, &t1)          // 26
	x3.sub(&t2, &x3)          // 27
	y3.mul(&y3, &t0)          // 28
	t1.mul(&t1, &z3)          // 29
	y3.add(&t1, &y3)          // 30
	t0.mul(&t0, &t3)          // 31
	z3.mul(&z3, &t4)          // 32
	z3.add(&z3, &t0)          // 33
	p.x, p.y, p.z = x3, y3, z3
	return p
}

// addAffine sets p = a + b for an affine b (RCB 2016, Algorithm 8: 11M +
// 2m_{3b} + 13a). It is complete for every a, including the identity; b
// cannot be the identity by construction.
func (p *projPoint) addAffine(a *projPoint, b *affinePoint) *projPoint {
	var t0, t1, t2, t3, t4, x3, y3, z3 fieldElement
	t0.mul(&a.x, &b.x)         // 1
	t1.mul(&a.y, &b.y)         // 2
	t3.add(&b.x, &b.y)         // 3
	t4.add(&a.x, &a.y)         // 4
	t3.mul(&t3, &t4)           // 5
	t4.add(&t0, &t1)           // 6
	t3.sub(&t3, &t4)           // 7
	t4.mul(&b.y, &a.z)         // 8
	t4.add(&t4, &a.y)          // 9
	y3.mul(&b.x, &a.z)         // 10
	y3.add(&y3, &a.x)          // 11
	x3.add(&t0, &t0)           // 12
	t0.add(&x3, &t0)           // 13
	t2.mulSmall(&a.z, curveB3) // 14
	z3.add(&t1, &t2)           // 15
	t1.sub(&t1, &t2)           // 16
	y3.mulSmall(&y3, curveB3)  // 17
	x3.mul(&t4, &y3)           // 18
	t2.mul(&t3, &t1)           // 19
	x3.sub(&t2, &x3)           // 20
	y3.mul(&y3, &t0)           // 21
	t1.mul(&t1, &z3)           // 22
	y3.add(&t1, &y3)           // 23
	t0.mul(&t0, &t3)           // 24
	z3.mul(&z3, &t4)           // 25
	z3.add(&z3, &t0)           // 26
	p.x, p.y, p.z = x3, y3, z3
	return p
}

// double sets p = 2a (RCB 2016, Algorithm 9: 6M + 2S + 1m_{3b} + 9a).
func (p *projPoint) double(a *projPoint) *projPoint {
	var t0, t1, t2, x3, y3, z3 fieldElement
	t0.square(&a.y)           // 1
	z3.add(&t0, &t0)          // 2
	z3.add(&z3, &z3)          // 3
	z3.add(&z3, &z3)          // 4
	t1.mul(&a.y, &a.z)        // 5
	t2.square(&a.z)           // 6
	t2.mulSmall(&t2, curveB3) // 7
	x3.mul(&t2, &z3)          // 8
	y3.add(&t0, &t2)          // 9
	z3.mul(&t1, &z3)          // 10
	t1.add(&t2, &t2)          // 11
	t2.add(&t1, &t2)          // 12
	t0.sub(&t0, &t2)          // 13
	y3.mul(&t0, &y3)          // 14
	y3.add(&x3, &y3)          // 15
	t1.mul(&a.x, &a.y)        // 16
	x3.mul(&t0, &t1)          // 17
	x3.add(&x3, &x3)          // 18
	p.x, p.y, p.z = x3, y3, z3
	return p
}

// neg sets p = −a.
func (p *projPoint) neg(a *projPoint) *projPoint {
	p.x = a.x
	p.y.neg(&a.y)
	p.z = a.z
	return p
}

// condNeg negates p in place if cond == 1, in constant time.
func (p *projPoint) condNeg(cond int) {
	var ny fieldElement
	ny.neg(&p.y)
	p.y.selectFe(&ny, &p.y, cond)
}

// selectProj sets p = a if cond == 1 and p = b if cond == 0, in constant time.
func (p *projPoint) selectProj(a, b *projPoint, cond int) *projPoint {
	p.x.selectFe(&a.x, &b.x, cond)
	p.y.selectFe(&a.y, &b.y, cond)
	p.z.selectFe(&a.z, &b.z, cond)
	return p
}

// isIdentity returns 1 if p is the identity (Z = 0), in constant time.
func (p *projPoint) isIdentity() int { return p.z.isZero() }

// equal returns 1 if p and q represent the same point, in constant time:
// X1·Z2 = X2·Z1 and Y1·Z2 = Y2·Z1.
func (p *projPoint) equal(q *projPoint) int {
	var l, r fieldElement
	l.mul(&p.x, &q.z)
	r.mul(&q.x, &p.z)
	ex := l.equal(&r)
	l.mul(&p.y, &q.z)
	r.mul(&q.y, &p.z)
	return ex & l.equal(&r)
}

// toAffine returns (x, y) = (X/Z, Y/Z) using a constant-time inversion; the
// identity gives (0, 0).
func (p *projPoint) toAffine() (x, y fieldElement) {
	var zi fieldElement
	zi.invert(&p.z)
	x.mul(&p.x, &zi)
	y.mul(&p.y, &zi)
	return x, y
}
