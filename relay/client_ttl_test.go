package relay

import (
	"fmt"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func (r *fakeRelay) frames(kind FrameKind, id MsgID) []fakeRecv {
	var out []fakeRecv
	for _, e := range r.received() {
		if e.kind() == kind && e.id() == id {
			out = append(out, e)
		}
	}
	return out
}

// checkAskRefresh asserts the relay's waiter for asks never lapsed before until: each ASK
// carries TTL min(until − now, limit) rounded up to the code, the next one comes at half that
// TTL, none after until or after one that covers until, and the last one covers until.
func checkAskRefresh(t *testing.T, asks []fakeRecv, start, until time.Time, limit time.Duration) {
	t.Helper()
	require.NotEmpty(t, asks)
	assert.Equal(t, start, asks[0].at)
	for i, a := range asks {
		assert.True(t, a.at.Before(until), "ask %d after until", i)
		assert.Equal(t, DecodeTTL(EncodeTTL(min(until.Sub(a.at), limit))), a.ttl(), "ask %d ttl", i)
		if i > 0 {
			prev := asks[i-1]
			assert.Equal(t, prev.ttl()/2, a.at.Sub(prev.at), "ask %d comes at half the previous TTL", i)
			assert.True(t, prev.at.Add(prev.ttl()).Before(until), "ask %d: the previous one covered until", i)
		}
	}
	last := asks[len(asks)-1]
	assert.False(t, last.at.Add(last.ttl()).Before(until), "the last ask covers until")
}

func TestAskRefresh(t *testing.T) {
	tests := []struct {
		name    string
		f       Features
		session time.Duration
		limit   time.Duration
	}{
		{"original relay, 10 min", Features{}, 10 * time.Minute, 255 * time.Second},
		{"max-ttl 1h, 30 min", Features{Version: 1, MaxTTL: time.Hour}, 30 * time.Minute, time.Hour},
		{"max-ttl 60s, 5 min", Features{Version: 1, MaxTTL: time.Minute}, 5 * time.Minute, time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bubble(t, tt.f, func(t *testing.T, r *fakeRelay) {
				c := newFakeClient(t, r, nil)
				require.Equal(t, tt.limit, c.HeaderTTLLimit())
				start := time.Now()
				until := start.Add(tt.session)
				require.NoError(t, c.Ask(t.Context(), testID(1), until))
				time.Sleep(tt.session + time.Hour)
				checkAskRefresh(t, r.frames(FrameAsk, testID(1)), start, until, tt.limit)
			})
		})
	}
}

func TestAskRefreshAcrossReconnect(t *testing.T) {
	bubble(t, Features{}, func(t *testing.T, r *fakeRelay) {
		c := newFakeClient(t, r, nil)
		until := time.Now().Add(10 * time.Minute)
		require.NoError(t, c.Ask(t.Context(), testID(1), until))
		time.Sleep(3 * time.Minute)
		r.drop()
		time.Sleep(time.Second)
		reasked := time.Now()
		before := len(r.frames(FrameAsk, testID(1)))
		time.Sleep(time.Hour)
		asks := r.frames(FrameAsk, testID(1))[before-1:]
		checkAskRefresh(t, asks, asks[0].at, until, 255*time.Second)
		assert.WithinDuration(t, reasked, asks[0].at, time.Second)
	})
}

func TestPublishRefresh(t *testing.T) {
	tests := []struct {
		name   string
		f      Features
		ttl    time.Duration
		period time.Duration
	}{
		{"header ttl 60s", Features{}, time.Minute, 61 * time.Second},
		{"clamped by max-ttl 30s", Features{Version: 1, MaxTTL: 30 * time.Second}, time.Minute, 31 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bubble(t, tt.f, func(t *testing.T, r *fakeRelay) {
				pub := newFakeClient(t, r, nil)
				start := time.Now()
				until := start.Add(5 * time.Minute)
				f := testPub(t, testID(1), tt.ttl, "refreshed")
				require.NoError(t, pub.Publish(t.Context(), f, until))

				// A peer that shows up late still finds the frame stored.
				time.Sleep(4*time.Minute + 50*time.Second)
				late := newFakeClient(t, r, nil)
				require.NoError(t, late.Ask(t.Context(), testID(1), until))
				assert.Equal(t, [][]byte{f}, take(late.Messages()))

				time.Sleep(time.Hour)
				pubs := r.frames(FramePublish, testID(1))
				var want []time.Time
				for at := start; at.Before(until); at = at.Add(tt.period) {
					want = append(want, at)
				}
				var got []time.Time
				for _, p := range pubs {
					got = append(got, p.at)
				}
				assert.Equal(t, want, got)
			})
		})
	}
}

func TestRefreshStopsOnForgetAndRelease(t *testing.T) {
	bubble(t, Features{}, func(t *testing.T, r *fakeRelay) {
		c := newFakeClient(t, r, nil)
		until := time.Now().Add(time.Hour)
		require.NoError(t, c.Ask(t.Context(), testID(1), until))
		require.NoError(t, c.Publish(t.Context(), testPub(t, testID(2), time.Minute, "p"), until))
		time.Sleep(5 * time.Minute)
		c.Forget(testID(1))
		c.Release(testID(2))
		synctest.Wait()
		asks, pubs := r.count(FrameAsk, testID(1)), r.count(FramePublish, testID(2))
		assert.Greater(t, asks, 1)
		assert.Greater(t, pubs, 1)
		time.Sleep(2 * time.Hour)
		assert.Equal(t, asks, r.count(FrameAsk, testID(1)))
		assert.Equal(t, pubs, r.count(FramePublish, testID(2)))
	})
}

func TestExpiredAsksAreNotRouted(t *testing.T) {
	bubble(t, Features{}, func(t *testing.T, r *fakeRelay) {
		c := newFakeClient(t, r, nil)
		require.NoError(t, c.Ask(t.Context(), testID(1), time.Now().Add(time.Minute)))
		time.Sleep(2 * time.Minute)
		r.inject(testPub(t, testID(1), time.Minute, "late"))
		assert.Empty(t, take(c.Messages()))
		assert.Equal(t, uint64(1), c.Stats().Unasked)
		// An until in the past is a no-op.
		require.NoError(t, c.Ask(t.Context(), testID(2), time.Now()))
		synctest.Wait()
		assert.Zero(t, r.count(FrameAsk, testID(2)))
	})
}

func TestHeaderTTLLimit(t *testing.T) {
	tests := []struct {
		configured time.Duration
		f          Features
		want       time.Duration
	}{
		{255 * time.Second, Features{}, 255 * time.Second},
		{255 * time.Second, Features{MaxTTL: time.Hour}, 255 * time.Second}, // no v: an original relay
		{255 * time.Second, Features{Version: 1}, 255 * time.Second},        // v=1 without max-ttl
		{255 * time.Second, Features{Version: 1, MaxTTL: time.Hour}, time.Hour},
		{255 * time.Second, Features{Version: 1, MaxTTL: 2 * time.Hour}, time.Hour},
		{255 * time.Second, Features{Version: 1, MaxTTL: 10 * time.Minute}, 10 * time.Minute},
		{255 * time.Second, Features{Version: 1, MaxTTL: 100 * time.Second}, 100 * time.Second},
		{2 * time.Hour, Features{Version: 1, MaxTTL: 3 * time.Hour}, 2 * time.Hour},
		{30 * time.Second, Features{Version: 2, MaxTTL: time.Hour}, time.Hour},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.configured, tt.f), func(t *testing.T) {
			assert.Equal(t, tt.want, effectiveTTLLimit(tt.configured, tt.f))
		})
	}
	assert.Equal(t, 255*time.Second, (*ClientOptions)(nil).withDefaults().HeaderTTLLimit)
	assert.Equal(t, MaxTTL, (&ClientOptions{HeaderTTLLimit: 1000 * time.Hour}).withDefaults().HeaderTTLLimit)

	bubble(t, Features{Version: 1, MaxTTL: time.Hour, Unask: true}, func(t *testing.T, r *fakeRelay) {
		c := newFakeClient(t, r, nil)
		s := c.Scope()
		assert.Equal(t, time.Hour, s.HeaderTTLLimit())
		assert.True(t, s.Features().Unask)
		require.NoError(t, s.Ask(t.Context(), testID(1), time.Now().Add(30*time.Minute)))
		synctest.Wait()
		asks := r.frames(FrameAsk, testID(1))
		require.Len(t, asks, 1)
		assert.Equal(t, 30*time.Minute, asks[0].ttl())
	})
}
