package bench

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// With BENCH_FAKE_RELAY_PROCESS=1 the test binary itself plays a relay process for Spawn: it
// prints `listening <addr>` for the public listener and `admin <addr>` for the admin one, serves
// the fake relay, and exits 0 on SIGTERM.
func TestMain(m *testing.M) {
	if os.Getenv("BENCH_FAKE_RELAY_PROCESS") == "1" {
		os.Exit(fakeRelayProcess())
	}
	os.Exit(m.Run())
}

func fakeRelayProcess() int {
	pub, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 2
	}
	adm, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 2
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok") })
	mux.Handle("/v1/msg-relay", newFakeRelay())
	admin := http.NewServeMux()
	admin.HandleFunc("/metrics", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, "go_goroutines 10\ngo_memstats_heap_inuse_bytes 1000\n")
	})
	go func() { _ = http.Serve(pub, mux) }()
	go func() { _ = http.Serve(adm, admin) }()
	fmt.Printf("listening %s\nadmin %s\n", pub.Addr(), adm.Addr())
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM)
	select {
	case <-sig:
		return 0
	case <-time.After(time.Minute):
		return 3
	}
}

func TestSpawn(t *testing.T) {
	t.Setenv("BENCH_FAKE_RELAY_PROCESS", "1")
	sp, err := Spawn(context.Background(), os.Args[0], nil, io.Discard)
	require.NoError(t, err)
	t.Cleanup(func() { _ = sp.Stop() })
	assert.NotEmpty(t, sp.Public)
	assert.NotEmpty(t, sp.Admin)
	assert.NotEqual(t, sp.Public, sp.Admin)
	obs := &Observer{PID: sp.PID(), Admin: sp.Admin}
	s := obs.Sample(context.Background())
	assert.Positive(t, s.RSS)
	assert.Equal(t, 10.0, s.Goroutines)
	assert.Equal(t, 1000.0, s.Heap)

	res, err := Run(context.Background(), Config{
		Mode: ModeSessions, Targets: []string{"ws://" + sp.Public}, Sessions: 2,
		Duration: time.Second, Unask: true, Observer: obs,
	})
	require.NoError(t, err)
	assert.Positive(t, res.Sessions.Completed)
	assert.Zero(t, res.Sessions.Failed)
	assert.Equal(t, sp.PID(), res.RelayPID)
	require.NoError(t, sp.Stop(), "SIGTERM ends the relay with exit 0")
}

func TestSpawnFailures(t *testing.T) {
	_, err := Spawn(context.Background(), "/nonexistent/relay", nil, io.Discard)
	assert.Error(t, err)
	// A process that exits at once without printing an address.
	_, err = Spawn(context.Background(), "/bin/true", nil, io.Discard)
	assert.Error(t, err)
}
