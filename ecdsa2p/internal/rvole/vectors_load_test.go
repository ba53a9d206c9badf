package rvole

import "testing"

// loadVectorMessages returns the RV messages of the known-answer vectors, if present.
func loadVectorMessages(testing.TB) [][]byte { return nil }
