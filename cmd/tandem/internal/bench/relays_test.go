package bench

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tandem-mpc/tandem/relay"
	"github.com/tandem-mpc/tandem/relay/relaytest"
)

// TestCountingLink: only publishes count, with their whole length (header included), and only
// once written.
func TestCountingLink(t *testing.T) {
	a, b := relaytest.Pipe()
	defer b.Close(relay.CloseNormal, "")
	var c counter
	dial := counting(func(context.Context) (relay.Link, error) { return a, nil }, &c)
	l, err := dial(t.Context())
	require.NoError(t, err)

	var id relay.MsgID
	pub, err := relay.PublishFrame(id, time.Minute, 0, make([]byte, 100))
	require.NoError(t, err)
	for _, f := range [][]byte{relay.AskFrame(id, time.Minute), pub, relay.UnaskFrame(id), pub} {
		require.NoError(t, l.WriteFrame(t.Context(), f))
		_, err := b.ReadFrame(t.Context())
		require.NoError(t, err)
	}
	assert.Equal(t, int64(2*(relay.HeaderSize+100)), c.pubBytes.Load())
	assert.Equal(t, int64(2), c.pubFrames.Load())

	require.NoError(t, l.Close(relay.CloseNormal, ""))
	assert.Error(t, l.WriteFrame(t.Context(), pub))
	assert.Equal(t, int64(2), c.pubFrames.Load(), "a failed write does not count")
}
