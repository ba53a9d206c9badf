package modn

import (
	"fmt"
	"log/slog"
	"math/bits"
)

// Acc accumulates a sum of up to 2^8 products of reduced scalars, and reduced scalars, in
// 576 bits without reducing, and reduces once ([Acc.Reduce]). The zero value is 0. It may
// hold a secret and never prints. Sums of more than 256 products (each below 2^512) and 256
// addends still fit: the bound is 2^576 overall, far above any use here (at most 512 products
// plus 512 addends, below 2^522).
type Acc [9]uint64

// MulAdd adds a·b. The product is formed column by column (product scanning) and each column
// is added into the sum as it is completed.
func (acc *Acc) MulAdd(a, b *Scalar) {
	var t acc3
	var c uint64
	t.muladd(a[0], b[0])
	acc[0], c = bits.Add64(acc[0], t.extract(), 0)
	t.muladd(a[0], b[1])
	t.muladd(a[1], b[0])
	acc[1], c = bits.Add64(acc[1], t.extract(), c)
	t.muladd(a[0], b[2])
	t.muladd(a[1], b[1])
	t.muladd(a[2], b[0])
	acc[2], c = bits.Add64(acc[2], t.extract(), c)
	t.muladd(a[0], b[3])
	t.muladd(a[1], b[2])
	t.muladd(a[2], b[1])
	t.muladd(a[3], b[0])
	acc[3], c = bits.Add64(acc[3], t.extract(), c)
	t.muladd(a[1], b[3])
	t.muladd(a[2], b[2])
	t.muladd(a[3], b[1])
	acc[4], c = bits.Add64(acc[4], t.extract(), c)
	t.muladd(a[2], b[3])
	t.muladd(a[3], b[2])
	acc[5], c = bits.Add64(acc[5], t.extract(), c)
	t.muladd(a[3], b[3])
	acc[6], c = bits.Add64(acc[6], t.extract(), c)
	acc[7], c = bits.Add64(acc[7], t.extract(), c)
	acc[8] += c
}

// Add adds a.
func (acc *Acc) Add(a *Scalar) {
	var c uint64
	acc[0], c = bits.Add64(acc[0], a[0], 0)
	acc[1], c = bits.Add64(acc[1], a[1], c)
	acc[2], c = bits.Add64(acc[2], a[2], c)
	acc[3], c = bits.Add64(acc[3], a[3], c)
	for i := 4; i < 9; i++ {
		acc[i], c = bits.Add64(acc[i], 0, c)
	}
}

// AddAcc adds the sum of b (so that partial sums computed apart can be combined).
func (acc *Acc) AddAcc(b *Acc) {
	var c uint64
	for i := range acc {
		acc[i], c = bits.Add64(acc[i], b[i], c)
	}
}

// Reduce returns the sum mod n. It does not change the accumulator.
func (acc *Acc) Reduce() Scalar {
	x := [9]uint64(*acc)
	return reduce(&x)
}

// Reset sets the sum to 0.
func (acc *Acc) Reset() { *acc = Acc{} }

// reduce returns x mod n for x < 2^576, folding the bits above 2^256 with 2^256 ≡ c, where
// c = 2^256 − n has the limbs c0, c1 and 1:
//
//	x = L + H·2^256, H < 2^320   → m = L + H·c < 2^450
//	m = L + H·2^256, H < 2^194   → p = L + H·c < 2^324
//	p = L + H·2^256, H < 2^68    → r = L + H·c < 2^256 + 2^197
//	r = L + b·2^256, b ∈ {0, 1}  → L + b·c < 2^256 (b = 1 implies L < 2^197)
//
// followed by one conditional subtraction of n. Each step sums its columns in a 192-bit
// accumulator (product scanning).
func reduce(x *[9]uint64) Scalar {
	var a acc3
	// Step 1: H = x4..x8.
	h0, h1, h2, h3, h4 := x[4], x[5], x[6], x[7], x[8]
	a.add(x[0])
	a.muladd(h0, c0)
	m0 := a.extract()
	a.add(x[1])
	a.muladd(h0, c1)
	a.muladd(h1, c0)
	m1 := a.extract()
	a.add(x[2])
	a.add(h0)
	a.muladd(h1, c1)
	a.muladd(h2, c0)
	m2 := a.extract()
	a.add(x[3])
	a.add(h1)
	a.muladd(h2, c1)
	a.muladd(h3, c0)
	m3 := a.extract()
	a.add(h2)
	a.muladd(h3, c1)
	a.muladd(h4, c0)
	m4 := a.extract()
	a.add(h3)
	a.muladd(h4, c1)
	m5 := a.extract()
	a.add(h4)
	m6 := a.extract()
	m7 := a.extract()

	// Step 2: H = m4..m7.
	a.add(m0)
	a.muladd(m4, c0)
	p0 := a.extract()
	a.add(m1)
	a.muladd(m4, c1)
	a.muladd(m5, c0)
	p1 := a.extract()
	a.add(m2)
	a.add(m4)
	a.muladd(m5, c1)
	a.muladd(m6, c0)
	p2 := a.extract()
	a.add(m3)
	a.add(m5)
	a.muladd(m6, c1)
	a.muladd(m7, c0)
	p3 := a.extract()
	a.add(m6)
	a.muladd(m7, c1)
	p4 := a.extract()
	a.add(m7)
	p5 := a.extract()

	// Step 3: H = p4, p5.
	a.add(p0)
	a.muladd(p4, c0)
	r0 := a.extract()
	a.add(p1)
	a.muladd(p4, c1)
	a.muladd(p5, c0)
	r1 := a.extract()
	a.add(p2)
	a.add(p4)
	a.muladd(p5, c1)
	r2 := a.extract()
	a.add(p3)
	a.add(p5)
	r3 := a.extract()
	b := a.extract()

	// Step 4: add b·c.
	m := -b
	var carry uint64
	r0, carry = bits.Add64(r0, c0&m, 0)
	r1, carry = bits.Add64(r1, c1&m, carry)
	r2, carry = bits.Add64(r2, 1&m, carry)
	r3, _ = bits.Add64(r3, 0, carry)
	return condSubN(&Scalar{r0, r1, r2, r3}, 0)
}

// reduce512 is reduce for x < 2^512 (x[8] = 0), with the smaller bounds that allow:
//
//	x = L + H·2^256, H < 2^256   → m = L + H·c < 2^386 (m6 < 4)
//	m = L + H·2^256, H < 2^130   → p = L + H·c < 2^260 (p4 < 16)
//	p = L + H·2^256, H < 16      → r = L + H·c < 2^256 + 2^133
//	r = L + b·2^256, b ∈ {0, 1}  → L + b·c < 2^256
func reduce512(x *[9]uint64) Scalar {
	var a acc3
	h0, h1, h2, h3 := x[4], x[5], x[6], x[7]
	a.add(x[0])
	a.muladd(h0, c0)
	m0 := a.extract()
	a.add(x[1])
	a.muladd(h0, c1)
	a.muladd(h1, c0)
	m1 := a.extract()
	a.add(x[2])
	a.add(h0)
	a.muladd(h1, c1)
	a.muladd(h2, c0)
	m2 := a.extract()
	a.add(x[3])
	a.add(h1)
	a.muladd(h2, c1)
	a.muladd(h3, c0)
	m3 := a.extract()
	a.add(h2)
	a.muladd(h3, c1)
	m4 := a.extract()
	a.add(h3)
	m5 := a.extract()
	m6 := a.extract()

	a.add(m0)
	a.muladd(m4, c0)
	p0 := a.extract()
	a.add(m1)
	a.muladd(m4, c1)
	a.muladd(m5, c0)
	p1 := a.extract()
	a.add(m2)
	a.add(m4)
	a.muladd(m5, c1)
	a.muladd(m6, c0)
	p2 := a.extract()
	a.add(m3)
	a.add(m5)
	a.muladd(m6, c1)
	p3 := a.extract()
	a.add(m6)
	p4 := a.extract()

	a.add(p0)
	a.muladd(p4, c0)
	r0 := a.extract()
	a.add(p1)
	a.muladd(p4, c1)
	r1 := a.extract()
	a.add(p2)
	a.add(p4)
	r2 := a.extract()
	a.add(p3)
	r3 := a.extract()
	b := a.extract()

	m := -b
	var carry uint64
	r0, carry = bits.Add64(r0, c0&m, 0)
	r1, carry = bits.Add64(r1, c1&m, carry)
	r2, carry = bits.Add64(r2, 1&m, carry)
	r3, _ = bits.Add64(r3, 0, carry)
	return condSubN(&Scalar{r0, r1, r2, r3}, 0)
}

// acc3 is a 192-bit accumulator t0 + t1·2^64 + t2·2^128 for column sums.
type acc3 struct{ t0, t1, t2 uint64 }

// muladd adds x·y.
func (a *acc3) muladd(x, y uint64) {
	hi, lo := bits.Mul64(x, y)
	var c uint64
	a.t0, c = bits.Add64(a.t0, lo, 0)
	a.t1, c = bits.Add64(a.t1, hi, c)
	a.t2 += c
}

// add adds x.
func (a *acc3) add(x uint64) {
	var c uint64
	a.t0, c = bits.Add64(a.t0, x, 0)
	a.t1, c = bits.Add64(a.t1, 0, c)
	a.t2 += c
}

// extract returns the low limb and shifts the accumulator down by 64 bits.
func (a *acc3) extract() uint64 {
	r := a.t0
	a.t0, a.t1, a.t2 = a.t1, a.t2, 0
	return r
}

// String returns a redacted placeholder.
func (acc Acc) String() string { return "modn.Acc(REDACTED)" }

// GoString returns a redacted placeholder.
func (acc Acc) GoString() string { return acc.String() }

// Format prints a redacted placeholder for every verb.
func (acc Acc) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(acc.String())) }

// LogValue implements slog.LogValuer with a redacted placeholder.
func (acc Acc) LogValue() slog.Value { return slog.StringValue("REDACTED") }

// MarshalJSON encodes a redacted placeholder, so that JSON loggers that bypass LogValue cannot
// print the value.
func (acc Acc) MarshalJSON() ([]byte, error) { return []byte(`"REDACTED"`), nil }
