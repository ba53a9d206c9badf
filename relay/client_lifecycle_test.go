package relay

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCallsHonourContext(t *testing.T) {
	bubble(t, Features{}, func(t *testing.T, r *fakeRelay) {
		c := newFakeClient(t, r, nil)
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		until := time.Now().Add(time.Hour)
		assert.ErrorIs(t, c.Ask(ctx, testID(1), until), context.Canceled)
		assert.ErrorIs(t, c.Publish(ctx, testPub(t, testID(1), time.Minute, "x"), until), context.Canceled)
		assert.ErrorIs(t, c.Resend(ctx), context.Canceled)
		synctest.Wait()
		assert.Empty(t, r.received())
	})
}

func TestPublishBlocksOnFullQueue(t *testing.T) {
	bubble(t, Features{}, func(t *testing.T, r *fakeRelay) {
		c := newFakeClient(t, r, &ClientOptions{WriteTimeout: time.Hour})
		r.mu.Lock()
		var fc *fakeConn
		for fc = range r.conns {
		}
		fc.stall = make(chan struct{}) // the link stops taking writes
		r.mu.Unlock()

		until := time.Now().Add(time.Hour)
		for i := range sendQueueFrames + 1 { // one in the writer, the rest queued
			require.NoError(t, c.Publish(t.Context(), testPub(t, testID(i), time.Minute, "q"), until))
		}
		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()
		blocked := testPub(t, testID(9999), time.Minute, "blocked")
		assert.ErrorIs(t, c.Publish(ctx, blocked, until), context.DeadlineExceeded)
		close(fc.stall)
		synctest.Wait()
		require.NoError(t, c.Resend(t.Context()))
		synctest.Wait()
		assert.Equal(t, 0, r.count(FramePublish, testID(9999)), "a Publish that timed out retains nothing")
		assert.Equal(t, 2, r.count(FramePublish, testID(sendQueueFrames)))
	})
}

func TestCallsAfterClose(t *testing.T) {
	bubble(t, Features{}, func(t *testing.T, r *fakeRelay) {
		c := newFakeClient(t, r, nil)
		s := c.Scope()
		require.NoError(t, c.Close())
		require.NoError(t, c.Close())
		until := time.Now().Add(time.Hour)
		ctx := t.Context()
		assert.ErrorIs(t, c.Ask(ctx, testID(1), until), ErrClosed)
		assert.ErrorIs(t, c.Publish(ctx, testPub(t, testID(1), time.Minute, "x"), until), ErrClosed)
		assert.ErrorIs(t, c.Resend(ctx), ErrClosed)
		assert.ErrorIs(t, s.Ask(ctx, testID(1), until), ErrClosed)
		c.Forget(testID(1))
		c.Release(testID(1))
		require.NoError(t, s.Close())
		for _, ch := range []<-chan []byte{c.Messages(), s.Messages(), c.Scope().Messages()} {
			_, open := <-ch
			assert.False(t, open)
		}
		for range c.Events() { // buffered events, then the close
		}
		assert.Equal(t, []int{CloseNormal}, r.closes, "Close sends 1000")
		assert.Zero(t, r.connCount())
	})
}

func TestNewClientErrors(t *testing.T) {
	_, err := NewClient(t.Context(), nil, nil)
	require.Error(t, err)
	bubble(t, Features{}, func(t *testing.T, r *fakeRelay) {
		r.refuse = func(int) error { return &HandshakeError{StatusCode: 401} }
		_, err := NewClient(t.Context(), r.dialer(), fastOpts())
		var he *HandshakeError
		require.ErrorAs(t, err, &he)
		assert.Equal(t, 401, he.StatusCode)
		assert.Equal(t, 1, r.dialCount(), "401 is not retried")

		r.refuse = func(int) error { return errors.New("connection refused") }
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		defer cancel()
		_, err = NewClient(ctx, r.dialer(), fastOpts())
		require.ErrorIs(t, err, context.DeadlineExceeded)
		assert.ErrorContains(t, err, "connection refused")

		before := r.dialCount()
		opts := fastOpts()
		opts.Backoff.Disable = true
		_, err = NewClient(t.Context(), r.dialer(), opts)
		assert.ErrorContains(t, err, "connection refused")
		assert.Equal(t, before+1, r.dialCount(), "Disable: one attempt per URL")

		// Retryable failures are retried until the relay accepts.
		r.refuse = func(n int) error {
			if n < before+5 {
				return &HandshakeError{StatusCode: 503}
			}
			return nil
		}
		c := newFakeClient(t, r, nil)
		assert.Equal(t, []EventKind{Connected}, kinds(takeEvents(c.Events())))
	})
}

func TestCloseUnblocksPublish(t *testing.T) {
	bubble(t, Features{}, func(t *testing.T, r *fakeRelay) {
		c := newFakeClient(t, r, &ClientOptions{WriteTimeout: time.Hour})
		r.mu.Lock()
		for fc := range r.conns {
			fc.stall = make(chan struct{})
		}
		r.mu.Unlock()
		until := time.Now().Add(time.Hour)
		for i := range sendQueueFrames + 1 {
			require.NoError(t, c.Publish(t.Context(), testPub(t, testID(i), time.Minute, "q"), until))
		}
		errc := make(chan error, 1)
		go func() { errc <- c.Publish(t.Context(), testPub(t, testID(9999), time.Minute, "b"), until) }()
		synctest.Wait()
		require.NoError(t, c.Close())
		assert.ErrorIs(t, <-errc, ErrClosed)
	})
}

func TestScopeSeesFailed(t *testing.T) {
	bubble(t, Features{}, func(t *testing.T, r *fakeRelay) {
		c := newFakeClient(t, r, nil)
		s := c.Scope()
		r.closeAll(&CloseError{Code: CloseMessageTooBig})
		synctest.Wait()
		evs := takeEvents(s.Events())
		require.Equal(t, []EventKind{Disconnected, Failed}, kinds(evs))
		assertFailed(t, evs[1].Err, &CloseError{Code: CloseMessageTooBig})
		assertFailed(t, s.Resend(t.Context()), &CloseError{Code: CloseMessageTooBig})
		s2 := c.Scope()
		assertFailed(t, s2.Ask(t.Context(), testID(1), time.Now().Add(time.Hour)), &CloseError{Code: CloseMessageTooBig})
		require.NoError(t, c.Close())
		_, open := <-s2.Messages()
		assert.False(t, open)
	})
}

func TestCloseFlushesQueue(t *testing.T) {
	bubble(t, Features{}, func(t *testing.T, r *fakeRelay) {
		c := newFakeClient(t, r, nil)
		until := time.Now().Add(time.Hour)
		for i := range 100 {
			require.NoError(t, c.Publish(t.Context(), testPub(t, testID(i), time.Minute, "last words"), until))
		}
		require.NoError(t, c.Close())
		for i := range 100 {
			assert.Equal(t, 1, r.count(FramePublish, testID(i)), "frame %d", i)
		}
	})
}
