package relay

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// outage makes the relay refuse dials while it is on, recording when each dial happened.
type outage struct {
	mu    sync.Mutex
	on    bool
	err   error
	dials []time.Time
}

func (o *outage) refuse(int) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.dials = append(o.dials, time.Now())
	if o.on {
		return o.err
	}
	return nil
}

func (o *outage) set(on bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.on = on
}

func (o *outage) times() []time.Time {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]time.Time(nil), o.dials...)
}

func TestReconnectRepublishes(t *testing.T) {
	bubble(t, Features{}, func(t *testing.T, r *fakeRelay) {
		out := &outage{err: errors.New("connection refused")}
		r.refuse = out.refuse
		a, b := newFakeClient(t, r, nil), newFakeClient(t, r, nil)
		until := time.Now().Add(time.Hour)
		ctx := t.Context()
		f1 := testPub(t, testID(1), time.Minute, "before")
		f2 := testPub(t, testID(2), time.Minute, "during")
		require.NoError(t, a.Publish(ctx, f1, until))
		require.NoError(t, a.Ask(ctx, testID(3), until))
		require.NoError(t, b.Ask(ctx, testID(2), until))
		synctest.Wait()

		// The relay restarts: connections drop, the store is wiped, dials fail for a while.
		out.set(true)
		r.wipe()
		r.drop()
		synctest.Wait()
		require.NoError(t, a.Publish(ctx, f2, until), "retained while disconnected")
		time.Sleep(3 * time.Second)
		synctest.Wait()
		assert.Zero(t, r.count(FramePublish, testID(2)), "nothing is sent while disconnected")

		out.set(false)
		time.Sleep(time.Second)
		assert.Equal(t, [][]byte{f2}, take(b.Messages()), "delivered after re-ask and re-publish")

		evs := takeEvents(a.Events())
		require.Equal(t, []EventKind{Connected, Disconnected, Reconnected}, kinds(evs))
		var ce *CloseError
		require.ErrorAs(t, evs[1].Err, &ce)
		assert.Equal(t, CloseAbnormal, ce.Code)
		assert.Greater(t, evs[2].Attempt, 1)
		assert.Equal(t, uint64(1), a.Stats().Reconnects)

		// On A's new connection: its live ASK first, then both retained PUBs.
		var burst []fakeRecv
		lastConn := 0
		for _, e := range r.received() {
			if e.frame != nil && e.kind() != FrameInvalid && e.id() == testID(3) && e.kind() == FrameAsk {
				lastConn = e.conn
			}
		}
		for _, e := range r.received() {
			if e.conn == lastConn {
				burst = append(burst, e)
			}
		}
		require.Len(t, burst, 3)
		assert.Equal(t, FrameAsk, burst[0].kind())
		assert.Equal(t, FramePublish, burst[1].kind())
		assert.Equal(t, FramePublish, burst[2].kind())
	})
}

func TestTerminalErrors(t *testing.T) {
	tests := []struct {
		name string
		err  error
		opts func(*ClientOptions)
	}{
		{"1009 message too big", &CloseError{Code: CloseMessageTooBig}, nil},
		{"4001 too many asks", &CloseError{Code: CloseTooManyAsks, Reason: "too many asks"}, nil},
		{"backoff disabled", &CloseError{Code: CloseAbnormal}, func(o *ClientOptions) { o.Backoff.Disable = true }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bubble(t, Features{}, func(t *testing.T, r *fakeRelay) {
				opts := fastOpts()
				if tt.opts != nil {
					tt.opts(opts)
				}
				c := newFakeClient(t, r, opts)
				s := c.Scope()
				r.closeAll(tt.err)
				time.Sleep(time.Minute)
				evs := takeEvents(s.Events())
				require.Equal(t, []EventKind{Disconnected, Failed}, kinds(evs))
				assertFailed(t, evs[1].Err, tt.err)
				until := time.Now().Add(time.Hour)
				assertFailed(t, c.Publish(t.Context(), testPub(t, testID(1), time.Minute, "x"), until), tt.err)
				assertFailed(t, s.Ask(t.Context(), testID(1), until), tt.err)
				assertFailed(t, c.Resend(t.Context()), tt.err)
				assert.Equal(t, 1, r.dialCount(), "no reconnect")
				require.NoError(t, c.Close())
			})
		})
	}
	for _, status := range []int{401, 403} {
		t.Run(fmt.Sprint("handshake ", status, " on reconnect"), func(t *testing.T) {
			bubble(t, Features{}, func(t *testing.T, r *fakeRelay) {
				c := newFakeClient(t, r, nil)
				r.refuse = func(int) error { return &HandshakeError{StatusCode: status} }
				r.drop()
				time.Sleep(time.Minute)
				evs := takeEvents(c.Events())
				require.Equal(t, []EventKind{Connected, Disconnected, Failed}, kinds(evs))
				assertFailed(t, evs[2].Err, &HandshakeError{StatusCode: status})
				assert.Equal(t, 2, r.dialCount())
			})
		})
	}
}

func assertFailed(t *testing.T, err, cause error) {
	t.Helper()
	require.ErrorIs(t, err, ErrClosed)
	switch want := cause.(type) {
	case *CloseError:
		var ce *CloseError
		require.ErrorAs(t, err, &ce)
		assert.Equal(t, want.Code, ce.Code)
	case *HandshakeError:
		var he *HandshakeError
		require.ErrorAs(t, err, &he)
		assert.Equal(t, want.StatusCode, he.StatusCode)
	}
}

func TestRetryableCloseCodes(t *testing.T) {
	// The least delay from the drop to the first redial (WIRE.md §2.6), with a 10 ms schedule
	// and no jitter.
	tests := []struct {
		code int
		min  time.Duration
		max  time.Duration
	}{
		{CloseGoingAway, 10 * time.Millisecond, 10 * time.Millisecond},
		{CloseInternalError, 10 * time.Millisecond, 10 * time.Millisecond},
		{CloseServiceRestart, 0, 10 * time.Millisecond},
		{CloseTryAgainLater, time.Second, time.Second},
		{CloseSlowConsumer, 10 * time.Millisecond, 10 * time.Millisecond},
		{CloseRateLimited, 2 * time.Second, 2 * time.Second},
		{CloseStoreFull, 2 * time.Second, 2 * time.Second},
		{CloseIPQuota, 2 * time.Second, 2 * time.Second},
		{CloseNormal, 10 * time.Millisecond, 10 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.code), func(t *testing.T) {
			bubble(t, Features{}, func(t *testing.T, r *fakeRelay) {
				out := &outage{}
				r.refuse = out.refuse
				c := newFakeClient(t, r, nil)
				require.NoError(t, c.Ask(t.Context(), testID(1), time.Now().Add(time.Hour)))
				synctest.Wait()
				dropped := time.Now()
				r.closeAll(&CloseError{Code: tt.code, Reason: CloseReason(tt.code)})
				time.Sleep(time.Minute)
				dials := out.times()
				require.Len(t, dials, 2)
				wait := dials[1].Sub(dropped)
				assert.GreaterOrEqual(t, wait, tt.min)
				assert.LessOrEqual(t, wait, tt.max)
				evs := takeEvents(c.Events())
				assert.Equal(t, []EventKind{Connected, Disconnected, Reconnected}, kinds(evs))
				assert.Equal(t, 2, r.count(FrameAsk, testID(1)), "re-asked")
			})
		})
	}
}

func TestRetryAfterHonoured(t *testing.T) {
	bubble(t, Features{}, func(t *testing.T, r *fakeRelay) {
		out := &outage{err: &HandshakeError{StatusCode: 429, RetryAfter: 7 * time.Second}}
		r.refuse = out.refuse
		c := newFakeClient(t, r, nil)
		out.set(true)
		r.drop()
		time.Sleep(time.Second)
		out.set(false)
		time.Sleep(time.Minute)
		dials := out.times()
		require.Len(t, dials, 3)
		assert.GreaterOrEqual(t, dials[2].Sub(dials[1]), 7*time.Second)
		evs := takeEvents(c.Events())
		require.Equal(t, []EventKind{Connected, Disconnected, Reconnected}, kinds(evs))
		assert.Equal(t, 2, evs[2].Attempt)
	})
}

func TestBackoffSchedule(t *testing.T) {
	b := Backoff{}.withDefaults()
	assert.Equal(t, Backoff{Initial: 250 * time.Millisecond, Max: 10 * time.Second, Multiplier: 2, Jitter: 0.25}, b)
	mid := func() float64 { return 0.5 }
	low := func() float64 { return 0 }
	high := func() float64 { return 0.999999 }
	want := []time.Duration{250, 500, 1000, 2000, 4000, 8000, 10000, 10000}
	for k, w := range want {
		w *= time.Millisecond
		assert.Equal(t, w, b.delay(k, 0, mid), "attempt %d", k)
		assert.Equal(t, w*3/4, b.delay(k, 0, low), "attempt %d, -25%%", k)
		assert.InDelta(t, float64(w*5/4), float64(b.delay(k, 0, high)), float64(time.Millisecond), "attempt %d, +25%%", k)
	}
	assert.Equal(t, 3*time.Second, b.delay(0, 3*time.Second, mid), "floor")
	assert.Equal(t, 10*time.Second, b.delay(10000, 0, mid), "no overflow")
	noJitter := Backoff{Jitter: -1, Multiplier: 0.5}.withDefaults()
	assert.Equal(t, 250*time.Millisecond, noJitter.delay(3, 0, high), "multiplier below 1 is 1")
}

func TestIdleCloseReconnectsWhenNeeded(t *testing.T) {
	bubble(t, Features{}, func(t *testing.T, r *fakeRelay) {
		c := newFakeClient(t, r, nil)
		r.closeAll(&CloseError{Code: CloseIdle, Reason: "idle"})
		time.Sleep(time.Hour)
		assert.Equal(t, 1, r.dialCount(), "nothing retained: no redial")
		require.NoError(t, c.Ask(t.Context(), testID(1), time.Now().Add(time.Hour)))
		time.Sleep(time.Second)
		assert.Equal(t, 2, r.dialCount())
		assert.Equal(t, 1, r.count(FrameAsk, testID(1)), "sent in the reconnect burst")
	})
}

func TestEventsDropOldest(t *testing.T) {
	ch := make(chan Event, eventBuffer)
	for i := range 20 {
		pushEvent(ch, Event{Kind: Reconnected, Attempt: i})
	}
	require.Len(t, ch, eventBuffer)
	for i := 4; i < 20; i++ {
		assert.Equal(t, i, (<-ch).Attempt)
	}

	bubble(t, Features{}, func(t *testing.T, r *fakeRelay) {
		c := newFakeClient(t, r, nil)
		for range 10 {
			r.drop()
			time.Sleep(time.Second)
		}
		evs := takeEvents(c.Events())
		require.Len(t, evs, eventBuffer, "21 events, the oldest 5 dropped")
		assert.Equal(t, Disconnected, evs[0].Kind)
		assert.Equal(t, Reconnected, evs[len(evs)-1].Kind)
		assert.Equal(t, uint64(10), c.Stats().Reconnects)
	})
}

func TestCloseDuringReconnect(t *testing.T) {
	bubble(t, Features{}, func(t *testing.T, r *fakeRelay) {
		out := &outage{on: true, err: errors.New("connection refused")}
		c := newFakeClient(t, r, nil)
		r.refuse = out.refuse
		r.drop()
		time.Sleep(5 * time.Second)
		require.NoError(t, c.Close())
		n := len(out.times())
		time.Sleep(time.Minute)
		assert.Len(t, out.times(), n, "no dial after Close")
	})
}
