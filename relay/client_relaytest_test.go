package relay_test

import (
	"context"
	"log/slog"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tandem-mpc/tandem/relay"
	"github.com/tandem-mpc/tandem/relay/relaytest"
	"github.com/tandem-mpc/tandem/relay/server"
)

// These tests run the Client against the real relay (relay/server behind relay/relaytest),
// over in-memory links under virtual time and over a loopback WebSocket.

func frame(t *testing.T, n byte, body string) (relay.MsgID, []byte) {
	t.Helper()
	var id relay.MsgID
	id[0], id[31] = n, 0x5A
	f, err := relay.PublishFrame(id, time.Minute, 0, []byte(body))
	require.NoError(t, err)
	return id, f
}

func recv(t *testing.T, ch <-chan []byte) []byte {
	t.Helper()
	select {
	case f := <-ch:
		return f
	case <-time.After(time.Minute):
		t.Fatal("no frame delivered")
		return nil
	}
}

var quiet = slog.New(slog.DiscardHandler)

func fast() *relay.ClientOptions {
	return &relay.ClientOptions{Backoff: relay.Backoff{Initial: 10 * time.Millisecond, Max: 100 * time.Millisecond}}
}

func TestClientOverRelaytest(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r, err := relaytest.New(server.Config{Logger: quiet})
		require.NoError(t, err)
		defer r.Close()
		ctx := t.Context()
		alice, err := r.Dial(ctx, fast())
		require.NoError(t, err)
		defer alice.Close()
		bob, err := r.Dial(ctx, fast())
		require.NoError(t, err)
		defer bob.Close()
		assert.Equal(t, time.Hour, bob.HeaderTTLLimit(), "raised to the advertised max-ttl")
		assert.True(t, bob.Features().Unask)

		// Two sessions multiplexed on bob's connection, interleaved ids.
		s1, s2 := bob.Scope(), bob.Scope()
		until := time.Now().Add(10 * time.Minute)
		id1, f1 := frame(t, 1, "for s1")
		id2, f2 := frame(t, 2, "for s2")
		require.NoError(t, s1.Ask(ctx, id1, until))
		require.NoError(t, s2.Ask(ctx, id2, until))
		require.NoError(t, alice.Publish(ctx, f2, until))
		require.NoError(t, alice.Publish(ctx, f1, until))
		assert.Equal(t, f1, recv(t, s1.Messages()))
		assert.Equal(t, f2, recv(t, s2.Messages()))

		// The relay restarts (connections dropped, store wiped); alice publishes meanwhile.
		id3, f3 := frame(t, 3, "after the restart")
		require.NoError(t, s1.Ask(ctx, id3, until))
		synctest.Wait()
		r.Restart()
		require.NoError(t, alice.Publish(ctx, f3, until))
		for { // f1 comes again too: it is re-published and still asked for
			got := recv(t, s1.Messages())
			if string(got) == string(f3) {
				break
			}
			require.Equal(t, f1, got)
		}

		s1.Forget(id1, id3)
		s2.Forget(id2)
		require.NoError(t, s1.Close())
		require.NoError(t, s2.Close())
		synctest.Wait()
	})
}

func TestClientOverRelaytestWebSocket(t *testing.T) {
	r, err := relaytest.New(server.Config{Logger: quiet})
	require.NoError(t, err)
	defer r.Close()
	url := r.ServeWebSocket()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	alice, err := relay.Dial(ctx, url, fast())
	require.NoError(t, err)
	defer alice.Close()
	bob, err := relay.Dial(ctx, url, fast())
	require.NoError(t, err)
	defer bob.Close()
	assert.Equal(t, time.Hour, bob.HeaderTTLLimit())

	until := time.Now().Add(time.Minute)
	id, f := frame(t, 1, "over a real socket")
	require.NoError(t, bob.Ask(ctx, id, until))
	require.NoError(t, alice.Publish(ctx, f, until))
	assert.Equal(t, f, recv(t, bob.Messages()))

	r.DropConnections(nil)
	id2, f2 := frame(t, 2, "after the drop")
	require.NoError(t, bob.Ask(ctx, id2, until))
	require.NoError(t, alice.Publish(ctx, f2, until))
	for got := range bob.Messages() { // f may be re-delivered by the re-ask
		if string(got) == string(f2) {
			break
		}
	}
}

// WIRE.md §13.4 D15 at the client level: a 255 s TTL limit and a 10-minute session; the peer
// shows up after 9 minutes and still finds the frame, because the publisher re-published it.
func TestClientRefreshOutlivesRelayTTL(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r, err := relaytest.New(server.Config{Logger: quiet, MaxTTL: 255 * time.Second})
		require.NoError(t, err)
		defer r.Close()
		ctx := t.Context()
		alice, err := r.Dial(ctx, fast())
		require.NoError(t, err)
		defer alice.Close()
		require.Equal(t, 255*time.Second, alice.HeaderTTLLimit())

		until := time.Now().Add(10 * time.Minute)
		var id relay.MsgID
		id[0] = 0x15
		f, err := relay.PublishFrame(id, alice.HeaderTTLLimit(), 0, []byte("still here"))
		require.NoError(t, err)
		require.NoError(t, alice.Publish(ctx, f, until))

		time.Sleep(9 * time.Minute)
		bob, err := r.Dial(ctx, fast())
		require.NoError(t, err)
		defer bob.Close()
		require.NoError(t, bob.Ask(ctx, id, until))
		assert.Equal(t, f, recv(t, bob.Messages()))
	})
}
