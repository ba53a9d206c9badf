package main_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	"github.com/decred/dcrd/dcrec/secp256k1/v4/ecdsa"
	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/sha3"
)

// procTimeout bounds every tandem process of the end-to-end test. It only catches hangs: the
// processes are expected to end in seconds.
const procTimeout = 90 * time.Second

// e2e is one end-to-end environment: the two binaries, a running relay and a passphrase.
type e2e struct {
	tandem   string // path of the tandem binary
	relayURL string // ws://127.0.0.1:port/v1/msg-relay
	dir      string // scratch directory for keys and shares
	passFile string // passphrase file, 0600
	pass     string // the passphrase in the file (party 2 gets it through TANDEM_PASSPHRASE)
}

// moduleRoot returns the directory of the module's go.mod.
func moduleRoot(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("go", "env", "GOMOD").Output()
	require.NoError(t, err, "go env GOMOD")
	gomod := strings.TrimSpace(string(out))
	require.NotEmpty(t, gomod, "not inside a module")
	require.NotEqual(t, os.DevNull, gomod, "not inside a module")
	return filepath.Dir(gomod)
}

// buildBinaries builds cmd/tandem and cmd/relay into dir, without -race even when the test
// itself runs with it (the binaries are the system under test, not the test).
func buildBinaries(t *testing.T, dir string) (tandem, relay string) {
	t.Helper()
	// -race=false also overrides a -race in GOFLAGS.
	cmd := exec.Command("go", "build", "-race=false", "-o", dir+string(filepath.Separator), "./cmd/tandem", "./cmd/relay")
	cmd.Dir = moduleRoot(t)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "go build: %s", out)
	return filepath.Join(dir, "tandem"), filepath.Join(dir, "relay")
}

// newE2E builds the binaries, starts a relay on a loopback port and writes a passphrase file.
func newE2E(t *testing.T) *e2e {
	t.Helper()
	bin := t.TempDir()
	tandem, relay := buildBinaries(t, bin)
	dir := t.TempDir()
	pass := "e2e passphrase " + randHex(t, 8)
	passFile := filepath.Join(dir, "passphrase")
	require.NoError(t, os.WriteFile(passFile, []byte(pass+"\n"), 0o600))
	return &e2e{
		tandem:   tandem,
		relayURL: "ws://" + startRelay(t, relay) + "/v1/msg-relay",
		dir:      dir,
		passFile: passFile,
		pass:     pass,
	}
}

// startRelay runs the relay binary on 127.0.0.1:0 without an admin listener and returns the
// address it printed. The relay is killed when the test ends.
func startRelay(t *testing.T, bin string) string {
	t.Helper()
	cmd := exec.Command(bin, "serve", "--listen", "127.0.0.1:0", "--admin", "", "--log-level", "warn")
	cmd.Env = []string{"PATH=" + os.Getenv("PATH")}
	var stderr lockedBuffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("relay stderr:\n%s", stderr.String())
		}
	})
	lines := make(chan string, 8)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	timeout := time.After(30 * time.Second)
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("relay exited before printing its address; stderr:\n%s", stderr.String())
			}
			if addr, found := strings.CutPrefix(l, "listening "); found {
				go func() { // keep draining so the relay never blocks on stdout
					for range lines {
					}
				}()
				return addr
			}
		case <-timeout:
			t.Fatalf("relay did not print its address; stderr:\n%s", stderr.String())
		}
	}
}

// deadRelayURL returns a WebSocket URL on a loopback port that was just closed.
func deadRelayURL(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	return "ws://" + addr + "/v1/msg-relay"
}

// lockedBuffer is a bytes.Buffer safe to read while a process writes into it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// proc is one running tandem process.
type proc struct {
	name   string
	args   []string
	cmd    *exec.Cmd
	stdout lockedBuffer
	stderr lockedBuffer
	start  time.Time
	done   chan struct{}
	dur    time.Duration
	err    error
}

// runOpts are the environment choices of one tandem process.
type runOpts struct {
	passEnv string // TANDEM_PASSPHRASE, when not empty
}

// start runs tandem with args in the background. It is killed at the end of the test if it
// is still running, and after procTimeout in any case.
func (e *e2e) start(t *testing.T, name string, o runOpts, args ...string) *proc {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), procTimeout)
	p := &proc{name: name, args: args, done: make(chan struct{})}
	p.cmd = exec.CommandContext(ctx, e.tandem, args...)
	p.cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + e.dir}
	if o.passEnv != "" {
		p.cmd.Env = append(p.cmd.Env, "TANDEM_PASSPHRASE="+o.passEnv)
	}
	p.cmd.Stdout = &p.stdout
	p.cmd.Stderr = &p.stderr
	p.cmd.WaitDelay = 5 * time.Second
	p.start = time.Now()
	if err := p.cmd.Start(); err != nil {
		cancel()
		t.Fatalf("%s: start: %v", name, err)
	}
	go func() {
		p.err = p.cmd.Wait()
		p.dur = time.Since(p.start)
		cancel()
		close(p.done)
	}()
	t.Cleanup(func() {
		cancel()
		<-p.done
	})
	return p
}

// wait waits for the process and returns its exit code (-1 when it was killed).
func (p *proc) wait(t *testing.T) int {
	t.Helper()
	<-p.done
	if p.err != nil {
		var ee *exec.ExitError
		if !errors.As(p.err, &ee) {
			t.Fatalf("%s: %v\n%s", p.name, p.err, p.describe())
		}
	}
	return p.cmd.ProcessState.ExitCode()
}

// describe returns the command line and both outputs, for failure messages.
func (p *proc) describe() string {
	return "command: tandem " + strings.Join(p.args, " ") +
		"\n--- stdout ---\n" + p.stdout.String() + "\n--- stderr ---\n" + p.stderr.String()
}

// mustExit waits for the process and requires the exit code want.
func (p *proc) mustExit(t *testing.T, want int) {
	t.Helper()
	got := p.wait(t)
	require.Equal(t, want, got, "%s: exit code\n%s", p.name, p.describe())
}

// lastLine returns the last non-empty line of stdout.
func (p *proc) lastLine(t *testing.T) string {
	t.Helper()
	lines := strings.Split(strings.TrimRight(p.stdout.String(), "\r\n\t "), "\n")
	last := strings.TrimSpace(lines[len(lines)-1])
	require.NotEmpty(t, last, "%s: empty stdout\n%s", p.name, p.describe())
	return last
}

// json parses the last stdout line as one JSON object with string, number or bool values,
// returned in their JSON text form (strings unquoted).
func (p *proc) json(t *testing.T) map[string]string {
	t.Helper()
	line := p.lastLine(t)
	var raw map[string]json.RawMessage
	require.NoError(t, json.Unmarshal([]byte(line), &raw), "%s: last stdout line is not a JSON object\n%s", p.name, p.describe())
	out := make(map[string]string, len(raw))
	for k, v := range raw {
		var s string
		if json.Unmarshal(v, &s) == nil {
			out[k] = s
		} else {
			out[k] = string(v)
		}
	}
	return out
}

// run starts tandem and waits for it, requiring the exit code want.
func (e *e2e) run(t *testing.T, name string, o runOpts, want int, args ...string) *proc {
	t.Helper()
	p := e.start(t, name, o, args...)
	p.mustExit(t, want)
	return p
}

// randHex returns n random bytes in hex.
func randHex(t *testing.T, n int) string {
	t.Helper()
	b := make([]byte, n)
	_, err := rand.Read(b)
	require.NoError(t, err)
	return hex.EncodeToString(b)
}

// keccak256 is the legacy Keccak-256 of Ethereum.
func keccak256(b []byte) []byte {
	h := sha3.NewLegacyKeccak256()
	h.Write(b)
	return h.Sum(nil)
}

// ethAddress computes the Ethereum address of a compressed public key independently of the
// CLI: the last 20 bytes of Keccak-256(x ‖ y), lower-case hex with 0x.
func ethAddress(t *testing.T, pubHex string) string {
	t.Helper()
	pub := parsePub(t, pubHex)
	u := pub.SerializeUncompressed()
	return "0x" + hex.EncodeToString(keccak256(u[1:])[12:])
}

// parsePub parses a compressed secp256k1 public key in hex.
func parsePub(t *testing.T, pubHex string) *secp256k1.PublicKey {
	t.Helper()
	b, err := hex.DecodeString(pubHex)
	require.NoError(t, err, "public key hex %q", pubHex)
	require.Len(t, b, 33, "public key %q is not compressed", pubHex)
	pub, err := secp256k1.ParsePubKey(b)
	require.NoError(t, err, "public key %q", pubHex)
	return pub
}

// checkSignature verifies a sign result independently with decred: the 65-byte r‖s‖v
// signature over Keccak-256(msg) under the printed public key, low-s, and public-key recovery
// with the recovery id.
func checkSignature(t *testing.T, res map[string]string, msg []byte) {
	t.Helper()
	sig, err := hex.DecodeString(res["signature"])
	require.NoError(t, err, "signature hex")
	require.Len(t, sig, 65, "signature is r‖s‖v")
	require.Equal(t, res["r"], hex.EncodeToString(sig[:32]), "r")
	require.Equal(t, res["s"], hex.EncodeToString(sig[32:64]), "s")
	recid := sig[64]
	require.LessOrEqual(t, recid, byte(1), "v is the recovery id 0 or 1")
	require.Equal(t, res["recovery_id"], string('0'+rune(recid)), "recovery_id")

	var r, s secp256k1.ModNScalar
	require.False(t, r.SetByteSlice(sig[:32]), "r ≥ n")
	require.False(t, s.SetByteSlice(sig[32:64]), "s ≥ n")
	require.False(t, r.IsZero() || s.IsZero(), "zero r or s")
	require.False(t, s.IsOverHalfOrder(), "s is not low-s")

	pub := parsePub(t, res["public_key"])
	digest := keccak256(msg)
	require.True(t, ecdsa.NewSignature(&r, &s).Verify(digest, pub), "signature does not verify under decred")

	compact := make([]byte, 65)
	compact[0] = 27 + 4 + recid // compressed-key recovery code
	copy(compact[1:], sig[:64])
	rec, compressed, err := ecdsa.RecoverCompact(compact, digest)
	require.NoError(t, err, "recover")
	require.True(t, compressed)
	require.True(t, rec.IsEqual(pub), "recovery id does not recover the public key")
	require.Equal(t, ethAddress(t, res["public_key"]), strings.ToLower(res["address"]), "address of the signing key")
}
