package cli

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the protocols")
	}
	r := run(t, nil, "demo", "--json")
	require.Equal(t, 0, r.code, r.stderr)
	out := r.jsonOut(t)
	assert.Equal(t, true, out["verified"])
	assert.True(t, strings.HasPrefix(out["relay"].(string), "ws://127.0.0.1:"))
	sig := out["signature"].(string)
	// The printed signature verifies with the verify command.
	v := run(t, nil, "verify", "--pub", out["public_key"].(string), "--message", out["message"].(string),
		"--hash", "keccak256", "--sig", sig)
	assert.Equal(t, 0, v.code, v.stderr)
	addr, err := addrOfHex(t, out["public_key"].(string))
	require.NoError(t, err)
	assert.Equal(t, addr, out["address"])
}

func TestDemoHuman(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the protocols")
	}
	r := run(t, nil, "demo")
	require.Equal(t, 0, r.code, r.stderr)
	for _, want := range []string{"relay ", "instance ", "keygen done", "address 0x", "message ", "signature ", "verified"} {
		assert.Contains(t, r.stdout, want)
	}
	assert.Empty(t, r.stderr)
}

func TestDemoFlags(t *testing.T) {
	for _, args := range [][]string{{"demo", "--timeout", "0s"}, {"demo", "extra"}, {"demo", "--nope"}} {
		r := run(t, nil, args...)
		assert.Equal(t, 1, r.code, args)
		assert.Equal(t, 1, strings.Count(r.stderr, "\n"), "%q", r.stderr)
	}
}

// TestBench: the bench subcommand reaches package bench and prints its JSON object.
func TestBench(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("runs the protocols several times")
	}
	r := run(t, nil, "bench", "--n", "1", "--json")
	require.Equal(t, 0, r.code, r.stderr)
	out := r.jsonOut(t)
	for _, k := range []string{"keygen_ms", "sign_ms", "presign_ms", "online_ms", "relay_keygen_ms", "relay_sign_ms", "sign_bytes_per_party"} {
		assert.Contains(t, out, k)
	}
}
