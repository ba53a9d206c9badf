package cli

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tandem-mpc/tandem/relay/store/redisstore/redistest"
)

func TestRedisFlags(t *testing.T) {
	o, _, err := Load([]string{"--backend", "redis", "--redis-probe-interval", "1s", "--redis-reconcile-interval", "3s",
		"--redis-wait-replicas", "1", "--redis-sentinel-master", "mymaster", "--redis-sentinel-addrs", "a:1, b:2"},
		[]string{"RELAY_REDIS_URL=redis://r:6379/1", "RELAY_REDIS_CLUSTER_ADDRS=c:3"}, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, "redis", o.Store)
	assert.Equal(t, "redis://r:6379/1", o.RedisURL)
	assert.Equal(t, RedisOptions{ProbeInterval: time.Second, ReconcileInterval: 3 * time.Second, WaitReplicas: 1,
		SentinelMaster: "mymaster", SentinelAddrs: []string{"a:1", "b:2"}, ClusterAddrs: []string{"c:3"}}, o.Redis)
}

// TestServeRedis runs `relay serve --store redis` against a throw-away redis-server: /readyz
// answers 200 once the inbox probe works, and the backend metrics are exported.
func TestServeRedis(t *testing.T) {
	rs := redistest.Start(t)
	pw := filepath.Join(t.TempDir(), "pw")
	require.NoError(t, os.WriteFile(pw, []byte("\n"), 0o600))
	assert.Equal(t, 1, Main(context.Background(), []string{"--store", "redis", "--redis-url", rs.URL, "--redis-password-file", pw,
		"--listen", "127.0.0.1:0", "--admin", ""}, nil, io.Discard, io.Discard, nil), "an empty password file is refused")

	out := &lineWriter{lines: make(chan string, 16)}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int, 1)
	go func() {
		done <- Main(ctx, []string{"--store", "redis", "--redis-url", rs.URL, "--redis-prefix", "cli:",
			"--redis-probe-interval", "200ms", "--listen", "127.0.0.1:0", "--admin", "127.0.0.1:0", "--drain-window", "100ms"},
			nil, out, io.Discard, nil)
	}()
	admin := ""
	for admin == "" {
		select {
		case l := <-out.lines:
			if a, ok := strings.CutPrefix(l, "admin "); ok {
				admin = a
			}
		case code := <-done:
			t.Fatalf("relay exited early with %d", code)
		case <-time.After(10 * time.Second):
			t.Fatal("no admin line")
		}
	}
	last := ""
	defer func() { t.Log("last /readyz:", last) }()
	require.Eventually(t, func() bool {
		resp, err := http.Get("http://" + admin + "/readyz")
		if err != nil {
			return false
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		last = string(body)
		return resp.StatusCode == http.StatusOK
	}, 10*time.Second, 50*time.Millisecond, "ready on Redis")
	resp, err := http.Get("http://" + admin + "/metrics")
	require.NoError(t, err)
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Contains(t, string(b), "tandem_relay_backend_up 1")
	assert.Contains(t, string(b), `tandem_relay_build_info{backend="redis"`)
	cancel()
	select {
	case code := <-done:
		assert.Equal(t, 0, code)
	case <-time.After(10 * time.Second):
		t.Fatal("no shutdown")
	}
}
