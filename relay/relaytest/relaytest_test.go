package relaytest_test

import (
	"context"
	"log/slog"
	"net/netip"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/tandem-mpc/tandem/relay"
	"github.com/tandem-mpc/tandem/relay/relaytest"
	"github.com/tandem-mpc/tandem/relay/server"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func testCfg() server.Config {
	cfg := server.DefaultConfig()
	cfg.MaxConnsPerIP = server.Off
	cfg.HandshakeRate = server.Off
	cfg.Logger = slog.New(slog.DiscardHandler)
	return cfg
}

func id(n byte) relay.MsgID {
	var m relay.MsgID
	m[0] = n
	return m
}

func frame(t *testing.T, n byte, body string) []byte {
	f, err := relay.PublishFrame(id(n), 100*time.Second, 0, []byte(body))
	require.NoError(t, err)
	return f
}

func receive(t *testing.T, c *relay.Client) []byte {
	t.Helper()
	select {
	case f := <-c.Messages():
		return f
	case <-time.After(time.Minute):
		t.Fatal("no message")
		return nil
	}
}

func TestPipe(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		a, b := relaytest.Pipe()
		ctx := context.Background()
		require.NoError(t, a.WriteFrame(ctx, []byte("one")))
		require.NoError(t, a.WriteFrame(ctx, []byte("two")))
		require.NoError(t, a.Close(relay.CloseGoingAway, "going away"))
		got, err := b.ReadFrame(ctx)
		require.NoError(t, err)
		assert.Equal(t, "one", string(got))
		got, err = b.ReadFrame(ctx)
		require.NoError(t, err)
		assert.Equal(t, "two", string(got), "frames written before an orderly close arrive")
		_, err = b.ReadFrame(ctx)
		var ce *relay.CloseError
		require.ErrorAs(t, err, &ce)
		assert.Equal(t, relay.CloseGoingAway, ce.Code)
		assert.ErrorIs(t, a.WriteFrame(ctx, []byte("x")), relay.ErrClosed)
		_, err = a.ReadFrame(ctx)
		assert.ErrorIs(t, err, relay.ErrClosed)

		c, d := relaytest.Pipe()
		require.NoError(t, c.WriteFrame(ctx, []byte("lost")))
		require.NoError(t, c.Close(relay.CloseAbnormal, ""))
		_, err = d.ReadFrame(ctx)
		require.ErrorAs(t, err, &ce)
		assert.Equal(t, relay.CloseAbnormal, ce.Code, "an abrupt close drops what was in flight")

		e, _ := relaytest.Pipe()
		tctx, cancel := context.WithTimeout(ctx, time.Second)
		defer cancel()
		_, err = e.ReadFrame(tctx)
		assert.ErrorIs(t, err, context.DeadlineExceeded)
	})
}

func TestDialPublishAsk(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r, err := relaytest.New(testCfg())
		require.NoError(t, err)
		defer r.Close()
		ctx := context.Background()
		a, err := r.Dial(ctx, nil)
		require.NoError(t, err)
		defer a.Close()
		b, err := r.DialAs(ctx, netip.MustParseAddr("10.0.0.2"), nil)
		require.NoError(t, err)
		defer b.Close()
		assert.True(t, a.Features().Unask)
		until := time.Now().Add(time.Minute)
		f := frame(t, 1, "hello")
		require.NoError(t, a.Ask(ctx, id(1), until))
		require.NoError(t, b.Publish(ctx, f, until))
		assert.Equal(t, f, receive(t, a))
		synctest.Wait()
		assert.Equal(t, int64(1), r.Stats().StoredCandidates)
	})
}

// Junk first from an attacker, then the real frame: the waiter gets both (§3.4).
func TestInjectJunkFirst(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r, err := relaytest.New(testCfg())
		require.NoError(t, err)
		defer r.Close()
		ctx := context.Background()
		a, err := r.Dial(ctx, nil)
		require.NoError(t, err)
		defer a.Close()
		b, err := r.DialAs(ctx, netip.MustParseAddr("10.0.0.2"), nil)
		require.NoError(t, err)
		defer b.Close()
		junk, real := frame(t, 2, "junk"), frame(t, 2, "real")
		r.Inject(junk, netip.MustParseAddr("192.0.2.66"))
		require.NoError(t, a.Ask(ctx, id(2), time.Now().Add(time.Minute)))
		assert.Equal(t, junk, receive(t, a))
		require.NoError(t, b.Publish(ctx, real, time.Now().Add(time.Minute)))
		assert.Equal(t, real, receive(t, a))
	})
}

// DropConnections makes clients reconnect; their retained asks and publishes are re-sent.
func TestDropPauseDelay(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r, err := relaytest.New(testCfg())
		require.NoError(t, err)
		defer r.Close()
		ctx := context.Background()
		a, err := r.Dial(ctx, nil)
		require.NoError(t, err)
		defer a.Close()
		b, err := r.DialAs(ctx, netip.MustParseAddr("10.0.0.2"), nil)
		require.NoError(t, err)
		defer b.Close()
		until := time.Now().Add(10 * time.Minute)
		require.NoError(t, a.Ask(ctx, id(3), until))
		synctest.Wait()
		r.DropConnections(func(ci relaytest.ConnInfo) bool { return ci.IP == relaytest.DefaultIP })
		var ev relay.Event
		for ev.Kind != relay.Reconnected {
			ev = <-a.Events()
		}
		r.SetLinkDelay(2 * time.Second)
		r.Pause()
		f := frame(t, 3, "after drop")
		require.NoError(t, b.Publish(ctx, f, until))
		start := time.Now()
		synctest.Wait()
		select {
		case <-a.Messages():
			t.Fatal("delivered while paused")
		default:
		}
		r.Resume()
		assert.Equal(t, f, receive(t, a))
		assert.GreaterOrEqual(t, time.Since(start), 2*time.Second, "the link delay applies (virtual time)")
		assert.Positive(t, a.Stats().Reconnects)
	})
}

// The same relay over a real WebSocket on loopback.
func TestServeWebSocket(t *testing.T) {
	r, err := relaytest.New(testCfg())
	require.NoError(t, err)
	defer r.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ws, err := relay.Dial(ctx, r.ServeWebSocket(), nil)
	require.NoError(t, err)
	defer ws.Close()
	mem, err := r.Dial(ctx, nil)
	require.NoError(t, err)
	defer mem.Close()
	f := frame(t, 4, "across links")
	require.NoError(t, ws.Ask(ctx, id(4), time.Now().Add(time.Minute)))
	require.NoError(t, mem.Publish(ctx, f, time.Now().Add(time.Minute)))
	select {
	case got := <-ws.Messages():
		assert.Equal(t, f, got)
	case <-ctx.Done():
		t.Fatal(ctx.Err())
	}
}

func TestClosedRelay(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r, err := relaytest.New(testCfg())
		require.NoError(t, err)
		require.NoError(t, r.Close())
		_, err = r.LinkDialer(relaytest.DefaultIP)(context.Background())
		assert.Error(t, err)
		require.NoError(t, r.Close())
		bad := testCfg()
		bad.MaxCandidates = 99
		_, err = relaytest.New(bad)
		assert.Error(t, err)
	})
}
