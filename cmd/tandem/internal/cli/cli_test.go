package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// result is one in-process run of Main.
type result struct {
	code           int
	stdout, stderr string
}

// lastLine returns the last non-empty line of s.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return lines[len(lines)-1]
}

// jsonOut decodes the last line of stdout as a JSON object.
func (r result) jsonOut(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal([]byte(lastLine(r.stdout)), &m), "stdout: %q", r.stdout)
	return m
}

// run runs Main in process with the environment env.
func run(t *testing.T, env []string, args ...string) result {
	t.Helper()
	return runCtx(t.Context(), env, args...)
}

func runCtx(ctx context.Context, env []string, args ...string) result {
	var stdout, stderr bytes.Buffer
	code := Main(ctx, args, env, &stdout, &stderr)
	return result{code, stdout.String(), stderr.String()}
}

// runPair runs the two parties' commands concurrently.
func runPair(t *testing.T, env []string, a1, a2 []string) (result, result) {
	t.Helper()
	var r1, r2 result
	var wg sync.WaitGroup
	wg.Go(func() { r1 = run(t, env, a1...) })
	wg.Go(func() { r2 = run(t, env, a2...) })
	wg.Wait()
	return r1, r2
}

// fixture is a directory with two message keys.
type fixture struct {
	dir      string
	k1, k2   string // key files
	vk1, vk2 string // verifying keys, text form
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{dir: t.TempDir()}
	f.k1, f.k2 = filepath.Join(f.dir, "k1.pem"), filepath.Join(f.dir, "k2.pem")
	r := run(t, nil, "signer", "new", "--type", "ed25519", "--out", f.k1)
	require.Equal(t, 0, r.code, r.stderr)
	f.vk1 = lastLine(r.stdout)
	r = run(t, nil, "signer", "new", "--type", "p256", "--out", f.k2)
	require.Equal(t, 0, r.code, r.stderr)
	f.vk2 = lastLine(r.stdout)
	return f
}

func (f *fixture) path(name string) string { return filepath.Join(f.dir, name) }

// partyArgs returns the common flags of party p (1 or 2) for cmd.
func (f *fixture) partyArgs(cmd string, p int, relayURL, inst string) []string {
	k, other := f.k1, f.vk2
	if p == 2 {
		k, other = f.k2, f.vk1
	}
	return []string{cmd, "--relay", relayURL, "--party", map[int]string{1: "1", 2: "2"}[p], "--signer", k,
		"--other", other, "--instance", inst, "--insecure-plaintext", "--timeout", "90s"}
}

func TestHelpAndVersion(t *testing.T) {
	r := run(t, nil, "help")
	assert.Equal(t, 0, r.code)
	for _, c := range []string{"keygen", "sign", "refresh", "address", "verify", "demo", "bench", "signer", "instance"} {
		assert.Contains(t, r.stdout, c)
	}
	r = run(t, nil, "version")
	assert.Equal(t, 0, r.code)
	assert.True(t, strings.HasPrefix(r.stdout, "tandem "), r.stdout)
	r = run(t, nil, "keygen", "-h")
	assert.Equal(t, 0, r.code)
	assert.Contains(t, r.stdout, "--instance")
}

func TestUnknownCommand(t *testing.T) {
	for _, args := range [][]string{nil, {"frobnicate"}, {"--json"}} {
		r := run(t, nil, args...)
		assert.Equal(t, 1, r.code, args)
		assert.NotEmpty(t, r.stderr)
	}
}

func TestInstance(t *testing.T) {
	r := run(t, nil, "instance")
	require.Equal(t, 0, r.code)
	id := strings.TrimSpace(r.stdout)
	_, err := ParseInstanceHex(id)
	require.NoError(t, err)
	r2 := run(t, nil, "instance", "--json")
	require.Equal(t, 0, r2.code)
	id2 := r2.jsonOut(t)["instance"].(string)
	assert.Len(t, id2, 64)
	assert.NotEqual(t, id, id2)
}

func TestSignerNew(t *testing.T) {
	dir := t.TempDir()
	for _, typ := range []string{"ed25519", "p256"} {
		out := filepath.Join(dir, typ+".pem")
		r := run(t, nil, "signer", "new", "--type", typ, "--out", out)
		require.Equal(t, 0, r.code, r.stderr)
		vk := lastLine(r.stdout)
		want := map[string]string{"ed25519": "ED25519:", "p256": "ECDSA_P256_SEC1:"}[typ]
		assert.True(t, strings.HasPrefix(vk, want), vk)
		st, err := os.Stat(out)
		require.NoError(t, err)
		assert.Equal(t, os.FileMode(0o600), st.Mode().Perm())
		before, err := os.ReadFile(out)
		require.NoError(t, err)
		r = run(t, nil, "signer", "new", "--type", typ, "--out", out)
		assert.Equal(t, 1, r.code)
		assert.Contains(t, r.stderr, "exists")
		after, err := os.ReadFile(out)
		require.NoError(t, err)
		assert.Equal(t, before, after, "an existing key must never be replaced")
	}
	r := run(t, nil, "signer", "new", "--type", "ed25519", "--out", filepath.Join(dir, "j.pem"), "--json")
	require.Equal(t, 0, r.code, r.stderr)
	assert.True(t, strings.HasPrefix(r.jsonOut(t)["verifying_key"].(string), "ED25519:"))
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 3, "no temporary files left behind")
}

func TestSignerNewErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"signer"}, "signer new"},
		{[]string{"signer", "old"}, "signer new"},
		{[]string{"signer", "new", "--out", filepath.Join(dir, "a")}, "--type"},
		{[]string{"signer", "new", "--type", "ed25519"}, "--out"},
		{[]string{"signer", "new", "--type", "rsa", "--out", filepath.Join(dir, "a")}, "--type"},
		{[]string{"signer", "new", "--type", "ed25519", "--out", filepath.Join(dir, "no", "such", "dir")}, "--out"},
		{[]string{"signer", "new", "--bogus"}, "bogus"},
	}
	for _, tc := range tests {
		r := run(t, nil, tc.args...)
		assert.Equal(t, 1, r.code, tc.args)
		assert.Contains(t, r.stderr, tc.want, tc.args)
		assert.Equal(t, 1, strings.Count(r.stderr, "\n"), "one line: %q", r.stderr)
	}
}

// TestPartyFlagErrors: every two-party command refuses bad flags with exit 1 and one line on
// stderr, before it dials anything.
func TestPartyFlagErrors(t *testing.T) {
	f := newFixture(t)
	const inst = "0101010101010101010101010101010101010101010101010101010101010101"
	share := f.path("share")
	require.NoError(t, os.WriteFile(share, []byte("x"), 0o600))
	base := map[string][]string{
		"keygen":  append(f.partyArgs("keygen", 1, "ws://127.0.0.1:1", inst), "--out", f.path("new")),
		"sign":    append(f.partyArgs("sign", 1, "ws://127.0.0.1:1", inst), "--share", share, "--message", "00"),
		"refresh": append(f.partyArgs("refresh", 1, "ws://127.0.0.1:1", inst), "--share", share),
	}
	// with replaces the value of flag name in args (or drops it when value is nil) and appends extra.
	with := func(args []string, name string, value *string, extra ...string) []string {
		var out []string
		for i := 0; i < len(args); i++ {
			if args[i] == "--"+name {
				if value != nil {
					out = append(out, args[i], *value)
				}
				if args[i] != "--insecure-plaintext" {
					i++
				}
				continue
			}
			out = append(out, args[i])
		}
		return append(out, extra...)
	}
	s := func(v string) *string { return &v }
	type tc struct {
		name, flag string
		value      *string
		extra      []string
		want       string
	}
	common := []tc{
		{"no party", "party", nil, nil, "--party"},
		{"party 3", "party", s("3"), nil, "--party"},
		{"party 0", "party", s("0"), nil, "--party"},
		{"no instance", "instance", nil, nil, "--instance"},
		{"instance short", "instance", s(inst[:62]), nil, "64 hex"},
		{"instance base64", "instance", s("AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE="), nil, "64 hex"},
		{"instance not hex", "instance", s(strings.Repeat("g", 64)), nil, "64 hex"},
		{"instance zero", "instance", s(strings.Repeat("0", 64)), nil, "--instance"},
		{"no relay", "relay", nil, nil, "--relay"},
		{"relay scheme", "relay", s("ftp://x"), nil, "ws://"},
		{"no signer", "signer", nil, nil, "--signer"},
		{"signer missing file", "signer", s(f.path("none.pem")), nil, "--signer"},
		{"no other", "other", nil, nil, "--other"},
		{"other garbage", "other", s("ED25519:nope"), nil, "--other"},
		{"other is self", "other", s(f.vk1), nil, "own verifying key"},
		{"timeout zero", "timeout", s("0s"), nil, "--timeout"},
		{"timeout garbage", "timeout", s("soon"), nil, "timeout"},
		{"passphrase file missing", "passphrase-file", nil, []string{"--passphrase-file", f.path("nope")}, "passphrase"},
		{"positional", "json", nil, []string{"extra"}, "unexpected argument"},
		{"unknown flag", "json", nil, []string{"--frob"}, "frob"},
	}
	for cmd, args := range base {
		cases := append([]tc{}, common...)
		switch cmd {
		case "keygen":
			cases = append(cases,
				tc{"no out", "out", nil, nil, "--out"},
				tc{"out exists", "out", s(share), nil, "exists"},
				tc{"no passphrase", "insecure-plaintext", nil, nil, "passphrase"},
			)
		case "sign":
			cases = append(cases,
				tc{"no share", "share", nil, nil, "--share"},
				tc{"no message p1", "message", nil, nil, "--message"},
				tc{"message not hex", "message", s("zz"), nil, "--message"},
				tc{"message empty", "message", s("0x"), nil, "--message"},
				tc{"hash unknown", "hash", nil, []string{"--hash", "md5"}, "--hash"},
				tc{"expect for p1", "expect", nil, []string{"--expect", "00"}, "--expect"},
				tc{"hardened path", "path", nil, []string{"--path", "m/44'/60"}, "hardened"},
				tc{"bad path", "path", nil, []string{"--path", "x/1"}, "--path"},
				tc{"message p2", "party", s("2"), nil, "--message is for party 1"},
				tc{"share not a share", "json", nil, nil, "sharefile"},
			)
		case "refresh":
			cases = append(cases,
				tc{"no share", "share", nil, nil, "--share"},
				tc{"share missing", "share", s(f.path("missing")), nil, "not found"},
			)
		}
		for _, c := range cases {
			t.Run(cmd+"/"+c.name, func(t *testing.T) {
				ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
				defer cancel()
				r := runCtx(ctx, nil, with(args, c.flag, c.value, c.extra...)...)
				assert.Equal(t, 1, r.code)
				assert.Contains(t, r.stderr, c.want)
				assert.Equal(t, 1, strings.Count(r.stderr, "\n"), "one line: %q", r.stderr)
				assert.Empty(t, r.stdout)
			})
		}
	}
}

func TestSignP2HashExpectations(t *testing.T) {
	sf := signFlags{hash: "sha256", expect: "0xABCD"}
	r, err := sf.check("2")
	require.NoError(t, err)
	assert.True(t, r.hasExpect)
	assert.Equal(t, []byte{0xab, 0xcd}, r.expect)
	assert.Equal(t, "m", r.Path)
	sf = signFlags{message: "01"}
	r, err = sf.check("1")
	require.NoError(t, err)
	assert.Equal(t, "keccak256", r.Hash.String(), "keccak256 is the default")
}

func TestAddressErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"address"}, "--share"},
		{[]string{"address", "--share", filepath.Join(dir, "none"), "--insecure-plaintext"}, "not found"},
		{[]string{"address", "--share", filepath.Join(dir, "none"), "--path", "m/1'"}, "hardened"},
	}
	for _, tc := range tests {
		r := run(t, nil, tc.args...)
		assert.Equal(t, 1, r.code, tc.args)
		assert.Contains(t, r.stderr, tc.want, tc.args)
	}
}

func TestBenchFlags(t *testing.T) {
	for _, n := range []string{"0", "-1", "1000000", "x"} {
		r := run(t, nil, "bench", "--n", n)
		assert.Equal(t, 1, r.code, n)
		assert.Contains(t, r.stderr, "--n", n)
	}
}
