package server

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Appendix A: the HMAC admission token vector.
func TestHMACTokenVector(t *testing.T) {
	const tok = "AQAAAABpVbkABwRhY21lT0707QCvUDY9vI9uBOi_6g6hHAMjxUfhDGERvvtW9-o"
	var key [32]byte
	for i := range key {
		key[i] = byte(i)
	}
	keys := map[byte][32]byte{7: key}
	exp := time.Unix(1767225600, 0)
	sub, ok := verifyHMACToken(tok, keys, exp.Add(-time.Hour))
	require.True(t, ok)
	assert.Equal(t, "acme", sub)

	tamper := func(i int) string {
		b := []byte(tok)
		if b[i] == 'A' {
			b[i] = 'B'
		} else {
			b[i] = 'A'
		}
		return string(b)
	}
	var other [32]byte
	tests := []struct {
		name string
		tok  string
		keys map[byte][32]byte
		now  time.Time
	}{
		{"expired", tok, keys, exp.Add(31 * time.Second)},
		{"too far ahead", tok, keys, exp.Add(-25 * time.Hour)},
		{"wrong key", tok, map[byte][32]byte{7: other}, exp},
		{"unknown kid", tok, map[byte][32]byte{8: key}, exp},
		{"tampered subject", tamper(16), keys, exp},
		{"tampered mac", tamper(len(tok) - 3), keys, exp},
		{"truncated", tok[:len(tok)-4], keys, exp},
		{"not base64", tok + "!", keys, exp},
		{"empty", "", keys, exp},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, ok := verifyHMACToken(tc.tok, tc.keys, tc.now)
			assert.False(t, ok)
		})
	}
	// Within the 30 s skew after expiry it still passes.
	_, ok = verifyHMACToken(tok, keys, exp.Add(29*time.Second))
	assert.True(t, ok)
}

func FuzzHMACToken(f *testing.F) {
	f.Add("AQAAAABpVbkABwRhY21lT0707QCvUDY9vI9uBOi_6g6hHAMjxUfhDGERvvtW9-o")
	f.Add("")
	f.Add("AQ")
	var key [32]byte
	keys := map[byte][32]byte{7: key}
	f.Fuzz(func(t *testing.T, tok string) {
		_, _ = verifyHMACToken(tok, keys, time.Unix(1767225600, 0))
	})
}

// W12: X-Forwarded-For is honoured only from trusted proxies; IPv6 is grouped per /64.
func TestClientIP(t *testing.T) {
	cfg := DefaultConfig().withDefaults()
	cfg.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("::1/128")}
	a, err := newAdmission(&cfg)
	require.NoError(t, err)
	tests := []struct {
		remote, xff, want string
	}{
		{"203.0.113.9:1234", "", "203.0.113.9"},
		{"203.0.113.9:1234", "198.51.100.1", "203.0.113.9"}, // untrusted peer: header ignored
		{"10.1.2.3:80", "198.51.100.1", "198.51.100.1"},
		{"10.1.2.3:80", "198.51.100.1, 10.9.9.9", "198.51.100.1"}, // right-most untrusted
		{"10.1.2.3:80", "192.0.2.7, 198.51.100.1", "198.51.100.1"},
		{"10.1.2.3:80", "", "10.1.2.3"},
		{"10.1.2.3:80", "garbage", "10.1.2.3"},
		{"[::1]:80", "2001:db8::5", "2001:db8::5"},
		{"[::ffff:203.0.113.9]:1", "", "203.0.113.9"},
	}
	for _, tc := range tests {
		r := &http.Request{RemoteAddr: tc.remote, Header: http.Header{}}
		if tc.xff != "" {
			r.Header.Set("X-Forwarded-For", tc.xff)
		}
		assert.Equal(t, tc.want, a.clientIP(r).String(), "%s / %q", tc.remote, tc.xff)
	}
	p1 := a.prefix(netip.MustParseAddr("2001:db8:1:2:aaaa::1"))
	p2 := a.prefix(netip.MustParseAddr("2001:db8:1:2:bbbb::2"))
	p3 := a.prefix(netip.MustParseAddr("2001:db8:1:3::1"))
	assert.Equal(t, p1, p2)
	assert.NotEqual(t, p1, p3)
	assert.Equal(t, 32, a.prefix(netip.MustParseAddr("192.0.2.1")).Bits())
}

func TestOriginAllowed(t *testing.T) {
	cfg := DefaultConfig().withDefaults()
	cfg.AllowedOrigins = []string{"https://app.example.com", "https://*.tandem.dev", "http://localhost:3000"}
	a, err := newAdmission(&cfg)
	require.NoError(t, err)
	tests := []struct {
		origin string
		want   bool
	}{
		{"", true},
		{"https://app.example.com", true},
		{"https://APP.example.com", true},
		{"http://app.example.com", false},
		{"https://evil.example.com", false},
		{"https://x.tandem.dev", true},
		{"https://a.b.tandem.dev", true},
		{"https://tandem.dev", false},
		{"https://eviltandem.dev", false},
		{"http://localhost:3000", true},
		{"http://localhost:3001", false},
		{"null", false},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, a.originAllowed(tc.origin), tc.origin)
	}
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name string
		mod  func(*Config)
	}{
		{"candidates", func(c *Config) { c.MaxCandidates = 17 }},
		{"frame", func(c *Config) { c.MaxFrameBytes = 36 }},
		{"auth mode", func(c *Config) { c.Auth = "magic" }},
		{"auth file", func(c *Config) { c.Auth = AuthShared }},
		{"reset", func(c *Config) { c.OnStoreReset = "maybe" }},
		{"origin", func(c *Config) { c.AllowedOrigins = []string{"example.com"} }},
		{"ipv6", func(c *Config) { c.IPv6Prefix = 129 }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := DefaultConfig()
			tc.mod(&cfg)
			_, err := New(cfg, nil)
			require.Error(t, err)
		})
	}
	c := Config{}.withDefaults()
	assert.Equal(t, 1, c.MaxCandidatesPerIP)
	c = Config{MaxCandidatesPerIP: Off, MaxConnsPerIP: Off, HandshakeRate: Off, MaxStoredBytesPerIP: Off}.withDefaults()
	assert.Zero(t, c.MaxCandidatesPerIP)
	assert.Zero(t, c.MaxConnsPerIP)
	assert.Zero(t, c.HandshakeRate)
	assert.Zero(t, c.MaxStoredBytesPerIP)
}

// W11 (hmac mode end to end): a freshly minted token is admitted and its subject recorded; a
// token for another key is refused.
func TestHMACAdmissionEndToEnd(t *testing.T) {
	dir := t.TempDir()
	var key [32]byte
	for i := range key {
		key[i] = byte(i)
	}
	file := dir + "/keys"
	require.NoError(t, os.WriteFile(file, []byte("# kid key\n7 "+hex.EncodeToString(key[:])+"\n"), 0o600))
	cfg := DefaultConfig()
	cfg.Auth, cfg.AuthSecretFile = AuthHMAC, file
	cfg.Logger = slog.New(slog.DiscardHandler)
	srv, err := New(cfg, nil)
	require.NoError(t, err)
	hs := httptest.NewServer(srv)
	defer hs.Close()
	defer srv.Close()
	url := "ws" + strings.TrimPrefix(hs.URL, "http") + PathRelay
	mint := func(key [32]byte, sub string) string {
		b := []byte{1}
		b = binary.BigEndian.AppendUint64(b, uint64(time.Now().Add(time.Hour).Unix()))
		b = append(b, 7, byte(len(sub)))
		b = append(b, sub...)
		mac := hmac.New(sha256.New, key[:])
		mac.Write([]byte(hmacTokenLabel))
		mac.Write(b)
		return base64.RawURLEncoding.EncodeToString(mac.Sum(b))
	}
	ws, _, err := websocket.DefaultDialer.Dial(url, http.Header{"Authorization": {"Bearer " + mint(key, "acme")}})
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		for _, c := range srv.connSnapshot() {
			if c.info.AuthSub == "acme" {
				return true
			}
		}
		return false
	}, 5*time.Second, 10*time.Millisecond)
	ws.Close()
	var other [32]byte
	_, resp, err := websocket.DefaultDialer.Dial(url, http.Header{"Authorization": {"Bearer " + mint(other, "acme")}})
	require.Error(t, err)
	assert.Equal(t, 401, resp.StatusCode)
}

// The zero value is a working relay.
func TestZeroValueServer(t *testing.T) {
	var srv Server
	srv.Config.Logger = slog.New(slog.DiscardHandler)
	hs := httptest.NewServer(&srv)
	defer hs.Close()
	defer srv.Close()
	ws, resp, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(hs.URL, "http")+PathRelay, nil)
	require.NoError(t, err)
	defer ws.Close()
	assert.NotEmpty(t, resp.Header.Get("Tandem-Relay"))
}
