package bench

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Spawned is a relay process started by the generator.
type Spawned struct {
	Cmd    *exec.Cmd
	Public string // host:port of the public listener
	Admin  string // host:port of the admin listener ("" if none was found)
	waited chan error

	stopOnce sync.Once
	stopErr  error
}

// SpawnArgs are the flags every spawned relay gets (WIRE.md §13.6: per-IP limits off, free
// ports). Deviation: §13.6 names only the two admission limits; the per-IP stored-bytes quota
// (64 MiB) is a per-IP limit too, and a single loopback party publishing sign-shaped sessions
// back to back passes it within a second, so it is switched off as well.
var SpawnArgs = []string{
	"--listen", "127.0.0.1:0", "--admin", "127.0.0.1:0",
	"--max-conns-per-ip", "0", "--handshake-rate", "0", "--max-stored-bytes-per-ip", "0",
}

// Spawn starts bin with SpawnArgs plus extra, reads its `listening <addr>` (and `admin <addr>`)
// lines from stdout and tells the public listener (GET / answers "ok") from the admin one. The relay's stderr
// goes to stderr. The process is killed if it does not report a public listener within 15 s.
func Spawn(ctx context.Context, bin string, extra []string, stderr io.Writer) (*Spawned, error) {
	args := append(append([]string{}, SpawnArgs...), extra...)
	cmd := exec.Command(bin, args...)
	cmd.Stderr = stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("bench: start relay: %w", err)
	}
	s := &Spawned{Cmd: cmd, waited: make(chan error, 1)}
	addrs := make(chan listenLine, 64)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			line := strings.TrimSpace(sc.Text())
			var l listenLine
			if a, ok := strings.CutPrefix(line, "listening "); ok {
				l = listenLine{addr: strings.TrimSpace(a)}
			} else if a, ok := strings.CutPrefix(line, "admin "); ok {
				l = listenLine{addr: strings.TrimSpace(a), admin: true}
			} else {
				continue
			}
			select { // never block: the relay's stdout must keep draining
			case addrs <- l:
			default:
			}
		}
		_, _ = io.Copy(io.Discard, out)
	}()
	go func() { s.waited <- cmd.Wait() }()

	var found []listenLine
	deadline := time.After(15 * time.Second)
collect:
	for len(found) < 2 {
		wait := deadline
		if len(found) == 1 { // a relay started with an empty --admin prints one line
			wait = time.After(2 * time.Second)
		}
		select {
		case l := <-addrs:
			l.addr = strings.TrimPrefix(strings.TrimPrefix(l.addr, "http://"), "ws://")
			found = append(found, l)
		case err := <-s.waited:
			return nil, fmt.Errorf("bench: relay exited before listening: %v", err)
		case <-wait:
			break collect
		case <-ctx.Done():
			s.Stop()
			return nil, ctx.Err()
		}
	}
	for _, l := range found {
		switch {
		case l.admin:
			s.Admin = l.addr
		case s.Public == "" && isPublic(ctx, l.addr):
			s.Public = l.addr
		case s.Admin == "":
			s.Admin = l.addr
		}
	}
	if s.Public == "" {
		s.Stop()
		return nil, fmt.Errorf("bench: relay printed no public listener (saw %v)", found)
	}
	return s, nil
}

// listenLine is one address line of the relay's stdout: "listening <addr>" (either listener;
// told apart by probing GET /) or "admin <addr>".
type listenLine struct {
	addr  string
	admin bool
}

func isPublic(ctx context.Context, addr string) bool {
	if !isLoopbackHost(hostOf(addr)) {
		return false
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+"/", nil)
	if err != nil {
		return false
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 16))
	return resp.StatusCode == http.StatusOK && string(b) == "ok"
}

// PID returns the relay's process id.
func (s *Spawned) PID() int { return s.Cmd.Process.Pid }

// Stop sends SIGTERM, waits up to 30 s for a graceful exit, then kills the process. Later
// calls return the first call's result.
func (s *Spawned) Stop() error {
	s.stopOnce.Do(func() { s.stopErr = s.stop() })
	return s.stopErr
}

func (s *Spawned) stop() error {
	_ = s.Cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-s.waited:
		return exitErr(err)
	case <-time.After(30 * time.Second):
		_ = s.Cmd.Process.Kill()
		<-s.waited
		return errors.New("bench: relay did not exit within 30s of SIGTERM; killed")
	}
}

func exitErr(err error) error {
	var ee *exec.ExitError
	if errors.As(err, &ee) && ee.Exited() && ee.ExitCode() == 0 {
		return nil
	}
	if err != nil {
		return fmt.Errorf("bench: relay exit: %w", err)
	}
	return nil
}
