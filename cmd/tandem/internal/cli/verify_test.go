package cli

import (
	"encoding/hex"
	"math/big"
	"strings"
	"testing"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	decredecdsa "github.com/decred/dcrd/dcrec/secp256k1/v4/ecdsa"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tandem-mpc/tandem/ecdsa2p"
)

// A signature made by two parties of `tandem sign` (party 1 --message 68656c6c6f, Keccak-256,
// path m/0/1) in a manual run against cmd/relay.
const (
	vecPub = "0312ee46b9fcd63b6c49b990b131ba6c720b6dc8d7d0eec0ce00220398e4b2f7d1"
	vecMsg = "68656c6c6f"
	vecSig = "620795f0f5c5fae67d6d03c21e48fab01886ad9dd7ec7495e27dafa76de5bd9d" +
		"5b5e61804478e4c59926e5aa3252ee2ab57834b8bd01c3a039caa44d1de1837001"
	vecAddr = "0x05e764e16db7749a1e7ce12eb0a6936cd8fda6c1"
)

// decredVector signs digest with a fixed key through decred's reference implementation and
// returns the compressed and uncompressed keys and r ‖ s ‖ recovery id.
func decredVector(t *testing.T, seed byte, digest [32]byte) (comp, uncomp, sig []byte) {
	t.Helper()
	var k [32]byte
	for i := range k {
		k[i] = seed + byte(i)
	}
	priv := secp256k1.PrivKeyFromBytes(k[:])
	compact := decredecdsa.SignCompact(priv, digest[:], true) // v ‖ r ‖ s, v = 27 + 4 + recid
	sig = append(append([]byte{}, compact[1:]...), compact[0]-31)
	return priv.PubKey().SerializeCompressed(), priv.PubKey().SerializeUncompressed(), sig
}

// addrOfHex returns the address of a compressed public key in hex.
func addrOfHex(t *testing.T, pubHex string) (string, error) {
	t.Helper()
	b := mustHex(t, pubHex)
	require.Len(t, b, 33)
	return ecdsa2p.AddressOf([33]byte(b))
}

func mustHex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	require.NoError(t, err)
	return b
}

func TestVerifyDigestVectors(t *testing.T) {
	d, err := Digest(ecdsa2p.Keccak256, mustHex(t, vecMsg))
	require.NoError(t, err)
	require.NoError(t, VerifyDigest(mustHex(t, vecPub), d, mustHex(t, vecSig)))
	require.NoError(t, VerifyDigest(mustHex(t, vecPub), d, mustHex(t, vecSig)[:64]))
	addr, err := addrOfHex(t, vecPub)
	require.NoError(t, err)
	assert.Equal(t, vecAddr, addr)

	for seed := byte(1); seed < 20; seed++ {
		for _, h := range []ecdsa2p.HashAlg{ecdsa2p.Keccak256, ecdsa2p.SHA256} {
			msg := []byte(strings.Repeat("m", int(seed)))
			d, err := Digest(h, msg)
			require.NoError(t, err)
			comp, uncomp, sig := decredVector(t, seed, d)
			require.NoError(t, VerifyDigest(comp, d, sig), "seed %d", seed)
			require.NoError(t, VerifyDigest(uncomp, d, sig), "seed %d", seed)
			require.NoError(t, VerifyDigest(comp, d, sig[:64]))
			eth := append(append([]byte{}, sig[:64]...), sig[64]+27)
			require.NoError(t, VerifyDigest(comp, d, eth), "Ethereum's legacy v")

			flipped := append(append([]byte{}, sig[:64]...), sig[64]^1)
			require.ErrorIs(t, VerifyDigest(comp, d, flipped), ecdsa2p.ErrInvalidSignature)

			// High s verifies (ECDSA), with the other parity.
			n := secp256k1.S256().N
			s := new(big.Int).SetBytes(sig[32:64])
			high := append(append([]byte{}, sig[:32]...), new(big.Int).Sub(n, s).FillBytes(make([]byte, 32))...)
			require.NoError(t, VerifyDigest(comp, d, high))
			require.NoError(t, VerifyDigest(comp, d, append(high, sig[64]^1)))

			other := d
			other[0] ^= 1
			require.ErrorIs(t, VerifyDigest(comp, other, sig), ecdsa2p.ErrInvalidSignature)
			comp2, _, _ := decredVector(t, seed+100, d)
			require.ErrorIs(t, VerifyDigest(comp2, d, sig), ecdsa2p.ErrInvalidSignature)
		}
	}
}

func TestVerifyDigestMalformed(t *testing.T) {
	d, err := Digest(ecdsa2p.Keccak256, mustHex(t, vecMsg))
	require.NoError(t, err)
	pub, sig := mustHex(t, vecPub), mustHex(t, vecSig)
	n := secp256k1.S256().N.FillBytes(make([]byte, 32))
	with := func(off int, b []byte) []byte {
		s := append([]byte{}, sig...)
		copy(s[off:], b)
		return s
	}
	tests := []struct {
		name     string
		pub, sig []byte
		want     string
	}{
		{"empty sig", pub, nil, "64"},
		{"short sig", pub, sig[:63], "64"},
		{"long sig", pub, append(append([]byte{}, sig...), 0), "64"},
		{"r zero", pub, with(0, make([]byte, 32)), "out of range"},
		{"r = n", pub, with(0, n), "out of range"},
		{"s zero", pub, with(32, make([]byte, 32)), "out of range"},
		{"s = n", pub, with(32, n), "out of range"},
		{"v = 4", pub, with(64, []byte{4}), "recovery id"},
		{"v = 31", pub, with(64, []byte{31}), "recovery id"},
		{"v = 2 (overflow bit)", pub, with(64, []byte{3}), "recovery id"},
		{"pub empty", nil, sig, "public key"},
		{"pub 32 bytes", pub[1:], sig, "public key"},
		{"pub prefix 04 at 33", append([]byte{4}, pub[1:]...), sig, "public key"},
		{"pub not on curve", append([]byte{2}, make([]byte, 32)...), sig, "public key"},
		{"pub uncompressed garbage", append([]byte{4}, make([]byte, 64)...), sig, "public key"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := VerifyDigest(tc.pub, d, tc.sig)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestVerifyCommand(t *testing.T) {
	ok := []string{"verify", "--pub", vecPub, "--message", vecMsg, "--hash", "keccak256", "--sig", vecSig}
	r := run(t, nil, ok...)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "valid\n", r.stdout)
	r = run(t, nil, append(ok, "--json")...)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, true, r.jsonOut(t)["valid"])
	r = run(t, nil, "verify", "--pub", "0x"+vecPub, "--message", vecMsg, "--hash", "keccak256", "--sig", vecSig[:128])
	require.Equal(t, 0, r.code, r.stderr)

	bad := []string{"verify", "--pub", vecPub, "--message", vecMsg, "--hash", "sha256", "--sig", vecSig}
	r = run(t, nil, bad...)
	assert.Equal(t, 1, r.code)
	assert.Empty(t, r.stdout)
	assert.Contains(t, r.stderr, "invalid")
	r = run(t, nil, append(bad, "--json")...)
	assert.Equal(t, 1, r.code)
	assert.Equal(t, false, r.jsonOut(t)["valid"])

	tests := []struct {
		args []string
		want string
	}{
		{[]string{"verify"}, "--pub"},
		{[]string{"verify", "--pub", vecPub, "--hash", "keccak256", "--sig", vecSig}, "--message"},
		{[]string{"verify", "--pub", vecPub, "--message", vecMsg, "--sig", vecSig}, "--hash"},
		{[]string{"verify", "--pub", vecPub, "--message", vecMsg, "--hash", "keccak256"}, "--sig"},
		{[]string{"verify", "--pub", vecPub, "--message", vecMsg, "--hash", "md5", "--sig", vecSig}, "--hash"},
		{[]string{"verify", "--pub", "zz", "--message", vecMsg, "--hash", "sha256", "--sig", vecSig}, "--pub"},
		{[]string{"verify", "--pub", vecPub, "--message", "abc", "--hash", "sha256", "--sig", vecSig}, "--message"},
		{[]string{"verify", "--pub", vecPub, "--message", vecMsg, "--hash", "sha256", "--sig", "q"}, "--sig"},
		{[]string{"verify", "--pub", vecPub[:64], "--message", vecMsg, "--hash", "keccak256", "--sig", vecSig}, "public key"},
	}
	for _, tc := range tests {
		r := run(t, nil, tc.args...)
		assert.Equal(t, 1, r.code, tc.args)
		assert.Contains(t, r.stderr, tc.want, tc.args)
		assert.Equal(t, 1, strings.Count(r.stderr, "\n"), "one line: %q", r.stderr)
	}
}

func TestParseHash(t *testing.T) {
	for in, want := range map[string]ecdsa2p.HashAlg{"keccak256": ecdsa2p.Keccak256, "KECCAK-256": ecdsa2p.Keccak256,
		"sha256": ecdsa2p.SHA256, "SHA-256": ecdsa2p.SHA256} {
		got, err := ParseHash(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, in := range []string{"", "raw", "md5", "sha3-256", "keccak512"} {
		_, err := ParseHash(in)
		assert.Error(t, err, in)
	}
}

func TestParseInstanceHex(t *testing.T) {
	good := strings.Repeat("ab", 32)
	id, err := ParseInstanceHex(good)
	require.NoError(t, err)
	assert.Equal(t, good, id.Hex())
	id, err = ParseInstanceHex(strings.ToUpper(good))
	require.NoError(t, err)
	assert.Equal(t, good, id.Hex())
	for _, bad := range []string{"", good[:63], good + "a", "0x" + good[2:], strings.Repeat("0", 64),
		strings.Repeat("z", 64), "q6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6s="} {
		_, err := ParseInstanceHex(bad)
		assert.Error(t, err, bad)
	}
}

func TestCheckPath(t *testing.T) {
	for in, want := range map[string]string{"": "m", "m": "m", "m/0": "m/0", "m/0/1": "m/0/1", "m/2147483647": "m/2147483647"} {
		got, err := checkPath(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got)
	}
	for _, bad := range []string{"M", "m/", "m//1", "/0", "0/1", "m/01", "m/-1", "m/+1", "m/1'", "m/1h", "m/1H",
		"m/2147483648", "m/4294967296", "m/a", "m/ 1"} {
		_, err := checkPath(bad)
		assert.Error(t, err, bad)
	}
}

func TestNormalizeRelayURL(t *testing.T) {
	for in, want := range map[string]string{
		"ws://h:1":              "ws://h:1/v1/msg-relay",
		"ws://h:1/":             "ws://h:1/v1/msg-relay",
		"wss://h/v1/msg-relay":  "wss://h/v1/msg-relay",
		"http://h:8000":         "ws://h:8000/v1/msg-relay",
		"https://h/custom/path": "wss://h/custom/path",
	} {
		got, err := normalizeRelayURL(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got)
	}
	for _, bad := range []string{"", "h:1", "ftp://h", "ws://", "ws:///path", "::"} {
		_, err := normalizeRelayURL(bad)
		assert.Error(t, err, bad)
	}
}

func FuzzVerifyDigest(f *testing.F) {
	f.Add(mustHexF(vecPub), mustHexF(vecSig), []byte("x"))
	f.Add(mustHexF(vecPub), mustHexF(vecSig)[:64], []byte{})
	f.Add([]byte{4}, []byte{}, []byte("y"))
	f.Fuzz(func(t *testing.T, pub, sig, msg []byte) {
		d, err := Digest(ecdsa2p.SHA256, msg)
		if err != nil {
			t.Fatal(err)
		}
		_ = VerifyDigest(pub, d, sig) // must not panic
	})
}

func FuzzParseInstanceHex(f *testing.F) {
	f.Add(strings.Repeat("ab", 32))
	f.Add(strings.Repeat("0", 64))
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		id, err := ParseInstanceHex(s)
		if err == nil && !strings.EqualFold(id.Hex(), s) {
			t.Fatalf("%q parsed as %s", s, id.Hex())
		}
	})
}

func FuzzCheckPath(f *testing.F) {
	for _, s := range []string{"", "m", "m/0/1", "m/1'", "m/2147483648", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := checkPath(s)
		if err == nil {
			if again, err := checkPath(p); err != nil || again != p {
				t.Fatalf("%q → %q → %q, %v", s, p, again, err)
			}
		}
	})
}

func FuzzNormalizeRelayURL(f *testing.F) {
	for _, s := range []string{"ws://h:1", "https://h/p", "ftp://x", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		u, err := normalizeRelayURL(s)
		if err == nil && !strings.HasPrefix(u, "ws://") && !strings.HasPrefix(u, "wss://") {
			t.Fatalf("%q → %q", s, u)
		}
	})
}

func mustHexF(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic("internal error: bad test hex")
	}
	return b
}

func TestParseHex(t *testing.T) {
	for in, want := range map[string][]byte{"": {}, "00ff": {0, 0xff}, "0x00FF": {0, 0xff}, "0XaB": {0xab}} {
		got, err := ParseHex("x", in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, bad := range []string{"0", "0x0", "zz", "0x0x00", "0x0X00", " 00", "00 "} {
		_, err := ParseHex("x", bad)
		assert.Error(t, err, bad)
	}
}

func FuzzParseHex(f *testing.F) {
	for _, s := range []string{"", "00ff", "0x00FF", "0", "zz"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b, err := ParseHex("x", s)
		t2 := s
		if len(s) >= 2 && (s[:2] == "0x" || s[:2] == "0X") {
			t2 = s[2:]
		}
		if err == nil && !strings.EqualFold(hex.EncodeToString(b), t2) {
			t.Fatalf("%q → %x", s, b)
		}
	})
}

func FuzzParseHash(f *testing.F) {
	for _, s := range []string{"keccak256", "sha256", "SHA-256", "md5", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		h, err := ParseHash(s)
		if err == nil && h != ecdsa2p.Keccak256 && h != ecdsa2p.SHA256 {
			t.Fatalf("%q → %v", s, h)
		}
	})
}
