package bench

import (
	"log/slog"
	"net/http"
	"testing"

	"github.com/tandem-mpc/tandem/relay/server"
)

// The smoke tests also run against the real relay handler, with the per-IP limits off as the
// load tests require (WIRE.md §13.6).
func init() {
	smokeRelays["server"] = func(t *testing.T) http.Handler {
		s, err := server.New(server.Config{
			MaxConnsPerIP: server.Off, HandshakeRate: server.Off,
			Logger: slog.New(slog.DiscardHandler),
		}, nil)
		if err != nil {
			t.Fatalf("server.New: %v", err)
		}
		t.Cleanup(func() { _ = s.Close() })
		return s
	}
}
