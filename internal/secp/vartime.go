package secp

import "github.com/decred/dcrd/dcrec/secp256k1/v4"

// VarTimeDoubleScalarBaseMult sets p = a·G + b·q and returns p.
//
// It runs in variable time (it uses decred's *NonConst routines) and MUST be
// used only with public inputs, such as in signature and proof verification.
func (p *Point) VarTimeDoubleScalarBaseMult(a, b *Scalar, q *Point) *Point {
	var ag, bq, r secp256k1.JacobianPoint
	qj := q.toDecred()
	secp256k1.ScalarBaseMultNonConst(&a.s, &ag)
	secp256k1.ScalarMultNonConst(&b.s, &qj, &bq)
	secp256k1.AddNonConst(&ag, &bq, &r)
	return p.setDecred(&r)
}
