package transcript

import "crypto/subtle"

// Commit returns the commitment Com = H(label, fields..., ω) of PROTOCOL.md §2.8. The fields
// are the binding fields (setup digest, committer index, σ) followed by the committed values;
// ω = RandomBytes(32) is drawn by the caller and is secret until opened.
func Commit(label Label, omega [32]byte, fields ...[]byte) [32]byte {
	h := getHasher()
	h.Reset(label)
	h.Fields(fields...)
	h.Field(omega[:])
	out := h.Sum()
	putHasher(h)
	return out
}

// VerifyOpening reports whether (fields, ω) opens com under label, that is whether
// com = Commit(label, ω, fields...). The compared values are public once opened; the
// comparison is constant-time anyway.
func VerifyOpening(com [32]byte, label Label, omega [32]byte, fields ...[]byte) bool {
	got := Commit(label, omega, fields...)
	return subtle.ConstantTimeCompare(got[:], com[:]) == 1
}
