package secp

// Variable-base scalar multiplication: GLV split plus a signed 5-bit fixed
// window over both half-size scalars (Strauss–Shamir interleaving), with
// masked lookups that read every table entry.

const (
	smWindow  = 5
	smDigits  = 26 // 26·5 = 130 bits; the GLV halves are below 2^128 < 2^129 (the bound recodeSigned needs)
	smEntries = 1 << (smWindow - 1)
)

// recodeSigned writes the signed base-2^w digits of k into d, least
// significant first: every digit but the last is in [−2^(w−1), 2^(w−1)), and
// the last one absorbs the final carry without re-balancing, so it lies in
// [0, 2^(w−1)] provided k < 2^(w·(len(d)−1) + w − 1). Constant time: the
// loop structure depends only on w and len(d).
func recodeSigned(k *[4]uint64, w uint, d []int) {
	carry := 0
	half := 1 << (w - 1)
	mask := uint64(1)<<w - 1
	for i := range d {
		bit := uint(i) * w
		limb, off := bit/64, bit%64
		var win uint64
		if limb < 4 { // public loop structure
			win = k[limb] >> off
			if off > 64-w && limb < 3 {
				win |= k[limb+1] << (64 - off)
			}
		}
		v := int(win&mask) + carry
		if i == len(d)-1 {
			d[i] = v
			return
		}
		carry = (v + half) >> w
		d[i] = v - carry<<w
	}
}

// lookupProj sets p = sign(d)·table[|d|−1], or the identity for d = 0, reading
// every entry with masks, for |d| ≤ len(table). flipSign additionally negates
// the result when 1. Constant time.
func (p *projPoint) lookupProj(table *[smEntries]projPoint, d int, flipSign int) {
	m := d >> 63 // all ones when negative
	abs := (d ^ m) - m
	var x0, x1, x2, x3, y1, y2, y3, z0, z1, z2, z3 uint64
	y0 := uint64(1) // the identity (0 : 1 : 0)
	for i := range table {
		mask := -uint64(ctEqInt(abs, i+1))
		e := &table[i]
		x0 ^= mask & (x0 ^ e.x[0])
		x1 ^= mask & (x1 ^ e.x[1])
		x2 ^= mask & (x2 ^ e.x[2])
		x3 ^= mask & (x3 ^ e.x[3])
		y0 ^= mask & (y0 ^ e.y[0])
		y1 ^= mask & (y1 ^ e.y[1])
		y2 ^= mask & (y2 ^ e.y[2])
		y3 ^= mask & (y3 ^ e.y[3])
		z0 ^= mask & (z0 ^ e.z[0])
		z1 ^= mask & (z1 ^ e.z[1])
		z2 ^= mask & (z2 ^ e.z[2])
		z3 ^= mask & (z3 ^ e.z[3])
	}
	p.x = fieldElement{x0, x1, x2, x3}
	p.y = fieldElement{y0, y1, y2, y3}
	p.z = fieldElement{z0, z1, z2, z3}
	p.condNeg(int(m&1) ^ flipSign)
}

// ctEqInt returns 1 if a == b and 0 otherwise, for small non-negative ints,
// in constant time.
func ctEqInt(a, b int) int {
	x := uint64(a ^ b)
	return int(1 ^ ((x | -x) >> 63))
}

// scalarMult sets p = k·q in constant time.
func (p *projPoint) scalarMult(k *Scalar, q *projPoint) {
	k1, k2, neg1, neg2 := glvSplit(&k.s)
	var d1, d2 [smDigits]int
	recodeSigned(&k1, smWindow, d1[:])
	recodeSigned(&k2, smWindow, d2[:])

	// t1[i] = (i+1)·q; t2[i] = λ·(i+1)·q = (β·X, Y, Z).
	var t1, t2 [smEntries]projPoint
	t1[0] = *q
	t1[1].double(q)
	for i := 2; i < smEntries; i++ {
		t1[i].add(&t1[i-1], q)
	}
	for i := range t1 {
		t2[i].x.mul(&t1[i].x, &glvBeta)
		t2[i].y = t1[i].y
		t2[i].z = t1[i].z
	}

	var acc, e projPoint
	acc.lookupProj(&t1, d1[smDigits-1], neg1)
	e.lookupProj(&t2, d2[smDigits-1], neg2)
	acc.add(&acc, &e)
	for i := smDigits - 2; i >= 0; i-- {
		for j := 0; j < smWindow; j++ {
			acc.double(&acc)
		}
		e.lookupProj(&t1, d1[i], neg1)
		acc.add(&acc, &e)
		e.lookupProj(&t2, d2[i], neg2)
		acc.add(&acc, &e)
	}
	*p = acc
}

// ScalarMult sets p = k·q and returns p. It runs in constant time for every
// k and q (including q = O) and does not allocate.
func (p *Point) ScalarMult(k *Scalar, q *Point) *Point {
	var r projPoint
	r.scalarMult(k, q.get())
	return p.put(&r)
}

// VarTimeDoubleScalarBaseMult sets p = a·G + b·q and returns p.
//
// It is meant for public inputs only (signature and proof verification) and
// makes no constant-time promise. It currently combines the constant-time
// fixed-base comb and GLV multiplication, which on this code base is faster
// than decred's variable-time routines plus the conversions between
// representations (see doc.go); a dedicated variable-time Strauss–Shamir
// could be substituted without changing callers.
func (p *Point) VarTimeDoubleScalarBaseMult(a, b *Scalar, q *Point) *Point {
	var ag, bq projPoint
	ag.scalarBaseMult(a)
	bq.scalarMult(b, q.get())
	ag.add(&ag, &bq)
	return p.put(&ag)
}
