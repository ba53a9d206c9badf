package redisstore

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain checks that no store, subscription or client goroutine outlives the tests.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
