package bench

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package if a run leaves a goroutine behind: Run must close both relays,
// every client and the listener before it returns.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
