package ote

import "testing"

// loadVectorMessages returns the OTE messages of the known-answer vectors, if present.
func loadVectorMessages(testing.TB) [][]byte { return nil }
