package cli

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/tandem-mpc/tandem/relay/server"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestLoadPrecedence(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		env    []string
		listen []string
		check  func(t *testing.T, o *Options)
	}{
		{name: "defaults", listen: []string{DefaultListen}, check: func(t *testing.T, o *Options) {
			assert.Equal(t, DefaultAdmin, o.Admin)
			assert.False(t, o.AdminExplicit)
			assert.Equal(t, "memory", o.Store)
			assert.Equal(t, server.DefaultConfig().MaxFrameBytes, o.Server.MaxFrameBytes)
		}},
		{name: "legacy LISTEN, space separated", env: []string{"LISTEN=0.0.0.0:1 0.0.0.0:2"},
			listen: []string{"0.0.0.0:1", "0.0.0.0:2"}},
		{name: "RELAY_LISTEN beats LISTEN", env: []string{"LISTEN=0.0.0.0:1", "RELAY_LISTEN=127.0.0.1:3 127.0.0.1:4"},
			listen: []string{"127.0.0.1:3", "127.0.0.1:4"}},
		{name: "flag beats env, repeatable", args: []string{"--listen", "127.0.0.1:5", "--listen=127.0.0.1:6"},
			env: []string{"LISTEN=0.0.0.0:1", "RELAY_LISTEN=127.0.0.1:3"}, listen: []string{"127.0.0.1:5", "127.0.0.1:6"}},
		{name: "env limits and sizes", env: []string{"RELAY_MAX_FRAME_BYTES=64KiB", "RELAY_MAX_STORED_BYTES=1GiB",
			"RELAY_READ_TIMEOUT=5s", "RELAY_MAX_CONNS_PER_IP=0", "RELAY_HANDSHAKE_RATE=0"},
			listen: []string{DefaultListen}, check: func(t *testing.T, o *Options) {
				assert.Equal(t, 64<<10, o.Server.MaxFrameBytes)
				assert.Equal(t, int64(1<<30), o.Server.MaxStoredBytes)
				assert.Equal(t, 5*time.Second, o.Server.ReadTimeout)
				assert.Equal(t, server.Off, o.Server.MaxConnsPerIP)
				assert.Equal(t, float64(server.Off), o.Server.HandshakeRate)
			}},
		{name: "flag beats env for a limit", args: []string{"--max-pending-asks", "7"}, env: []string{"RELAY_MAX_PENDING_ASKS=9"},
			listen: []string{DefaultListen}, check: func(t *testing.T, o *Options) {
				assert.Equal(t, 7, o.Server.MaxPendingAsks)
			}},
		{name: "backend alias", args: []string{"--backend", "redis"}, listen: []string{DefaultListen},
			check: func(t *testing.T, o *Options) { assert.Equal(t, "redis", o.Store) }},
		{name: "RELAY_STORE beats RELAY_BACKEND", env: []string{"RELAY_BACKEND=redis", "RELAY_STORE=memory"},
			listen: []string{DefaultListen}, check: func(t *testing.T, o *Options) { assert.Equal(t, "memory", o.Store) }},
		{name: "RELAY_ADMIN empty disables", env: []string{"RELAY_ADMIN="}, listen: []string{DefaultListen},
			check: func(t *testing.T, o *Options) {
				assert.Empty(t, o.Admin)
				assert.True(t, o.AdminExplicit)
			}},
		{name: "lists", args: []string{"--trusted-proxies", "10.0.0.0/8, 192.168.1.7/24", "--allowed-origins", "https://a.example,https://*.b.example"},
			listen: []string{DefaultListen}, check: func(t *testing.T, o *Options) {
				assert.Equal(t, []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("192.168.1.0/24")}, o.Server.TrustedProxies)
				assert.Equal(t, []string{"https://a.example", "https://*.b.example"}, o.Server.AllowedOrigins)
			}},
		{name: "bools", args: []string{"--compat-msg-stats", "--log-remote-addr=false"}, listen: []string{DefaultListen},
			check: func(t *testing.T, o *Options) {
				assert.True(t, o.Server.CompatMsgStats)
				assert.False(t, *o.Server.LogRemoteAddr)
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o, _, err := Load(tc.args, tc.env, io.Discard)
			require.NoError(t, err)
			assert.Equal(t, tc.listen, o.Listen)
			if tc.check != nil {
				tc.check(t, o)
			}
		})
	}
}

func TestLoadErrorsAndWarnings(t *testing.T) {
	for _, args := range [][]string{
		{"--store", "etcd"}, {"--max-frame-bytes", "1XB"}, {"--read-timeout", "-1s"}, {"--max-candidates", "x"},
		{"--tls-cert", "a.pem"}, {"--log-format", "xml"}, {"--trusted-proxies", "nope"}, {"extra"}, {"--no-such-flag"},
	} {
		_, _, err := Load(args, nil, io.Discard)
		assert.Error(t, err, "%v", args)
	}
	_, _, err := Load(nil, []string{"RELAY_MAX_TTL=forever"}, io.Discard)
	assert.ErrorContains(t, err, "RELAY_MAX_TTL")
	_, warnings, err := Load(nil, []string{"RELAY_MAX_TTL=1m", "RELAY_TYPO=1", "OTHER=1"}, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, []string{"unknown environment variable RELAY_TYPO ignored"}, warnings)
}

func TestParseSize(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"0", 0, true}, {"1048576", 1 << 20, true}, {"64KiB", 64 << 10, true}, {"512 MiB", 512 << 20, true},
		{"2GiB", 2 << 30, true}, {"1MB", 0, false}, {"-1", 0, false}, {"", 0, false}, {"99999999999GiB", 0, false},
	}
	for _, tc := range tests {
		got, err := ParseSize(tc.in)
		if !tc.ok {
			assert.Error(t, err, tc.in)
			continue
		}
		require.NoError(t, err, tc.in)
		assert.Equal(t, tc.want, got, tc.in)
	}
}

func TestRedactedConfig(t *testing.T) {
	o, _, err := Load([]string{"--redis-url", "redis://user:hunter2@db:6379/0"}, nil, io.Discard)
	require.NoError(t, err)
	var buf bytes.Buffer
	slog.New(slog.NewTextHandler(&buf, nil)).Info("config", o.Redacted()...)
	assert.NotContains(t, buf.String(), "hunter2")
	assert.Contains(t, buf.String(), "REDACTED")
}

// lineWriter hands stdout lines to a channel.
type lineWriter struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	lines chan string
}

func (w *lineWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	for {
		line, err := w.buf.ReadString('\n')
		if err != nil {
			w.buf.WriteString(line)
			return len(p), nil
		}
		w.lines <- strings.TrimSpace(line)
	}
}

// TestServeEndToEnd runs `relay serve` with port 0 listeners, reads the bound addresses from
// stdout, checks both listeners and the healthcheck subcommand, and shuts down on ctx.
func TestServeEndToEnd(t *testing.T) {
	out := &lineWriter{lines: make(chan string, 16)}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int, 1)
	go func() {
		done <- Main(ctx, []string{"serve", "--listen", "127.0.0.1:0", "--listen", "127.0.0.1:0", "--admin", "127.0.0.1:0",
			"--drain-window", "100ms"}, nil, out, io.Discard, nil)
	}()
	var listens []string
	var admin string
	for admin == "" || len(listens) < 2 {
		select {
		case l := <-out.lines:
			if a, ok := strings.CutPrefix(l, "listening "); ok {
				listens = append(listens, a)
			} else if a, ok := strings.CutPrefix(l, "admin "); ok {
				admin = a
			}
		case code := <-done:
			t.Fatalf("relay exited early with %d", code)
		case <-time.After(10 * time.Second):
			t.Fatal("no listening lines")
		}
	}
	for _, a := range listens {
		resp, err := http.Get("http://" + a + "/")
		require.NoError(t, err)
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		assert.Equal(t, "ok", string(b))
	}
	var hcOut bytes.Buffer
	assert.Equal(t, 0, Main(context.Background(), []string{"healthcheck", "--admin", admin}, nil, &hcOut, io.Discard, nil))
	resp, err := http.Get("http://" + admin + "/metrics")
	require.NoError(t, err)
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Contains(t, string(b), "tandem_relay_build_info")
	assert.Contains(t, string(b), "go_goroutines", "cmd/relay adds the Go collector")
	cancel()
	select {
	case code := <-done:
		assert.Equal(t, 0, code)
	case <-time.After(10 * time.Second):
		t.Fatal("no shutdown")
	}
	assert.Equal(t, 1, Main(context.Background(), []string{"healthcheck", "--admin", admin}, nil, io.Discard, io.Discard, nil))
}

func TestAdminBindFailure(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer busy.Close()
	// Explicit and unbindable: fatal.
	code := Main(context.Background(), []string{"--listen", "127.0.0.1:0", "--admin", busy.Addr().String()}, nil, io.Discard, io.Discard, nil)
	assert.Equal(t, 1, code)
	// The default and unbindable: a warning, and the relay runs without it.
	o, _, err := Load([]string{"--listen", "127.0.0.1:0"}, nil, io.Discard)
	require.NoError(t, err)
	o.Admin = busy.Addr().String() // stands in for the default address
	var logs bytes.Buffer
	ctx, cancel := context.WithCancel(context.Background())
	out := &lineWriter{lines: make(chan string, 16)}
	done := make(chan error, 1)
	go func() { done <- serve(ctx, o, slog.New(slog.NewTextHandler(&syncWriter{w: &logs}, nil)), out, nil) }()
	select {
	case l := <-out.lines:
		assert.True(t, strings.HasPrefix(l, "listening "))
	case <-time.After(10 * time.Second):
		t.Fatal("relay did not start")
	}
	cancel()
	require.NoError(t, <-done)
	assert.Contains(t, logs.String(), "running without the admin listener")
}

func TestSubcommands(t *testing.T) {
	var out bytes.Buffer
	assert.Equal(t, 0, Main(context.Background(), []string{"version"}, nil, &out, io.Discard, nil))
	assert.True(t, strings.HasPrefix(out.String(), "relay "))
	assert.Equal(t, 2, Main(context.Background(), []string{"frobnicate"}, nil, io.Discard, io.Discard, nil))
	assert.Equal(t, 1, Main(context.Background(), []string{"healthcheck", "--admin", ""}, nil, io.Discard, io.Discard, nil))
	assert.Equal(t, 1, Main(context.Background(), []string{"--store", "redis", "--redis-url", "http://not-redis", "--listen", "127.0.0.1:0", "--admin", ""}, nil, io.Discard, io.Discard, nil))
	assert.Equal(t, 0, Main(context.Background(), []string{"-h"}, nil, io.Discard, io.Discard, nil))
}

type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}
