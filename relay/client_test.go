package relay

import (
	"fmt"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func testID(n int) MsgID {
	var id MsgID
	id[0] = byte(n)
	id[1] = byte(n >> 8)
	id[31] = 0xA5
	return id
}

func testPub(t testing.TB, id MsgID, ttl time.Duration, body string) []byte {
	t.Helper()
	f, err := PublishFrame(id, ttl, 0, []byte(body))
	require.NoError(t, err)
	return f
}

// fastOpts are options for in-memory tests: a quick backoff without jitter.
func fastOpts() *ClientOptions {
	return &ClientOptions{Backoff: Backoff{Initial: 10 * time.Millisecond, Max: 100 * time.Millisecond, Jitter: -1}}
}

func newFakeClient(t *testing.T, r *fakeRelay, opts *ClientOptions) *Client {
	t.Helper()
	if opts == nil {
		opts = fastOpts()
	}
	c, err := NewClient(t.Context(), r.dialer(), opts)
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// bubble runs f inside a synctest bubble with a fresh fake relay.
func bubble(t *testing.T, f Features, fn func(t *testing.T, r *fakeRelay)) {
	t.Helper()
	synctest.Test(t, func(t *testing.T) { fn(t, newFakeRelay(f)) })
}

// take returns the frames buffered in ch once the bubble is idle.
func take(ch <-chan []byte) [][]byte {
	synctest.Wait()
	var out [][]byte
	for {
		select {
		case f, ok := <-ch:
			if !ok {
				return out
			}
			out = append(out, f)
		default:
			return out
		}
	}
}

func takeEvents(ch <-chan Event) []Event {
	synctest.Wait()
	var out []Event
	for {
		select {
		case e, ok := <-ch:
			if !ok {
				return out
			}
			out = append(out, e)
		default:
			return out
		}
	}
}

func kinds(evs []Event) []EventKind {
	var k []EventKind
	for _, e := range evs {
		k = append(k, e.Kind)
	}
	return k
}

func TestPublishAskDelivery(t *testing.T) {
	bubble(t, Features{}, func(t *testing.T, r *fakeRelay) {
		a, b := newFakeClient(t, r, nil), newFakeClient(t, r, nil)
		until := time.Now().Add(time.Minute)
		ctx := t.Context()

		// Ask first, then publish: the waiter receives it.
		f1 := testPub(t, testID(1), time.Minute, "one")
		require.NoError(t, b.Ask(ctx, testID(1), until))
		synctest.Wait()
		require.NoError(t, a.Publish(ctx, f1, until))
		assert.Equal(t, [][]byte{f1}, take(b.Messages()))

		// Publish first, then ask: the stored candidate is delivered.
		f2 := testPub(t, testID(2), time.Minute, "two")
		require.NoError(t, a.Publish(ctx, f2, until))
		synctest.Wait()
		require.NoError(t, b.Ask(ctx, testID(2), until))
		assert.Equal(t, [][]byte{f2}, take(b.Messages()))

		assert.Empty(t, take(a.Messages()), "the publisher asked for nothing")
		assert.Equal(t, []EventKind{Connected}, kinds(takeEvents(a.Events())))
		assert.Equal(t, uint64(2), b.Stats().Delivered)
	})
}

func TestPublishValidation(t *testing.T) {
	bubble(t, Features{Version: 1, MaxFrame: 100}, func(t *testing.T, r *fakeRelay) {
		c := newFakeClient(t, r, &ClientOptions{MaxFrameBytes: 200})
		until := time.Now().Add(time.Minute)
		id := testID(1)
		reserved := testPub(t, id, time.Minute, "x")
		reserved[35] |= 0x10 // flag 0x1000
		tests := []struct {
			name  string
			frame []byte
			want  error
		}{
			{"empty", nil, ErrInvalidFrame},
			{"short", make([]byte, 35), ErrInvalidFrame},
			{"ask-sized", AskFrame(id, time.Minute), ErrInvalidFrame},
			{"reserved flags", reserved, ErrInvalidFrame},
			{"above the relay's max-frame", testPub(t, id, time.Minute, string(make([]byte, 65))), ErrFrameTooLarge},
			{"at the relay's max-frame", testPub(t, id, time.Minute, string(make([]byte, 64))), nil},
		}
		for _, tt := range tests {
			err := c.Publish(t.Context(), tt.frame, until)
			if tt.want == nil {
				assert.NoError(t, err, tt.name)
			} else {
				assert.ErrorIs(t, err, tt.want, tt.name)
			}
		}
		synctest.Wait()
		assert.Equal(t, 1, r.count(FramePublish, id), "only the valid frame reached the relay")
	})
	bubble(t, Features{}, func(t *testing.T, r *fakeRelay) {
		c := newFakeClient(t, r, &ClientOptions{MaxFrameBytes: 100})
		big := testPub(t, testID(1), time.Minute, string(make([]byte, 65)))
		assert.ErrorIs(t, c.Publish(t.Context(), big, time.Now().Add(time.Minute)), ErrFrameTooLarge)
	})
}

func TestPublishCopiesFrame(t *testing.T) {
	bubble(t, Features{}, func(t *testing.T, r *fakeRelay) {
		a, b := newFakeClient(t, r, nil), newFakeClient(t, r, nil)
		until := time.Now().Add(time.Minute)
		f := testPub(t, testID(1), time.Minute, "body")
		want := append([]byte(nil), f...)
		require.NoError(t, a.Publish(t.Context(), f, until))
		f[HeaderSize] = 'X' // the caller reuses its buffer
		require.NoError(t, b.Ask(t.Context(), testID(1), until))
		assert.Equal(t, [][]byte{want}, take(b.Messages()))
	})
}

func TestScopeRouting(t *testing.T) {
	bubble(t, Features{}, func(t *testing.T, r *fakeRelay) {
		pub, c := newFakeClient(t, r, nil), newFakeClient(t, r, nil)
		s1, s2 := c.Scope(), c.Scope()
		until := time.Now().Add(time.Minute)
		ctx := t.Context()
		var want1, want2 [][]byte
		for i := range 10 { // interleaved ids: even ones for s1, odd ones for s2
			s := s1
			if i%2 == 1 {
				s = s2
			}
			require.NoError(t, s.Ask(ctx, testID(i), until))
		}
		synctest.Wait()
		for i := range 10 {
			f := testPub(t, testID(i), time.Minute, fmt.Sprint("m", i))
			require.NoError(t, pub.Publish(ctx, f, until))
			if i%2 == 0 {
				want1 = append(want1, f)
			} else {
				want2 = append(want2, f)
			}
		}
		assert.Equal(t, want1, take(s1.Messages()))
		assert.Equal(t, want2, take(s2.Messages()))
		assert.Empty(t, take(c.Messages()))

		// A frame nobody asked for is dropped and counted.
		before := c.Stats().Unasked
		r.inject(testPub(t, testID(99), time.Minute, "stray"))
		synctest.Wait()
		assert.Equal(t, before+1, c.Stats().Unasked)

		// Both a scope and the root ask for one id: both receive their own copy.
		require.NoError(t, s1.Ask(ctx, testID(50), until))
		require.NoError(t, c.Ask(ctx, testID(50), until))
		synctest.Wait()
		f := testPub(t, testID(50), time.Minute, "shared")
		require.NoError(t, pub.Publish(ctx, f, until))
		got1, got0 := take(s1.Messages()), take(c.Messages())
		require.Equal(t, [][]byte{f}, got1)
		require.Equal(t, [][]byte{f}, got0)
		got1[0][HeaderSize] = 'Z'
		assert.Equal(t, f, got0[0], "receivers do not share a buffer")

		// Scope events are copies of the client's.
		r.drop()
		time.Sleep(time.Second)
		assert.Equal(t, []EventKind{Disconnected, Reconnected}, kinds(takeEvents(s2.Events())))
	})
}

func TestScopeFullBufferDoesNotBlock(t *testing.T) {
	bubble(t, Features{}, func(t *testing.T, r *fakeRelay) {
		pub := newFakeClient(t, r, nil)
		opts := fastOpts()
		opts.MessageBuffer = 2
		c := newFakeClient(t, r, opts)
		slow, fast := c.Scope(), c.Scope()
		until := time.Now().Add(time.Minute)
		ctx := t.Context()
		for i := range 5 {
			require.NoError(t, slow.Ask(ctx, testID(i), until))
		}
		require.NoError(t, fast.Ask(ctx, testID(100), until))
		synctest.Wait()
		for i := range 5 {
			require.NoError(t, pub.Publish(ctx, testPub(t, testID(i), time.Minute, "s"), until))
		}
		fastFrame := testPub(t, testID(100), time.Minute, "f")
		require.NoError(t, pub.Publish(ctx, fastFrame, until))
		assert.Equal(t, [][]byte{fastFrame}, take(fast.Messages()), "a full scope does not block others")
		assert.Equal(t, uint64(3), slow.Dropped())
		assert.Equal(t, uint64(3), c.Stats().Dropped)
		assert.Len(t, take(slow.Messages()), 2)

		// A repeated ASK recovers what was dropped (the relay re-delivers).
		for i := 2; i < 5; i++ {
			require.NoError(t, slow.Ask(ctx, testID(i), until))
			got := take(slow.Messages())
			require.Len(t, got, 1)
			assert.Equal(t, testID(i), MsgID(got[0][:32]))
		}
	})
}

func TestForgetUnask(t *testing.T) {
	for _, unask := range []bool{false, true} {
		t.Run(fmt.Sprint("unask=", unask), func(t *testing.T) {
			bubble(t, Features{Version: 1, MaxTTL: time.Hour, Unask: unask}, func(t *testing.T, r *fakeRelay) {
				c := newFakeClient(t, r, nil)
				s1, s2 := c.Scope(), c.Scope()
				until := time.Now().Add(time.Minute)
				ctx := t.Context()
				shared, own := testID(1), testID(2)
				require.NoError(t, s1.Ask(ctx, shared, until))
				require.NoError(t, s2.Ask(ctx, shared, until))
				require.NoError(t, s1.Ask(ctx, own, until))

				s1.Forget(shared, own, testID(3)) // testID(3) was never asked
				synctest.Wait()
				want := 0
				if unask {
					want = 1
				}
				assert.Equal(t, 0, r.count(FrameUnask, shared), "s2 still asks")
				assert.Equal(t, want, r.count(FrameUnask, own))
				assert.Equal(t, 0, r.count(FrameUnask, testID(3)))

				require.NoError(t, s2.Close())
				synctest.Wait()
				assert.Equal(t, want, r.count(FrameUnask, shared), "closing the last asker")

				// A forgotten id is no longer routed or refreshed.
				pub := newFakeClient(t, r, nil)
				require.NoError(t, pub.Publish(ctx, testPub(t, own, time.Minute, "late"), until))
				assert.Empty(t, take(s1.Messages()))
				asks := r.count(FrameAsk, own)
				time.Sleep(5 * time.Minute)
				assert.Equal(t, asks, r.count(FrameAsk, own))
			})
		})
	}
}

func TestReleaseAndResend(t *testing.T) {
	bubble(t, Features{}, func(t *testing.T, r *fakeRelay) {
		c := newFakeClient(t, r, nil)
		s := c.Scope()
		until := time.Now().Add(time.Hour)
		ctx := t.Context()
		f1 := testPub(t, testID(1), time.Minute, "one")
		f2 := testPub(t, testID(2), time.Minute, "two")
		require.NoError(t, c.Publish(ctx, f1, until))
		require.NoError(t, s.Publish(ctx, f2, until))
		require.NoError(t, s.Ask(ctx, testID(3), until))
		synctest.Wait()

		require.NoError(t, s.Resend(ctx))
		synctest.Wait()
		assert.Equal(t, 1, r.count(FramePublish, testID(1)), "a scope re-sends only its own")
		assert.Equal(t, 2, r.count(FramePublish, testID(2)))
		assert.Equal(t, 2, r.count(FrameAsk, testID(3)))

		require.NoError(t, c.Resend(ctx))
		synctest.Wait()
		assert.Equal(t, 2, r.count(FramePublish, testID(1)), "the client re-sends everything")
		assert.Equal(t, 3, r.count(FramePublish, testID(2)))
		assert.Equal(t, 3, r.count(FrameAsk, testID(3)))

		c.Release(testID(1))
		s.Release(testID(1)) // not the scope's: no effect
		require.NoError(t, c.Resend(ctx))
		synctest.Wait()
		assert.Equal(t, 2, r.count(FramePublish, testID(1)), "released")
		assert.Equal(t, 4, r.count(FramePublish, testID(2)))

		// The Resend burst puts ASKs before PUBs.
		log := r.received()
		last := log[len(log)-2:]
		assert.Equal(t, FrameAsk, last[0].kind())
		assert.Equal(t, FramePublish, last[1].kind())

		require.NoError(t, s.Close())
		require.NoError(t, c.Resend(ctx))
		synctest.Wait()
		assert.Equal(t, 4, r.count(FramePublish, testID(2)), "closing a scope releases its frames")
		assert.ErrorIs(t, s.Publish(ctx, f2, until), ErrClosed)
		assert.ErrorIs(t, s.Resend(ctx), ErrClosed)
		_, open := <-s.Messages()
		assert.False(t, open)
	})
}

func TestSameFramePublishedByTwoScopes(t *testing.T) {
	bubble(t, Features{}, func(t *testing.T, r *fakeRelay) {
		c := newFakeClient(t, r, nil)
		s1, s2 := c.Scope(), c.Scope()
		until := time.Now().Add(time.Hour)
		f := testPub(t, testID(1), time.Minute, "same")
		require.NoError(t, s1.Publish(t.Context(), f, until))
		require.NoError(t, s2.Publish(t.Context(), f, until))
		s1.Release(testID(1))
		require.NoError(t, c.Resend(t.Context()))
		synctest.Wait()
		assert.Equal(t, 3, r.count(FramePublish, testID(1)), "still retained by s2")
		s2.Release(testID(1))
		require.NoError(t, c.Resend(t.Context()))
		synctest.Wait()
		assert.Equal(t, 3, r.count(FramePublish, testID(1)))
	})
}
