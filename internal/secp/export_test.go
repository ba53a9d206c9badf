package secp

// Test hooks for the RFC 9380 intermediate values.

// HashToFieldForTest returns hash_to_field(msg, 2) as 32-byte big-endian
// encodings.
func HashToFieldForTest(msg, dst []byte) [2][32]byte {
	u := hashToField(msg, dst)
	return [2][32]byte{u[0].bytes(), u[1].bytes()}
}

// MapToCurveForTest returns map_to_curve(u) for a canonical 32-byte u.
func MapToCurveForTest(u [32]byte) *Point {
	var e fieldElement
	e.setBytes(&u)
	var p projPoint
	p.mapToCurve(&e)
	return new(Point).put(&p)
}
