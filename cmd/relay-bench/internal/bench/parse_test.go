package bench

import (
	"encoding/binary"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The TTL table of WIRE.md §2.4.
func TestEncodeTTL(t *testing.T) {
	tests := []struct {
		secs int64
		code uint16
		back int64
	}{
		{0, 0x0000, 0}, {1, 0x0001, 1}, {100, 0x0064, 100}, {255, 0x00FF, 255},
		{256, 0x0100, 260}, {257, 0x0100, 260}, {260, 0x0100, 260}, {261, 0x0101, 270},
		{270, 0x0101, 270}, {271, 0x0102, 280}, {300, 0x0104, 300}, {600, 0x0122, 600},
		{3600, 0x024E, 3600}, {653050, 0xFFFF, 653050}, {10_000_000, 0xFFFF, 653050},
	}
	for _, tt := range tests {
		got := encodeTTL(time.Duration(tt.secs) * time.Second)
		assert.Equal(t, tt.code, got, "encode %d s", tt.secs)
		assert.Equal(t, time.Duration(tt.back)*time.Second, decodeTTL(got), "decode %#04x", got)
	}
	assert.Equal(t, uint16(1), encodeTTL(time.Millisecond), "rounded up")
	assert.Equal(t, uint16(0), encodeTTL(-time.Second))
}

func TestParseFeatures(t *testing.T) {
	tests := []struct {
		in   string
		want relayFeatures
	}{
		{"v=1, candidates=4, max-frame=1048576, max-ttl=3600, max-asks=1024, unask", relayFeatures{Tandem: true, Unask: true}},
		{"v=1, candidates=4", relayFeatures{Tandem: true}},
		{"v=1, unask=?1", relayFeatures{Tandem: true, Unask: true}},
		{"v=1, unask=?0", relayFeatures{Tandem: true}},
		{"v=1;x=2, unask;p", relayFeatures{Tandem: true, Unask: true}},
		{"unask", relayFeatures{}}, // no version: an original relay
		{"", relayFeatures{}},
		{"v=0, unask", relayFeatures{}},
		{",,,=,v", relayFeatures{}},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, parseFeatures(tt.in), tt.in)
	}
}

func TestNormalizeTarget(t *testing.T) {
	ok := map[string]string{
		"127.0.0.1:8000":                    "ws://127.0.0.1:8000/v1/msg-relay",
		"ws://127.0.0.1:8000":               "ws://127.0.0.1:8000/v1/msg-relay",
		"http://localhost:9/":               "ws://localhost:9/v1/msg-relay",
		"ws://[::1]:80/v1/msg-relay":        "ws://[::1]:80/v1/msg-relay",
		"ws://127.9.9.9:1/custom?x=1":       "ws://127.9.9.9:1/custom?x=1",
		"ws://127.0.0.1:8000/v1/msg-relay/": "ws://127.0.0.1:8000/v1/msg-relay/",
	}
	for in, want := range ok {
		got, err := NormalizeTarget(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got)
	}
	for _, bad := range []string{
		"ws://10.0.0.1:8000", "wss://127.0.0.1:1", "ws://example.com:80", "ftp://127.0.0.1",
		"ws://0.0.0.0:80", "ws://[::]:80", "ws://%zz", "ws://127.0.0.1.example.com:1",
	} {
		_, err := NormalizeTarget(bad)
		assert.Error(t, err, bad)
	}
}

func TestSourceAddr(t *testing.T) {
	seen := map[string]bool{}
	for i := range 16 {
		a := sourceAddr("ws://127.0.0.1:1/v1/msg-relay", i, 8)
		require.NotNil(t, a)
		seen[a.IP.String()] = true
	}
	assert.Len(t, seen, 8)
	assert.True(t, seen["127.0.0.1"] && seen["127.0.0.8"])
	assert.Nil(t, sourceAddr("ws://[::1]:1/", 0, 8))
}

func TestParseRates(t *testing.T) {
	got, err := ParseRates("1000, 5000,10000")
	require.NoError(t, err)
	assert.Equal(t, []float64{1000, 5000, 10000}, got)
	for _, bad := range []string{"x", "0", "-5", "1,,2", "1e9", "NaN"} {
		_, err := ParseRates(bad)
		assert.Error(t, err, bad)
	}
}

func TestParseShape(t *testing.T) {
	s, err := ParseShape("sign", 0)
	require.NoError(t, err)
	assert.Equal(t, []int{200, 9300, 49600, 200}, s.Sizes)
	s, err = ParseShape("keygen", 0)
	require.NoError(t, err)
	assert.Equal(t, []int{200, 17000, 400, 37600, 200}, s.Sizes)
	s, err = ParseShape("flat", 1024)
	require.NoError(t, err)
	assert.Equal(t, []int{1024}, s.Sizes)
	for _, bad := range []struct {
		name string
		size int
	}{{"flat", 3}, {"flat", 2 << 20}, {"round", 10}} {
		_, err := ParseShape(bad.name, bad.size)
		assert.Error(t, err)
	}
}

func TestConfigValidate(t *testing.T) {
	bad := []Config{
		{Mode: ModeRate, Targets: []string{"127.0.0.1:1"}}, // no rates
		{Mode: ModeSessions},                                     // no target
		{Mode: "x", Targets: []string{"127.0.0.1:1"}},            // unknown mode
		{Mode: ModeIdle, Targets: []string{"127.0.0.1:1"}},       // idle 0
		{Mode: ModeSessions, Targets: []string{"192.168.1.1:1"}}, // not loopback
		{Mode: ModeSessions, Targets: []string{"127.0.0.1:1"}, Duration: 3 * time.Hour},
		{Mode: ModeIdle, Targets: []string{"127.0.0.1:1"}, Idle: maxConns + 1},
	}
	for i, c := range bad {
		assert.Error(t, c.Validate(), "case %d", i)
	}
	c := Config{Mode: ModeRate, Targets: []string{"127.0.0.1:1"}, Rates: []float64{1}, Conns: 3}
	require.NoError(t, c.Validate())
	assert.Equal(t, 4, c.Conns, "rounded up to pairs")
	assert.Equal(t, "flat", c.Shape.Name)
}

func TestPutPubAndParseDelivery(t *testing.T) {
	g := newIDGen()
	id := g.id(7, 9, 2, 1, 3)
	buf := putPub(nil, id, 0x0102, 100, 123456789)
	require.Len(t, buf, headerSize+100)
	assert.Equal(t, id[:], buf[:32])
	assert.Equal(t, uint16(0x0102), binary.LittleEndian.Uint16(buf[32:34]))
	assert.Equal(t, uint16(0), binary.LittleEndian.Uint16(buf[34:36]))
	d, ok := parseDelivery(buf, 200000000)
	require.True(t, ok)
	assert.Equal(t, id, d.id)
	assert.Equal(t, int64(123456789), d.sentNs)
	assert.Equal(t, headerSize+100, d.size)
	// Reuse keeps the filler zero.
	buf = putPub(buf, id, 1, 50, -1)
	for _, b := range buf[44:] {
		require.Zero(t, b)
	}
	_, ok = parseDelivery(buf[:35], 0)
	assert.False(t, ok, "short frame")
	d, ok = parseDelivery(buf[:40], 0)
	require.True(t, ok)
	assert.Equal(t, int64(-1), d.sentNs, "no room for a timestamp")
	ask := askFrame(id, 5, flagUnask)
	assert.Len(t, ask, headerSize)
	assert.Equal(t, uint16(flagUnask), binary.LittleEndian.Uint16(ask[34:36]))
	assert.NotEqual(t, g.id(7, 9, 2, 0, 3), id)
}

func TestSummarize(t *testing.T) {
	s := make([]int64, 1000)
	for i := range s {
		s[i] = int64(1000 - i) // 1..1000 µs in ns/1000 units
		s[i] *= 1000
	}
	p := summarize(s)
	assert.Equal(t, 1000, p.N)
	assert.InDelta(t, 500, p.P50us, 0.001)
	assert.InDelta(t, 990, p.P99us, 0.001)
	assert.InDelta(t, 999, p.P999us, 0.001)
	assert.InDelta(t, 1000, p.MaxUs, 0.001)
	assert.InDelta(t, 500.5, p.MeanUs, 0.001)
	assert.Equal(t, Percentiles{}, summarize(nil))
	assert.Equal(t, "n=0", Percentiles{}.String())
}

func TestParseMetrics(t *testing.T) {
	text := `# HELP go_goroutines Number of goroutines.
# TYPE go_goroutines gauge
go_goroutines 42
go_memstats_heap_inuse_bytes 1.5e+06
tandem_relay_frames_received_total{kind="ask"} 7
tandem_relay_connections 3
garbage line here
bad_value x
`
	m, err := parseMetrics(strings.NewReader(text))
	require.NoError(t, err)
	assert.Equal(t, map[string]float64{
		"go_goroutines": 42, "go_memstats_heap_inuse_bytes": 1.5e6, "tandem_relay_connections": 3,
	}, m)
}

func TestReadProc(t *testing.T) {
	rss, err := ReadRSS(os.Getpid())
	require.NoError(t, err)
	assert.Positive(t, rss)
	_, err = ReadCPU(os.Getpid())
	require.NoError(t, err)
	_, err = ReadRSS(-1)
	assert.Error(t, err)
	_, err = ReadCPU(-1)
	assert.Error(t, err)
}

func TestRaiseFDLimit(t *testing.T) {
	n, err := RaiseFDLimit()
	require.NoError(t, err)
	assert.Positive(t, n)
}

func FuzzParseFeatures(f *testing.F) {
	f.Add("v=1, candidates=4, max-frame=1048576, max-ttl=3600, max-asks=1024, unask")
	f.Add("unask=?0, v=2;a=b")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		got := parseFeatures(s)
		if !got.Tandem && got.Unask {
			t.Fatalf("unask without a version: %q", s)
		}
	})
}

func FuzzParseDelivery(f *testing.F) {
	f.Add(make([]byte, 36))
	f.Add(make([]byte, 35))
	f.Add(putPub(nil, MsgID{1}, 2, 20, 99))
	f.Fuzz(func(t *testing.T, b []byte) {
		d, ok := parseDelivery(b, 1)
		if ok != (len(b) >= headerSize) {
			t.Fatalf("ok=%v for %d bytes", ok, len(b))
		}
		if ok && d.size != len(b) {
			t.Fatalf("size %d for %d bytes", d.size, len(b))
		}
	})
}

func FuzzParseMetrics(f *testing.F) {
	f.Add("go_goroutines 42\n# c\nx{a=\"b\"} 1\n")
	f.Fuzz(func(t *testing.T, s string) {
		_, _ = parseMetrics(strings.NewReader(s))
	})
}

func FuzzParseRates(f *testing.F) {
	f.Add("1000,5000")
	f.Add("-1")
	f.Fuzz(func(t *testing.T, s string) {
		rs, err := ParseRates(s)
		for _, r := range rs {
			if err == nil && !(r > 0 && r <= 1e7) {
				t.Fatalf("accepted rate %v", r)
			}
		}
	})
}

func FuzzNormalizeTarget(f *testing.F) {
	f.Add("ws://127.0.0.1:8000")
	f.Add("http://example.com")
	f.Fuzz(func(t *testing.T, s string) {
		u, err := NormalizeTarget(s)
		if err != nil {
			return
		}
		// Whatever was accepted must dial loopback only.
		if _, err2 := NormalizeTarget(u); err2 != nil {
			t.Fatalf("accepted %q as %q, which is refused on re-parse: %v", s, u, err2)
		}
	})
}
