package main_test

import (
	"encoding/hex"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tandem-mpc/tandem/signer"
)

// hangBound is how long a refused or failing session may take before the test calls it a
// hang. It is far above the expected second or two and is not a performance assertion.
const hangBound = 30 * time.Second

// party is one side of a wallet: its message key, its share file and how it gets the
// passphrase.
type party struct {
	index  string // "1" or "2"
	signer string // PEM file of the message key
	vk     string // verifying key, text form
	share  string // share file
	opts   runOpts
	pass   []string // passphrase flags
}

// wallet is a generated key held by two parties.
type wallet struct {
	p         [2]*party
	publicKey string
	address   string
}

// TestE2E runs the real tandem and relay binaries: keygen, sign, verify and address with two
// parties as separate processes over a relay on loopback.
func TestE2E(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end: builds and runs the binaries")
	}
	e := newE2E(t)

	var w *wallet // the ed25519+ed25519 wallet, shared by the later subtests
	retries := 0
	needWallet := func(t *testing.T) *wallet {
		t.Helper()
		if w == nil { // run alone (-run) or after a failed keygen
			retries++
			w = e.keygen(t, "ee"+strconv.Itoa(retries), "ed25519", "ed25519")
		}
		return w
	}
	t.Run("ed25519+ed25519", func(t *testing.T) {
		w = e.keygen(t, "ee", "ed25519", "ed25519")
		e.signAndCheck(t, w, "m/0/1", []byte("tandem end-to-end: ed25519 and ed25519"))
	})
	t.Run("ed25519+p256", func(t *testing.T) {
		w2 := e.keygen(t, "ep", "ed25519", "p256")
		e.signAndCheck(t, w2, "m/0/1", []byte("tandem end-to-end: ed25519 and p256"))
	})
	t.Run("expect-refused", func(t *testing.T) {
		e.expectRefused(t, needWallet(t))
	})
	t.Run("hash-refused", func(t *testing.T) {
		e.hashRefused(t, needWallet(t))
	})
	t.Run("sign-after-refusals", func(t *testing.T) {
		// A refusal burns one pre-signature and locks nothing: the root key still signs.
		e.signAndCheck(t, needWallet(t), "m", []byte("tandem end-to-end: root key after refusals"))
	})
	t.Run("relay-fallback", func(t *testing.T) {
		e.keygenFallback(t)
	})
	t.Run("no-passphrase", func(t *testing.T) {
		w := needWallet(t)
		p := w.p[0]
		r := e.run(t, "sign without passphrase", runOpts{}, 1,
			"sign", "--relay", e.relayURL, "--party", "1", "--signer", p.signer, "--other", w.p[1].vk,
			"--instance", randHex(t, 32), "--share", p.share,
			"--message", hex.EncodeToString([]byte("no passphrase")), "--hash", "keccak256", "--timeout", "20s")
		assert.Contains(t, strings.ToLower(r.stderr.String()), "passphrase", "stderr names the missing passphrase\n%s", r.describe())
		t.Logf("stderr: %s", r.stderr.String())
	})
}

// newParties creates the two message keys of a wallet: P1 reads the passphrase from the
// file, P2 from TANDEM_PASSPHRASE.
func (e *e2e) newParties(t *testing.T, name, type1, type2 string) [2]*party {
	t.Helper()
	var ps [2]*party
	for i, typ := range []string{type1, type2} {
		p := &party{index: string(rune('1' + i))}
		base := filepath.Join(e.dir, name+"-p"+p.index)
		p.signer = base + ".pem"
		p.share = base + ".share"
		if i == 0 {
			p.pass = []string{"--passphrase-file", e.passFile}
		} else {
			p.opts = runOpts{passEnv: e.pass}
		}
		r := e.run(t, "signer new P"+p.index, runOpts{}, 0, "signer", "new", "--type", typ, "--out", p.signer)
		p.vk = r.lastLine(t)
		vk, err := signer.ParseVerifyingKey(p.vk)
		require.NoError(t, err, "signer new: last line is not a verifying key\n%s", r.describe())
		require.Equal(t, map[string]signer.KeyType{"ed25519": signer.Ed25519, "p256": signer.ECDSAP256}[typ], vk.Type())
		requireMode0600(t, p.signer)
		ps[i] = p
	}
	require.NotEqual(t, ps[0].vk, ps[1].vk)
	return ps
}

// keygen creates a wallet: the two parties run keygen in parallel; both end active with the
// same key, and the share files are 0600 and age-encrypted.
func (e *e2e) keygen(t *testing.T, name, type1, type2 string) *wallet {
	t.Helper()
	ps := e.newParties(t, name, type1, type2)
	inst := randHex(t, 32)
	var procs [2]*proc
	for i, p := range ps {
		args := append([]string{"keygen", "--relay", e.relayURL, "--party", p.index, "--signer", p.signer,
			"--other", ps[1-i].vk, "--instance", inst, "--out", p.share, "--json"}, p.pass...)
		procs[i] = e.start(t, "keygen P"+p.index, p.opts, args...)
	}
	var res [2]map[string]string
	for i, pr := range procs {
		pr.mustExit(t, 0)
		res[i] = pr.json(t)
		assert.Equal(t, "active", res[i]["status"], "%s: status", pr.name)
	}
	require.Equal(t, res[0]["public_key"], res[1]["public_key"], "the parties disagree on the public key")
	require.Equal(t, res[0]["address"], res[1]["address"], "the parties disagree on the address")
	require.Len(t, res[0]["public_key"], 66, "compressed public key in hex")
	require.Equal(t, ethAddress(t, res[0]["public_key"]), strings.ToLower(res[0]["address"]), "address of the public key")
	for _, p := range ps {
		requireEncryptedShare(t, p.share)
	}
	return &wallet{p: ps, publicKey: res[0]["public_key"], address: res[0]["address"]}
}

// requireMode0600 requires a file readable and writable by its owner only.
func requireMode0600(t *testing.T, path string) {
	t.Helper()
	fi, err := os.Stat(path)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), fi.Mode().Perm(), "%s: mode", filepath.Base(path))
}

// requireEncryptedShare requires a share file that is 0600 and an age file, with no
// plaintext marker.
func requireEncryptedShare(t *testing.T, path string) {
	t.Helper()
	requireMode0600(t, path)
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(string(b), "age-encryption.org/v1\n"), "%s: not an age file", filepath.Base(path))
	require.NotContains(t, string(b), "tandem-keyshare-plaintext", "%s: plaintext marker", filepath.Base(path))
}

// signArgs returns the sign command line of party i of w.
func (e *e2e) signArgs(w *wallet, i int, inst, path string, extra ...string) []string {
	p := w.p[i]
	args := []string{"sign", "--relay", e.relayURL, "--party", p.index, "--signer", p.signer,
		"--other", w.p[1-i].vk, "--instance", inst, "--share", p.share, "--path", path, "--json"}
	return append(append(args, p.pass...), extra...)
}

// signAndCheck signs msg on path with both parties in parallel and checks the result with
// the CLI's verify and address commands and independently with decred.
func (e *e2e) signAndCheck(t *testing.T, w *wallet, path string, msg []byte) {
	t.Helper()
	msgHex := hex.EncodeToString(msg)
	inst := randHex(t, 32)
	var procs [2]*proc
	for i, p := range w.p {
		// P1 gives the message; P2 receives it and insists on it and on the hash.
		args := e.signArgs(w, i, inst, path, "--hash", "keccak256", "--message", msgHex)
		if i == 1 {
			args = e.signArgs(w, i, inst, path, "--hash", "keccak256", "--expect", msgHex)
		}
		procs[i] = e.start(t, "sign P"+p.index, p.opts, args...)
	}
	var res [2]map[string]string
	for i, pr := range procs {
		pr.mustExit(t, 0)
		res[i] = pr.json(t)
	}
	for _, k := range []string{"signature", "r", "s", "recovery_id", "public_key", "address"} {
		require.NotEmpty(t, res[0][k], "sign P1: JSON key %q", k)
		require.Equal(t, res[0][k], res[1][k], "the parties printed different %q", k)
	}
	sig := res[0]
	checkSignature(t, sig, msg)
	if path == "m" {
		require.Equal(t, w.publicKey, sig["public_key"], "the root key signed")
	} else {
		require.NotEqual(t, w.publicKey, sig["public_key"], "the key at %s is the root key", path)
	}

	// The CLI's verify accepts it and rejects a flipped bit.
	e.run(t, "verify", runOpts{}, 0, "verify", "--pub", sig["public_key"], "--message", msgHex,
		"--hash", "keccak256", "--sig", sig["signature"])
	bad, err := hex.DecodeString(sig["signature"])
	require.NoError(t, err)
	bad[40] ^= 0x01 // a bit of s
	e.run(t, "verify flipped", runOpts{}, 1, "verify", "--pub", sig["public_key"], "--message", msgHex,
		"--hash", "keccak256", "--sig", hex.EncodeToString(bad))
	const generator = "0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798" // G: another valid key
	e.run(t, "verify wrong key", runOpts{}, 1, "verify", "--pub", generator, "--message", msgHex,
		"--hash", "keccak256", "--sig", sig["signature"])

	// address at the path matches the signing key; at the root, keygen's key. P1 and P2 run
	// in parallel (each decrypts its share).
	p1 := w.p[0]
	p2 := w.p[1]
	derived := e.start(t, "address P1 "+path, p1.opts,
		append([]string{"address", "--share", p1.share, "--path", path, "--json"}, p1.pass...)...)
	root := e.start(t, "address P2 root", p2.opts,
		append([]string{"address", "--share", p2.share, "--json"}, p2.pass...)...)
	root.mustExit(t, 0)
	r := root.json(t)
	assert.Equal(t, w.publicKey, r["public_key"], "address (root): public_key")
	assert.Equal(t, w.address, r["address"], "address (root): address")
	assert.Equal(t, "m", r["path"], "address (root): path")
	derived.mustExit(t, 0)
	d := derived.json(t)
	assert.Equal(t, sig["public_key"], d["public_key"], "address --path %s: public_key", path)
	assert.Equal(t, sig["address"], d["address"], "address --path %s: address", path)
	assert.Equal(t, path, d["path"], "address --path %s: path", path)
}

// expectRefused has P2 expect another message than P1 requests: both processes fail with a
// clear error, promptly.
func (e *e2e) expectRefused(t *testing.T, w *wallet) {
	t.Helper()
	inst := randHex(t, 32)
	msgHex := hex.EncodeToString([]byte("pay 1 ETH to alice"))
	expect := hex.EncodeToString([]byte("pay 1 ETH to bob"))
	p1 := e.start(t, "sign P1 (refused)", w.p[0].opts, e.signArgs(w, 0, inst, "m",
		"--message", msgHex, "--hash", "keccak256", "--timeout", "60s")...)
	p2 := e.start(t, "sign P2 (refusing)", w.p[1].opts, e.signArgs(w, 1, inst, "m",
		"--expect", expect, "--timeout", "60s")...)
	for _, p := range []*proc{p1, p2} {
		code := p.wait(t)
		assert.NotEqual(t, 0, code, "%s: exit code\n%s", p.name, p.describe())
		assert.NotEqual(t, -1, code, "%s: killed (hung?)\n%s", p.name, p.describe())
		assert.Less(t, p.dur, hangBound, "%s: took %v (hung?)\n%s", p.name, p.dur, p.describe())
		assert.NotEmpty(t, strings.TrimSpace(p.stderr.String()), "%s: no error message\n%s", p.name, p.describe())
		assert.NotContains(t, p.stdout.String(), `"signature"`, "%s printed a signature\n%s", p.name, p.describe())
	}
	t.Logf("P1 (%v) stderr: %s", p1.dur.Round(time.Millisecond), p1.stderr.String())
	t.Logf("P2 (%v) stderr: %s", p2.dur.Round(time.Millisecond), p2.stderr.String())
	e1 := strings.ToLower(p1.stderr.String())
	assert.True(t, strings.Contains(e1, "refus") || strings.Contains(e1, "reject"),
		"P1's error does not say the peer refused or rejected\n%s", p1.describe())
	e2 := strings.ToLower(p2.stderr.String())
	assert.True(t, strings.Contains(e2, "expect") || strings.Contains(e2, "refus") || strings.Contains(e2, "reject"),
		"P2's error does not say why it refused\n%s", p2.describe())
}

// hashRefused has P1 ask for SHA-256 while P2 insists on Keccak-256 (with the right
// message): both processes fail promptly.
func (e *e2e) hashRefused(t *testing.T, w *wallet) {
	t.Helper()
	inst := randHex(t, 32)
	msgHex := hex.EncodeToString([]byte("same message, other hash"))
	p1 := e.start(t, "sign P1 (sha256)", w.p[0].opts, e.signArgs(w, 0, inst, "m",
		"--message", msgHex, "--hash", "sha256", "--timeout", "60s")...)
	p2 := e.start(t, "sign P2 (keccak256)", w.p[1].opts, e.signArgs(w, 1, inst, "m",
		"--expect", msgHex, "--hash", "keccak256", "--timeout", "60s")...)
	for _, p := range []*proc{p1, p2} {
		code := p.wait(t)
		assert.NotEqual(t, 0, code, "%s: exit code\n%s", p.name, p.describe())
		assert.NotEqual(t, -1, code, "%s: killed (hung?)\n%s", p.name, p.describe())
		assert.Less(t, p.dur, hangBound, "%s: took %v (hung?)\n%s", p.name, p.dur, p.describe())
		assert.NotContains(t, p.stdout.String(), `"signature"`, "%s printed a signature\n%s", p.name, p.describe())
	}
	assert.Contains(t, strings.ToLower(p2.stderr.String()), "sha256", "P2's error names the hash it was asked for\n%s", p2.describe())
}

// keygenFallback runs keygen with a dead first relay URL: both parties fall back to the
// second one.
func (e *e2e) keygenFallback(t *testing.T) {
	t.Helper()
	ps := e.newParties(t, "fb", "p256", "ed25519")
	inst := randHex(t, 32)
	dead := deadRelayURL(t)
	var procs [2]*proc
	for i, p := range ps {
		args := append([]string{"keygen", "--relay", dead, "--relay", e.relayURL, "--party", p.index,
			"--signer", p.signer, "--other", ps[1-i].vk, "--instance", inst, "--out", p.share, "--json"}, p.pass...)
		procs[i] = e.start(t, "keygen P"+p.index+" (fallback)", p.opts, args...)
	}
	var res [2]map[string]string
	for i, pr := range procs {
		pr.mustExit(t, 0)
		res[i] = pr.json(t)
		assert.Equal(t, "active", res[i]["status"], "%s: status", pr.name)
	}
	require.Equal(t, res[0]["public_key"], res[1]["public_key"])
	require.Equal(t, ethAddress(t, res[0]["public_key"]), strings.ToLower(res[0]["address"]))
}
