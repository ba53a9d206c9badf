package memstore_test

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"net/netip"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/tandem-mpc/tandem/relay"
	"github.com/tandem-mpc/tandem/relay/store"
	"github.com/tandem-mpc/tandem/relay/store/memstore"
)

// TestMain fails the package if any test leaves a goroutine behind (a sweeper not stopped).
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func pub(t testing.TB, id relay.MsgID, ttl time.Duration, body string, conn int) *store.PublishRequest {
	t.Helper()
	frame, err := relay.PublishFrame(id, ttl, 0, []byte(body))
	require.NoError(t, err)
	return &store.PublishRequest{
		ID: id, Frame: frame, Digest: sha256.Sum256([]byte(body)), TTL: ttl,
		From: store.Contributor{Conn: fmt.Sprint("c/", conn), IP: netip.PrefixFrom(netip.AddrFrom4([4]byte{10, 0, 0, byte(conn)}), 32)},
	}
}

func TestCloseStopsSweeper(t *testing.T) {
	defer goleak.VerifyNone(t)
	s := memstore.New(memstore.Config{SweepInterval: time.Millisecond}, nil)
	_, err := s.Publish(context.Background(), pub(t, relay.MsgID{1}, time.Millisecond, "x", 1))
	require.NoError(t, err)
	time.Sleep(5 * time.Millisecond)
	require.NoError(t, s.Close())
	require.NoError(t, s.Close(), "Close is idempotent")
}

func TestClosed(t *testing.T) {
	s := memstore.New(memstore.Config{}, nil)
	require.NoError(t, s.Close())
	ctx := context.Background()
	_, err := s.Publish(ctx, pub(t, relay.MsgID{1}, time.Second, "x", 1))
	require.ErrorIs(t, err, memstore.ErrClosed)
	require.ErrorIs(t, err, store.ErrUnavailable)
	_, err = s.Ask(ctx, relay.MsgID{1}, time.Second)
	require.ErrorIs(t, err, memstore.ErrClosed)
	_, err = s.Claim(ctx, relay.MsgID{1}, 1, [32]byte{})
	require.ErrorIs(t, err, memstore.ErrClosed)
	require.ErrorIs(t, s.Check(ctx), memstore.ErrClosed)
}

func TestCanceledContext(t *testing.T) {
	s := memstore.New(memstore.Config{}, nil)
	defer s.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := s.Publish(ctx, pub(t, relay.MsgID{1}, time.Second, "x", 1))
	require.ErrorIs(t, err, context.Canceled)
	_, err = s.Ask(ctx, relay.MsgID{1}, time.Second)
	require.ErrorIs(t, err, context.Canceled)
	require.Equal(t, store.Stats{}, s.Stats())
}

func TestInvalidRequest(t *testing.T) {
	s := memstore.New(memstore.Config{}, nil)
	defer s.Close()
	good := pub(t, relay.MsgID{1}, time.Second, "x", 1)
	tests := []struct {
		name string
		req  *store.PublishRequest
	}{
		{"nil", nil},
		{"no frame", &store.PublishRequest{ID: good.ID, Digest: good.Digest, TTL: time.Second}},
		{"header only", &store.PublishRequest{ID: good.ID, Frame: good.Frame[:relay.HeaderSize], TTL: time.Second}},
		{"short", &store.PublishRequest{ID: good.ID, Frame: good.Frame[:10], TTL: time.Second}},
		{"id mismatch", &store.PublishRequest{ID: relay.MsgID{2}, Frame: good.Frame, Digest: good.Digest, TTL: time.Second}},
		{"negative ttl", &store.PublishRequest{ID: good.ID, Frame: good.Frame, Digest: good.Digest, TTL: -time.Second}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, err := s.Publish(context.Background(), tt.req)
			require.ErrorIs(t, err, memstore.ErrInvalidRequest)
			require.ErrorIs(t, err, relay.ErrInvalidFrame)
			require.Zero(t, status)
		})
	}
	require.Equal(t, store.Stats{}, s.Stats())
}

func TestCheckReadyFraction(t *testing.T) {
	cost := memstore.CandidateBytes(relay.HeaderSize + 1)
	s := memstore.New(memstore.Config{MaxStoredBytes: 10 * cost, ReadyFraction: 0.5}, nil)
	defer s.Close()
	ctx := context.Background()
	for i := range 6 {
		require.NoError(t, s.Check(ctx), "at %d candidates", i)
		_, err := s.Publish(ctx, pub(t, relay.MsgID{byte(i)}, time.Minute, "x", 1))
		require.NoError(t, err)
	}
	err := s.Check(ctx)
	require.ErrorIs(t, err, store.ErrStoreFull, "6 of 10 is above one half")
	require.Equal(t, 6*cost, s.Stats().StoredBytes)
}

func TestUncapped(t *testing.T) {
	s := memstore.New(memstore.Config{MaxStoredBytes: -1}, nil)
	defer s.Close()
	_, err := s.Publish(context.Background(), pub(t, relay.MsgID{1}, time.Minute, "x", 1))
	require.NoError(t, err)
	require.NoError(t, s.Check(context.Background()))
}

// The sweeper runs on its own, in virtual time: a candidate is gone within one sweep interval
// after its deadline, and OnExpire sees the lag.
func TestSweeperVirtualTime(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		lags := make(chan time.Duration, 10)
		s := memstore.New(memstore.Config{OnExpire: func(kind string, lag time.Duration) { lags <- lag }}, nil)
		defer s.Close()
		_, err := s.Publish(context.Background(), pub(t, relay.MsgID{1}, 1050*time.Millisecond, "x", 1))
		require.NoError(t, err)
		time.Sleep(1100 * time.Millisecond)
		synctest.Wait()
		require.Equal(t, store.Stats{}, s.Stats())
		require.Equal(t, 50*time.Millisecond, <-lags, "swept at the 1.1 s tick")
	})
}

// FuzzPublish feeds arbitrary frames, ids and TTLs to Publish: it must never panic, must
// refuse what is not a PUB for the id, and must keep its accounting exact.
func FuzzPublish(f *testing.F) {
	f.Add([]byte{}, byte(0), int64(0), false)
	f.Add(make([]byte, 36), byte(0), int64(time.Second), true)
	frame, _ := relay.PublishFrame(relay.MsgID{}, time.Second, relay.FlagOneReceiver, []byte("body"))
	f.Add(frame, byte(0), int64(time.Second), true)
	f.Add(frame, byte(1), int64(-1), false)
	f.Fuzz(func(t *testing.T, frame []byte, idByte byte, ttl int64, ask bool) {
		s := memstore.New(memstore.Config{MaxStoredBytes: 4096}, nil)
		defer s.Close()
		id := relay.MsgID{idByte}
		req := &store.PublishRequest{ID: id, Frame: frame, TTL: time.Duration(ttl)}
		if len(frame) > relay.HeaderSize {
			req.Digest = sha256.Sum256(frame[relay.HeaderSize:])
		}
		status, err := s.Publish(context.Background(), req)
		switch {
		case errors.Is(err, memstore.ErrInvalidRequest), errors.Is(err, store.ErrStoreFull):
			require.Equal(t, store.Stats{}, s.Stats())
		case err != nil:
			t.Fatalf("unexpected error %v", err)
		case status == store.Stored:
			require.Equal(t, memstore.CandidateBytes(len(frame)), s.Stats().StoredBytes)
		}
		if ask {
			_, err := s.Ask(context.Background(), id, time.Duration(ttl))
			require.NoError(t, err)
		}
	})
}

// A hub-shaped sink for the example.
type printSink struct{}

func (printSink) Deliver(id relay.MsgID, c store.Candidate) {
	fmt.Printf("deliver %s slot %d\n", id.Short(), c.Slot)
}
func (printSink) Resync(string) {}
func (printSink) Reset(string)  {}

func Example() {
	s := memstore.New(memstore.Config{}, printSink{})
	defer s.Close()
	ctx := context.Background()

	id := relay.MsgID{0xab}
	body := []byte("hello")
	frame, _ := relay.PublishFrame(id, 30*time.Second, 0, body)
	status, _ := s.Publish(ctx, &store.PublishRequest{
		ID: id, Frame: frame, Digest: sha256.Sum256(body), TTL: 30 * time.Second,
		From: store.Contributor{Conn: "inst/1", IP: netip.MustParsePrefix("192.0.2.1/32")},
	})
	fmt.Println(status)
	cs, _ := s.Ask(ctx, id, time.Minute)
	fmt.Println(len(cs), string(cs[0].Frame[relay.HeaderSize:]))
	// Output:
	// deliver ab00000000000000 slot 1
	// stored
	// 1 hello
}
