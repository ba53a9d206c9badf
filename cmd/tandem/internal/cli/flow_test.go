package cli

import (
	"bytes"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tandem-mpc/tandem/cmd/tandem/internal/sharefile"
	"github.com/tandem-mpc/tandem/ecdsa2p"
	"github.com/tandem-mpc/tandem/mpc"
)

// TestFlow runs keygen, address, sign (with a path, with a refusal), refresh and a second
// sign through Main, two parties on goroutines, over the embedded relay on a loopback
// WebSocket. The shares are plaintext (TestEncryptedShare covers the passphrase).
func TestFlow(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the protocols")
	}
	f := newFixture(t)
	url, stop, err := startRelay()
	require.NoError(t, err)
	defer stop()
	s1, s2 := f.path("s1"), f.path("s2")
	args := func(cmd string, p int, inst string, extra ...string) []string {
		return append(f.partyArgs(cmd, p, url, inst), extra...)
	}
	inst := func() string { return mpc.RandomInstanceID().Hex() }

	// keygen
	id := inst()
	r1, r2 := runPair(t, nil, args("keygen", 1, id, "--out", s1, "--json"), args("keygen", 2, id, "--out", s2, "--json"))
	require.Equal(t, 0, r1.code, r1.stderr)
	require.Equal(t, 0, r2.code, r2.stderr)
	k1, k2 := r1.jsonOut(t), r2.jsonOut(t)
	assert.Equal(t, "active", k1["status"])
	assert.Equal(t, k1, k2)
	pub := k1["public_key"].(string)
	assert.Len(t, pub, 66)
	addr, err := addrOfHex(t, pub)
	require.NoError(t, err)
	assert.Equal(t, addr, k1["address"])

	r := run(t, nil, args("keygen", 1, inst(), "--out", s1)...)
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stderr, "exists")

	// address
	r = run(t, nil, "address", "--share", s2, "--insecure-plaintext", "--json")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, map[string]any{"public_key": pub, "address": addr, "path": "m"}, r.jsonOut(t))
	r = run(t, nil, "address", "--share", s1)
	assert.Equal(t, 1, r.code, "a plaintext share needs --insecure-plaintext")
	assert.Contains(t, r.stderr, "InsecurePlaintext")

	// sign on a derived path
	msg := hex.EncodeToString([]byte("pay 1 ETH to bob"))
	id = inst()
	r1, r2 = runPair(t, nil,
		args("sign", 1, id, "--share", s1, "--path", "m/0/1", "--message", msg, "--hash", "keccak256", "--json"),
		args("sign", 2, id, "--share", s2, "--path", "m/0/1", "--expect", msg, "--json"))
	require.Equal(t, 0, r1.code, r1.stderr)
	require.Equal(t, 0, r2.code, r2.stderr)
	o1, o2 := r1.jsonOut(t), r2.jsonOut(t)
	assert.Equal(t, o1, o2)
	for _, k := range []string{"signature", "r", "s", "recovery_id", "public_key", "address"} {
		assert.Contains(t, o1, k)
	}
	assert.NotEqual(t, pub, o1["public_key"], "the derived key differs from the root key")
	assert.Contains(t, r2.stderr, msg)
	assert.Contains(t, r2.stderr, "keccak256")
	assert.Contains(t, r2.stderr, "m/0/1")
	d, err := Digest(1, mustHex(t, msg))
	require.NoError(t, err)
	assert.Contains(t, r2.stderr, hex.EncodeToString(d[:]))
	sig := o1["signature"].(string)
	assert.Len(t, sig, 130)
	assert.Equal(t, sig[:64], o1["r"])
	assert.Equal(t, sig[64:128], o1["s"])
	r = run(t, nil, "verify", "--pub", o1["public_key"].(string), "--message", msg, "--hash", "keccak256", "--sig", sig)
	assert.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "valid\n", r.stdout)
	derivedAddr, err := addrOfHex(t, o1["public_key"].(string))
	require.NoError(t, err)
	assert.Equal(t, derivedAddr, o1["address"])
	// address --path derives the same key locally
	r = run(t, nil, "address", "--share", s1, "--insecure-plaintext", "--path", "m/0/1", "--json")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, map[string]any{"public_key": o1["public_key"], "address": derivedAddr, "path": "m/0/1"}, r.jsonOut(t))

	// party 2 refuses a message other than --expect: both end with an error
	id = inst()
	r1, r2 = runPair(t, nil,
		args("sign", 1, id, "--share", s1, "--message", msg),
		args("sign", 2, id, "--share", s2, "--expect", "00"))
	assert.Equal(t, 1, r1.code)
	assert.Equal(t, 1, r2.code)
	assert.Contains(t, r1.stderr, "refused")
	assert.Contains(t, r2.stderr, "--expect")
	assert.Empty(t, r1.stdout)
	assert.Empty(t, r2.stdout)

	// refresh, then sign the root key with SHA-256
	id = inst()
	r1, r2 = runPair(t, nil, args("refresh", 1, id, "--share", s1), args("refresh", 2, id, "--share", s2, "--json"))
	require.Equal(t, 0, r1.code, r1.stderr)
	require.Equal(t, 0, r2.code, r2.stderr)
	assert.Contains(t, r1.stdout, pub)
	assert.Contains(t, r1.stdout, "active")
	assert.Equal(t, map[string]any{"public_key": pub, "address": addr, "status": "active"}, r2.jsonOut(t))

	id = inst()
	r1, r2 = runPair(t, nil,
		args("sign", 1, id, "--share", s1, "--message", "0x00ff", "--hash", "sha256"),
		args("sign", 2, id, "--share", s2, "--hash", "sha256"))
	require.Equal(t, 0, r1.code, r1.stderr)
	require.Equal(t, 0, r2.code, r2.stderr)
	assert.Equal(t, r1.stdout, r2.stdout)
	assert.Contains(t, r1.stdout, "address: ")
	assert.Contains(t, r1.stdout, addr)
	var sigHex string
	for _, line := range strings.Split(r1.stdout, "\n") {
		if v, ok := strings.CutPrefix(line, "signature: "); ok {
			sigHex = strings.TrimSpace(v)
		}
	}
	r = run(t, nil, "verify", "--pub", pub, "--message", "00ff", "--hash", "sha256", "--sig", sigHex, "--json")
	assert.Equal(t, 0, r.code, r.stderr)

	// party 2 insists on SHA-256; party 1 asks for Keccak-256
	id = inst()
	r1, r2 = runPair(t, nil,
		args("sign", 1, id, "--share", s1, "--message", msg),
		args("sign", 2, id, "--share", s2, "--hash", "sha256"))
	assert.Equal(t, 1, r1.code)
	assert.Equal(t, 1, r2.code)
	assert.Contains(t, r1.stderr, "refused")
	assert.Contains(t, r2.stderr, "--hash says sha256")

	// a party-2 share used as party 1 is refused before anything is sent
	r = run(t, nil, args("sign", 1, inst(), "--share", s2, "--message", "00")...)
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stderr, "party 2's")

	// a share whose lock record is gone is a restored copy: LOCKED until a refresh
	require.NoError(t, os.Remove(s2+".state"))
	r = run(t, nil, "address", "--share", s2, "--insecure-plaintext")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stderr, "LOCKED")
	id = inst()
	r1, r2 = runPair(t, nil, args("sign", 1, id, "--share", s1, "--message", msg), args("sign", 2, id, "--share", s2))
	assert.Equal(t, 1, r1.code)
	assert.Equal(t, 1, r2.code)
	assert.Contains(t, r2.stderr, "LOCKED; run `tandem refresh`")
	assert.Contains(t, r1.stderr, "other party's key share is LOCKED")
	id = inst()
	r1, r2 = runPair(t, nil, args("refresh", 1, id, "--share", s1), args("refresh", 2, id, "--share", s2))
	require.Equal(t, 0, r1.code, r1.stderr)
	require.Equal(t, 0, r2.code, r2.stderr)
	id = inst()
	r1, r2 = runPair(t, nil, args("sign", 1, id, "--share", s1, "--message", msg), args("sign", 2, id, "--share", s2))
	require.Equal(t, 0, r1.code, r1.stderr)
	require.Equal(t, 0, r2.code, r2.stderr)

	// an incomplete keygen or refresh prints status incomplete and exits 3
	sf, err := sharefile.Open(s1, sharefile.Options{InsecurePlaintext: true})
	require.NoError(t, err)
	ks, err := sf.Load(t.Context())
	require.NoError(t, err)
	require.NoError(t, sf.Close())
	var out bytes.Buffer
	e := &env{stdout: &out, stderr: io.Discard}
	err = keyDone(e, &party{json: true}, "keygen", ks, errors.Join(ecdsa2p.ErrIncomplete, mpc.ErrTimeout))
	var xe *exitError
	require.ErrorAs(t, err, &xe)
	assert.Equal(t, ExitIncomplete, xe.code)
	assert.JSONEq(t, `{"public_key":"`+pub+`","address":"`+addr+`","status":"incomplete"}`, out.String())
	err = keyDone(e, &party{}, "keygen", nil, mpc.ErrTimeout)
	require.NotErrorAs(t, err, &xe)
}

// TestEncryptedShare: keygen with the share passphrase from --passphrase-file (party 1) and
// TANDEM_PASSPHRASE (party 2), then address with and without the right passphrase.
func TestEncryptedShare(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("age's scrypt is slow under the race detector")
	}
	f := newFixture(t)
	url, stop, err := startRelay()
	require.NoError(t, err)
	defer stop()
	pass := f.path("pass")
	require.NoError(t, os.WriteFile(pass, []byte("correct horse\n"), 0o600))
	s1, s2 := f.path("s1"), f.path("s2")
	strip := func(a []string) []string { // drop --insecure-plaintext
		var out []string
		for _, s := range a {
			if s != "--insecure-plaintext" {
				out = append(out, s)
			}
		}
		return out
	}
	id := mpc.RandomInstanceID().Hex()
	var r1, r2 result
	var wg sync.WaitGroup
	wg.Go(func() {
		r1 = run(t, nil, append(strip(f.partyArgs("keygen", 1, url, id)), "--out", s1, "--passphrase-file", pass, "--json")...)
	})
	wg.Go(func() {
		r2 = run(t, []string{"TANDEM_PASSPHRASE=battery staple"}, append(strip(f.partyArgs("keygen", 2, url, id)), "--out", s2, "--json")...)
	})
	wg.Wait()
	require.Equal(t, 0, r1.code, r1.stderr)
	require.Equal(t, 0, r2.code, r2.stderr)
	addr := r1.jsonOut(t)["address"].(string)

	r := run(t, nil, "address", "--share", s1)
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stderr, "passphrase")
	r = run(t, nil, "address", "--share", s1, "--passphrase-file", pass)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, addr)
	r = run(t, []string{"TANDEM_PASSPHRASE=battery staple"}, "address", "--share", s2, "--json")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, addr, r.jsonOut(t)["address"])
	r = run(t, []string{"TANDEM_PASSPHRASE=wrong"}, "address", "--share", s2)
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stderr, "wrong passphrase")
}
