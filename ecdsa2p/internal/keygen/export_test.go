package keygen

// FlipTranscriptByte changes one byte of the local copy of this party's own payload of round
// r (1..3) held by a Round3 state, for N8.
func FlipTranscriptByte(r3 *Round3, r int) { r3.s.own[r-1][HeaderSize] ^= 0x01 }
