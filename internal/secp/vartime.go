package secp

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
