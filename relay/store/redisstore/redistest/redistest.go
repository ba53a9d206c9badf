// Package redistest starts throw-away redis-server processes for tests (WIRE.md §13.1): each on
// a free loopback port, without persistence, with 64 MiB of memory under noeviction and the
// DEBUG command enabled for local connections. Nothing here is for production use.
//
// A test that needs Redis calls Start. When the redis-server binary is missing the test is
// skipped with a message, unless Required reports true (CI=true or TANDEM_REQUIRE_REDIS=1),
// in which case it fails.
package redistest

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// Binary is the redis-server executable looked up on PATH.
const Binary = "redis-server"

// Required reports whether a missing redis-server must fail the tests instead of skipping
// them: CI=true or TANDEM_REQUIRE_REDIS=1.
func Required() bool {
	return os.Getenv("TANDEM_REQUIRE_REDIS") == "1" || strings.EqualFold(os.Getenv("CI"), "true")
}

// Available reports whether redis-server is on PATH.
func Available() bool {
	_, err := exec.LookPath(Binary)
	return err == nil
}

// Skip skips t when redis-server is absent and not Required; it fails t when it is absent
// and Required.
func Skip(t testing.TB) {
	t.Helper()
	if Available() {
		return
	}
	if Required() {
		t.Fatalf("redistest: %s not found on PATH, and CI=true or TANDEM_REQUIRE_REDIS=1 requires it (apt-get install redis-server)", Binary)
	}
	t.Skipf("redistest: %s not found on PATH; skipping the Redis tests (install Debian's redis-server, or set TANDEM_REQUIRE_REDIS=1 to make this a failure)", Binary)
}

// Server is one redis-server process.
type Server struct {
	Addr string // 127.0.0.1:<port>
	URL  string // redis://127.0.0.1:<port>/0

	t    testing.TB
	dir  string
	port int

	mu     sync.Mutex
	cmd    *exec.Cmd
	exited chan struct{}
	paused bool
}

// Start starts a redis-server for t and stops it at t's cleanup. It skips or fails t as Skip
// does when the binary is missing.
func Start(t testing.TB) *Server {
	t.Helper()
	Skip(t)
	s := &Server{t: t, dir: t.TempDir()}
	var err error
	for range 5 {
		s.port, err = freePort()
		if err != nil {
			continue
		}
		if err = s.start(); err == nil {
			break
		}
	}
	if err != nil {
		t.Fatalf("redistest: start redis-server: %v", err)
	}
	s.Addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port))
	s.URL = "redis://" + s.Addr + "/0"
	t.Cleanup(s.stop)
	return s
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// start launches the process on s.port and waits for PING.
func (s *Server) start() error {
	cmd := exec.Command(Binary, "--port", strconv.Itoa(s.port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--maxmemory", "64mb", "--maxmemory-policy", "noeviction",
		"--enable-debug-command", "local", "--dir", s.dir)
	cmd.Stdout, cmd.Stderr = nil, nil
	if err := cmd.Start(); err != nil {
		return err
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	s.mu.Lock()
	s.cmd, s.exited, s.paused = cmd, exited, false
	s.mu.Unlock()
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port))
	c := redis.NewClient(&redis.Options{Addr: addr, Protocol: 2, DisableIdentity: true, MaxRetries: -1})
	defer c.Close()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			return fmt.Errorf("redis-server on port %d exited at start", s.port)
		default:
		}
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		err := c.Ping(ctx).Err()
		cancel()
		if err == nil {
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	_ = cmd.Process.Kill()
	<-exited
	return fmt.Errorf("redis-server on port %d did not answer PING", s.port)
}

func (s *Server) stop() {
	s.mu.Lock()
	cmd, exited := s.cmd, s.exited
	s.mu.Unlock()
	if cmd == nil {
		return
	}
	_ = cmd.Process.Signal(syscall.SIGCONT)
	_ = cmd.Process.Kill()
	<-exited
}

// Client returns a client for the server, closed at t's cleanup.
func (s *Server) Client(t testing.TB) *redis.Client {
	c := redis.NewClient(&redis.Options{Addr: s.Addr, Protocol: 2, DisableIdentity: true})
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// Kill stops the process with SIGKILL and waits for it: data is lost.
func (s *Server) Kill() { s.stop() }

// StartAgain starts the server again on the same port after Kill (or a SHUTDOWN).
func (s *Server) StartAgain() {
	s.t.Helper()
	var err error
	for range 20 { // the port may take a moment to be free again
		if err = s.start(); err == nil {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	s.t.Fatalf("redistest: restart redis-server: %v", err)
}

// Restart shuts the server down without saving (SHUTDOWN NOSAVE) and starts it again on the
// same port, so all data is lost. It returns once the new process answers PING.
func (s *Server) Restart() {
	s.t.Helper()
	c := redis.NewClient(&redis.Options{Addr: s.Addr, Protocol: 2, DisableIdentity: true, MaxRetries: -1})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	_ = c.Do(ctx, "SHUTDOWN", "NOSAVE").Err() // the connection drops: an error is expected
	cancel()
	_ = c.Close()
	s.mu.Lock()
	exited := s.exited
	s.mu.Unlock()
	select {
	case <-exited:
	case <-time.After(5 * time.Second):
		s.stop()
	}
	s.StartAgain()
}

// Pause freezes the process with SIGSTOP and resumes it with SIGCONT after d. It returns at
// once.
func (s *Server) Pause(d time.Duration) {
	s.mu.Lock()
	cmd := s.cmd
	s.paused = true
	s.mu.Unlock()
	_ = cmd.Process.Signal(syscall.SIGSTOP)
	time.AfterFunc(d, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.cmd == cmd && s.paused {
			_ = cmd.Process.Signal(syscall.SIGCONT)
			s.paused = false
		}
	})
}

// KillPubSub closes every pub/sub connection (`CLIENT KILL TYPE pubsub`).
func (s *Server) KillPubSub(t testing.TB) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := s.Client(t).Do(ctx, "CLIENT", "KILL", "TYPE", "pubsub").Err(); err != nil {
		t.Fatalf("redistest: CLIENT KILL TYPE pubsub: %v", err)
	}
}

// FillMemory writes values under the key prefix "redistest:fill:" until Redis refuses even a
// small write for maxmemory (1 MiB values first, then smaller ones, because a refused large
// write frees its query buffer again); release deletes them.
func (s *Server) FillMemory(t testing.TB) (release func()) {
	t.Helper()
	c := s.Client(t)
	ctx := context.Background()
	n := 0
	for _, size := range []int{1 << 20, 64 << 10, 4 << 10, 256, 16} {
		val := strings.Repeat("x", size)
		for ; n < 1<<20; n++ {
			err := c.Set(ctx, "redistest:fill:"+strconv.Itoa(n), val, 0).Err()
			if err != nil {
				if strings.HasPrefix(err.Error(), "OOM") {
					break
				}
				t.Fatalf("redistest: fill: %v", err)
			}
		}
	}
	return func() {
		for i := range n + 1 {
			_ = c.Del(ctx, "redistest:fill:"+strconv.Itoa(i)).Err()
		}
	}
}
