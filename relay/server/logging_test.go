package server_test

import (
	"bytes"
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tandem-mpc/tandem/relay"
)

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// §9.4: payloads are never logged; ids appear only at debug level and only as their first 8
// bytes; the query string (a token) never appears.
func TestLogsNeverCarryPayloadsOrFullIDs(t *testing.T) {
	var logs lockedBuffer
	cfg := testConfig()
	cfg.Logger = slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	cfg.MaxPendingAsks = 1
	srv, hs := startWS(t, cfg)
	var id relay.MsgID
	for i := range id {
		id[i] = 0xA0 + byte(i%16)
	}
	a, _, err := dialWS(context.Background(), wsURLOf(hs)+"?access_token=SECRETTOKEN", "", nil)
	require.NoError(t, err)
	b := dialRaw(t, hs)
	send(t, a, ask(id, time.Minute))
	p := pub(t, id, time.Minute, 0, "PAYLOAD-MUST-NOT-APPEAR")
	send(t, b, p)
	require.Equal(t, p, recv(t, a))
	send(t, a, ask(testID(9), time.Minute)) // a refusal (4001) is logged too
	assert.Equal(t, relay.CloseTooManyAsks, closeCode(t, a))
	b.Close(relay.CloseNormal, "")
	require.NoError(t, srv.Close())
	out := logs.String()
	assert.Contains(t, out, id.Short(), "short ids at debug")
	assert.NotContains(t, out, id.String())
	assert.NotContains(t, out, "PAYLOAD-MUST-NOT-APPEAR")
	assert.NotContains(t, out, "SECRETTOKEN")
	assert.Contains(t, out, `"msg":"refused"`)
	assert.Contains(t, out, `"msg":"connection closed"`)
}
