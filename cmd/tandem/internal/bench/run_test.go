package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// requiredKeys are the fixed JSON keys other tools read.
var requiredKeys = []string{
	"keygen_ms", "sign_ms", "presign_ms", "online_ms", "relay_keygen_ms", "relay_sign_ms",
	"sign_bytes_per_party",
}

// lastLine returns the last non-empty line of s.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return lines[len(lines)-1]
}

func TestRunJSON(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, Run(t.Context(), Options{N: 2, JSON: true}, &out))

	var got map[string]any
	require.NoError(t, json.Unmarshal([]byte(lastLine(out.String())), &got), "last line: %q", lastLine(out.String()))
	for _, k := range requiredKeys {
		v, ok := got[k].(float64)
		require.True(t, ok, "key %s missing or not a number in %v", k, got)
		assert.Greater(t, v, 0.0, k)
	}
	// sign_bytes_per_party is an integer, and a plausible one: one party's share of a one-call
	// sign is the presign (S1 98 B, S2 9 266 B, S3 49 413 B of payload, PROTOCOL.md) plus the
	// finish (request and S4, about 200 B), plus the key-exchange carriers, the envelopes
	// (48-byte headers, signatures and AEAD tags) and the relay headers.
	raw := json.RawMessage(nil)
	var obj map[string]json.RawMessage
	require.NoError(t, json.Unmarshal([]byte(lastLine(out.String())), &obj))
	raw = obj["sign_bytes_per_party"]
	assert.NotContains(t, string(raw), ".", "sign_bytes_per_party must be an integer")
	b := got["sign_bytes_per_party"].(float64)
	assert.GreaterOrEqual(t, b, 50_000.0)
	assert.Less(t, b, 70_000.0)
	assert.Equal(t, 2.0, got["n"])
	for _, k := range []string{"keygen_p90_ms", "sign_p90_ms", "presign_p90_ms", "online_p90_ms", "relay_keygen_p90_ms", "relay_sign_p90_ms"} {
		assert.GreaterOrEqual(t, got[k].(float64), got[strings.TrimSuffix(k, "_p90_ms")+"_ms"].(float64), k)
	}
	assert.GreaterOrEqual(t, b, got["sign_bytes_p1"].(float64))
	assert.GreaterOrEqual(t, b, got["sign_bytes_p2"].(float64))
	assert.Less(t, got["sign_bytes_p2"].(float64), got["sign_bytes_p1"].(float64), "P1 also sends the SIGN_REQUEST")
	assert.NotEmpty(t, got["go"])
	assert.NotEmpty(t, got["machine"])
}

func TestRunText(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, Run(t.Context(), Options{N: 1}, &out))
	s := out.String()
	for _, want := range []string{"op", "median ms", "p90 ms", "keygen", "sign", "presign", "online",
		"relay_keygen", "relay_sign", "sign bytes per party:", "machine:", "go:", "load average"} {
		assert.Contains(t, s, want)
	}
	assert.False(t, strings.HasPrefix(strings.TrimSpace(lastLine(s)), "{"), "no JSON without JSON")
	t.Log("\n" + s)
}

func TestRunCancel(t *testing.T) {
	tests := []struct {
		name  string
		after time.Duration // cancel after this long; 0: before Run
	}{
		{"before", 0},
		{"during", 150 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(t.Context())
			if tt.after == 0 {
				cancel()
			} else {
				time.AfterFunc(tt.after, cancel)
			}
			defer cancel()
			var out bytes.Buffer
			start := time.Now()
			err := Run(ctx, Options{N: MaxN, JSON: true}, &out)
			require.Error(t, err)
			assert.ErrorIs(t, err, context.Canceled)
			assert.Empty(t, out.String(), "nothing printed on error")
			assert.Less(t, time.Since(start), 30*time.Second, "cancellation ends the run")
		})
	}
}

func TestRunOptions(t *testing.T) {
	tests := []struct {
		name string
		opts Options
	}{
		{"negative", Options{N: -1}},
		{"too many", Options{N: MaxN + 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Run(t.Context(), tt.opts, &bytes.Buffer{})
			assert.True(t, errors.Is(err, ErrOptions), "got %v", err)
		})
	}
	assert.ErrorIs(t, Run(t.Context(), Options{N: 1}, nil), ErrOptions)
}

func TestQuantile(t *testing.T) {
	tests := []struct {
		xs       []int64
		q        float64
		want     int64
		wantName string
	}{
		{nil, 0.5, 0, "empty"},
		{[]int64{7}, 0.5, 7, "one"},
		{[]int64{7}, 0.9, 7, "one p90"},
		{[]int64{3, 1, 2}, 0.5, 2, "odd median"},
		{[]int64{4, 1, 3, 2}, 0.5, 2, "even median is the lower middle"},
		{[]int64{10, 9, 8, 7, 6, 5, 4, 3, 2, 1}, 0.9, 9, "p90 of ten"},
		{[]int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, 0.9, 10, "p90 of eleven"},
	}
	for _, tt := range tests {
		t.Run(tt.wantName, func(t *testing.T) {
			orig := append([]int64(nil), tt.xs...)
			assert.Equal(t, tt.want, quantile(tt.xs, tt.q))
			assert.Equal(t, orig, tt.xs, "input not modified")
		})
	}
}

func TestReportJSONKeys(t *testing.T) {
	s := &samples{
		keygen: []time.Duration{3 * time.Millisecond, time.Millisecond, 2 * time.Millisecond}, sign: []time.Duration{time.Millisecond},
		presign: []time.Duration{time.Millisecond}, online: []time.Duration{1500 * time.Microsecond},
		relayKeygen: []time.Duration{time.Millisecond}, relaySign: []time.Duration{time.Millisecond},
		signBytes1: []int64{100, 300, 200}, signBytes2: []int64{90, 290, 190},
	}
	r := newReport(3, s, "m", [2]float64{-1, 0.5})
	var out bytes.Buffer
	require.NoError(t, r.writeJSON(&out))
	require.Equal(t, 1, strings.Count(out.String(), "\n"), "one line")
	var got map[string]any
	require.NoError(t, json.Unmarshal(out.Bytes(), &got))
	assert.Equal(t, 2.0, got["keygen_ms"])
	assert.Equal(t, 3.0, got["keygen_p90_ms"])
	assert.Equal(t, 1.5, got["online_ms"])
	assert.Equal(t, 200.0, got["sign_bytes_per_party"])
	assert.Equal(t, 190.0, got["sign_bytes_p2"])
	for _, k := range requiredKeys {
		assert.Contains(t, got, k)
	}
	out.Reset()
	require.NoError(t, r.writeText(&out))
	assert.Contains(t, out.String(), "unknown at start, 0.50 at end")
}
