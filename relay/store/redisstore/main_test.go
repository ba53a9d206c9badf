package redisstore

import (
	"log/slog"
	"testing"

	"go.uber.org/goleak"
)

// TestMain checks that no store, subscription or client goroutine outlives the tests.
// go-redis's dial-failure lines during the outage drills go to a discarding logger.
func TestMain(m *testing.M) {
	RouteClientLogs(slog.New(slog.DiscardHandler))
	goleak.VerifyTestMain(m)
}
