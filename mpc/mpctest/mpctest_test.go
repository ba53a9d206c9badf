package mpctest_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/tandem-mpc/tandem/mpc"
	"github.com/tandem-mpc/tandem/mpc/mpctest"
	"github.com/tandem-mpc/tandem/relay"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// fakeTransport delivers what the test pushes into in and records publishes.
type fakeTransport struct {
	mpc.Transport
	in  chan []byte
	pub [][]byte
}

func (f *fakeTransport) Messages() <-chan []byte { return f.in }
func (f *fakeTransport) Publish(_ context.Context, b []byte, _ time.Time) error {
	f.pub = append(f.pub, b)
	return nil
}

func frame(id byte, n int) []byte {
	b := make([]byte, n)
	b[0] = id
	return b
}

func recv(t *testing.T, ch <-chan []byte) []byte {
	t.Helper()
	select {
	case b := <-ch:
		return b
	case <-time.After(5 * time.Second):
		t.Fatal("no delivery")
		return nil
	}
}

func none(t *testing.T, ch <-chan []byte) {
	t.Helper()
	select {
	case b := <-ch:
		t.Fatalf("unexpected delivery %x", b[:1])
	case <-time.After(30 * time.Millisecond):
	}
}

func TestFaultTransportInbound(t *testing.T) {
	ft := &fakeTransport{in: make(chan []byte, 16)}
	f := mpctest.NewFaultTransport(ft)
	defer f.Close()
	id1 := relay.MsgID{1}
	f.OnInbound(
		mpctest.Rule{Match: mpctest.MatchID(id1), Action: mpctest.Drop, Times: 1},
		mpctest.Rule{Match: mpctest.MatchID(relay.MsgID{2}), Action: mpctest.Duplicate},
		mpctest.Rule{Match: mpctest.MatchID(relay.MsgID{3}), Action: mpctest.FlipBit, Bit: 8*40 + 3},
		mpctest.Rule{Match: mpctest.MatchID(relay.MsgID{4}), Action: mpctest.Delay, Delay: 50 * time.Millisecond},
	)
	ft.in <- frame(1, 40) // dropped once
	ft.in <- frame(1, 41) // passes
	assert.Len(t, recv(t, f.Messages()), 41)
	ft.in <- frame(2, 40)
	assert.Equal(t, recv(t, f.Messages()), recv(t, f.Messages()), "duplicated")
	ft.in <- frame(3, 48)
	got := recv(t, f.Messages())
	assert.Equal(t, byte(1<<3), got[40], "bit 3 of byte 40 flipped")
	ft.in <- frame(4, 40)
	ft.in <- frame(5, 40)
	assert.Equal(t, byte(5), recv(t, f.Messages())[0], "the delayed frame is overtaken")
	assert.Equal(t, byte(4), recv(t, f.Messages())[0])
	assert.Equal(t, 6, f.Delivered())
	none(t, f.Messages())
}

func TestFaultTransportReorderAndDeliver(t *testing.T) {
	ft := &fakeTransport{in: make(chan []byte, 16)}
	f := mpctest.NewFaultTransport(ft).Reorder(30 * time.Millisecond)
	defer f.Close()
	for i := range 4 {
		ft.in <- frame(byte(i), 40)
	}
	for i := 3; i >= 0; i-- {
		assert.Equal(t, byte(i), recv(t, f.Messages())[0])
	}
	require.True(t, f.Deliver(frame(9, 3)))
	assert.Equal(t, byte(9), recv(t, f.Messages())[0])
}

func TestFaultTransportPublish(t *testing.T) {
	ft := &fakeTransport{in: make(chan []byte)}
	f := mpctest.NewFaultTransport(ft)
	defer f.Close()
	f.OnPublish(mpctest.Rule{Action: mpctest.FlipBit, Times: 1}, mpctest.Rule{Match: mpctest.MatchID(relay.MsgID{7}), Action: mpctest.Drop})
	ctx := t.Context()
	require.NoError(t, f.Publish(ctx, frame(1, 40), time.Time{}))
	require.NoError(t, f.Publish(ctx, frame(1, 40), time.Time{}))
	require.NoError(t, f.Publish(ctx, frame(7, 40), time.Time{}))
	require.Len(t, ft.pub, 2)
	assert.Equal(t, byte(0x80), ft.pub[0][39], "the last bit flipped once")
	assert.Equal(t, frame(1, 40), ft.pub[1])
	assert.Len(t, f.Published(), 3, "recorded before faults")
}

func TestFaultTransportCloseStopsDelayed(t *testing.T) {
	ft := &fakeTransport{in: make(chan []byte, 1)}
	f := mpctest.NewFaultTransport(ft)
	f.OnInbound(mpctest.Rule{Action: mpctest.Delay, Delay: time.Hour})
	ft.in <- frame(1, 40)
	require.Eventually(t, func() bool { return f.Delivered() == 1 }, 5*time.Second, time.Millisecond)
	f.Close() // returns although a delivery is pending for an hour
	f.Close()
	assert.False(t, f.Deliver(frame(2, 40)))
}

func TestToyClasses(t *testing.T) {
	p0, p1 := mpctest.Pair(mpctest.SignedRounds(2), [32]byte{1})
	out, err := p0.Next(t.Context(), 1, nil)
	require.NoError(t, err)
	require.Len(t, out, 1)
	in := func(p []byte) []mpc.Inbound {
		return []mpc.Inbound{{Round: 1, Slot: mpctest.S(0), Payload: p}}
	}
	_, err = p1.Next(t.Context(), 1, nil)
	require.NoError(t, err)

	bad := append([]byte(nil), out[0]...)
	bad[0]++
	_, err = p1.Next(t.Context(), 2, in(bad))
	require.ErrorIs(t, err, mpc.ErrIgnoreInput)
	var ii mpc.IgnoredInputer
	require.ErrorAs(t, err, &ii)
	assert.Equal(t, 0, ii.IgnoredInput())

	bad = append([]byte(nil), out[0]...)
	bad[len(bad)-1]++
	_, err = p1.Next(t.Context(), 2, in(bad))
	var pf mpc.PeerFaulter
	require.ErrorAs(t, err, &pf)
	assert.True(t, pf.PeerFault())
	var ac mpc.AbortClassifier
	require.ErrorAs(t, err, &ac)
	c, d := ac.AbortClass()
	assert.Equal(t, mpc.ClassPeer, c)
	assert.Equal(t, mpctest.DetailBadPayload, d)

	_, err = p1.Next(t.Context(), 2, []mpc.Inbound{{Round: 2, Slot: mpctest.S(0), Payload: out[0]}})
	require.Error(t, err, "wrong round")
	require.False(t, errors.Is(err, mpc.ErrIgnoreInput))

	_, err = p1.Next(t.Context(), 2, in(out[0]))
	require.NoError(t, err, "the genuine payload")
	assert.Equal(t, 1, p1.Ignored())
}
