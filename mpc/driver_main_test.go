package mpc_test

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package if any test leaves a goroutine behind (D16): every Run, client,
// relay and fault-transport goroutine must be gone.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
