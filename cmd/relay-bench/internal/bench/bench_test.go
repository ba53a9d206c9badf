package bench

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// smokeRelays lists the in-process relays the smoke tests run against: a tiny fake, and the
// real relay/server handler (registered by server_test.go).
var smokeRelays = map[string]func(t *testing.T) http.Handler{
	"fake": func(*testing.T) http.Handler { return newFakeRelay() },
}

func startRelay(t *testing.T, h http.Handler) string {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return "ws" + strings.TrimPrefix(srv.URL, "http") + "/v1/msg-relay"
}

func TestSmokeSessions(t *testing.T) {
	for name, mk := range smokeRelays {
		t.Run(name, func(t *testing.T) {
			url := startRelay(t, mk(t))
			res, err := Run(context.Background(), Config{
				Mode: ModeSessions, Targets: []string{url}, Shape: ShapeSign,
				Sessions: 4, Duration: 2 * time.Second, Unask: true,
				Observer: &Observer{PID: os.Getpid()},
			})
			require.NoError(t, err)
			s := res.Sessions
			require.NotNil(t, s)
			assert.Positive(t, s.Completed)
			assert.Zero(t, s.Failed, "every message must be delivered")
			assert.Zero(t, s.Unexpected)
			assert.Zero(t, res.BadFrames)
			assert.Equal(t, 8, res.PeakConns)
			// Both parties receive every round's message of every completed session.
			assert.GreaterOrEqual(t, s.Delivered, 2*int64(len(ShapeSign.Sizes))*s.Completed)
			assert.Equal(t, s.Delivered, int64(s.Latency.N))
			assert.LessOrEqual(t, s.Latency.P50us, s.Latency.P99us)
			assert.LessOrEqual(t, s.Latency.P99us, s.Latency.MaxUs)
			assert.Positive(t, s.SessionsPerSec)
			require.NotNil(t, s.Relay)
			assert.Positive(t, s.Relay.RSSEnd)
		})
	}
}

func TestSmokeRate(t *testing.T) {
	for name, mk := range smokeRelays {
		t.Run(name, func(t *testing.T) {
			url := startRelay(t, mk(t))
			res, err := Run(context.Background(), Config{
				Mode: ModeRate, Targets: []string{url}, Shape: ShapeFlat(1024),
				Conns: 8, Rates: []float64{200, 400}, Step: time.Second, StopP99: -1,
				Duration: 4 * time.Second, Unask: true,
			})
			require.NoError(t, err)
			require.Len(t, res.Steps, 2)
			for _, st := range res.Steps {
				assert.Positive(t, st.Sent)
				assert.Equal(t, st.Sent, st.Delivered, "every message must be delivered")
				assert.Zero(t, st.Missing)
				assert.Zero(t, st.Unexpected)
				assert.Equal(t, int(st.Delivered), st.Latency.N)
			}
			assert.Zero(t, res.BadFrames)
		})
	}
}

func TestSmokeIdle(t *testing.T) {
	for name, mk := range smokeRelays {
		t.Run(name, func(t *testing.T) {
			url := startRelay(t, mk(t))
			res, err := Run(context.Background(), Config{
				Mode: ModeIdle, Targets: []string{url}, Idle: 40, Duration: 2500 * time.Millisecond,
				Observer: &Observer{PID: os.Getpid()},
			})
			require.NoError(t, err)
			require.NotNil(t, res.Idle)
			assert.Equal(t, 40, res.Idle.Connections)
			assert.Equal(t, 40, res.Idle.Held)
			assert.Equal(t, 40, res.Idle.Handshake.N)
			assert.Positive(t, res.Idle.RSS0)
		})
	}
}

func TestTwoTargetsSplitParties(t *testing.T) {
	r := &runner{cfg: &Config{Targets: []string{"a", "b"}}}
	for lane := range 4 {
		assert.NotEqual(t, r.partyTarget(2*lane), r.partyTarget(2*lane+1))
	}
}
