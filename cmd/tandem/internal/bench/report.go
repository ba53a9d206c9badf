package bench

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Report is the result of a run. The seven keys without a suffix are fixed (other tools read
// them) and are medians; the others are informative.
type Report struct {
	KeygenMs          float64 `json:"keygen_ms"`
	SignMs            float64 `json:"sign_ms"`
	PresignMs         float64 `json:"presign_ms"`
	OnlineMs          float64 `json:"online_ms"`
	RelayKeygenMs     float64 `json:"relay_keygen_ms"`
	RelaySignMs       float64 `json:"relay_sign_ms"`
	SignBytesPerParty int64   `json:"sign_bytes_per_party"`

	KeygenP90Ms      float64    `json:"keygen_p90_ms"`
	SignP90Ms        float64    `json:"sign_p90_ms"`
	PresignP90Ms     float64    `json:"presign_p90_ms"`
	OnlineP90Ms      float64    `json:"online_p90_ms"`
	RelayKeygenP90Ms float64    `json:"relay_keygen_p90_ms"`
	RelaySignP90Ms   float64    `json:"relay_sign_p90_ms"`
	SignBytesP1      int64      `json:"sign_bytes_p1"` // median PUB bytes of P1 per one-call sign
	SignBytesP2      int64      `json:"sign_bytes_p2"` // median PUB bytes of P2 per one-call sign
	N                int        `json:"n"`
	Go               string     `json:"go"`
	Machine          string     `json:"machine"`
	LoadAvg1m        [2]float64 `json:"load_avg_1m"` // at start and at end; -1 if unknown
}

// newReport summarises s.
func newReport(n int, s *samples, machine string, load [2]float64) *Report {
	r := &Report{N: n, Go: runtime.Version(), Machine: machine, LoadAvg1m: load}
	r.KeygenMs, r.KeygenP90Ms = msStats(s.keygen)
	r.SignMs, r.SignP90Ms = msStats(s.sign)
	r.PresignMs, r.PresignP90Ms = msStats(s.presign)
	r.OnlineMs, r.OnlineP90Ms = msStats(s.online)
	r.RelayKeygenMs, r.RelayKeygenP90Ms = msStats(s.relayKeygen)
	r.RelaySignMs, r.RelaySignP90Ms = msStats(s.relaySign)
	r.SignBytesP1 = quantile(s.signBytes1, 0.5)
	r.SignBytesP2 = quantile(s.signBytes2, 0.5)
	per := make([]int64, len(s.signBytes1))
	for i := range per {
		per[i] = max(s.signBytes1[i], s.signBytes2[i])
	}
	r.SignBytesPerParty = quantile(per, 0.5)
	return r
}

// quantile returns the q-quantile of xs by nearest rank (the median of an even count is the
// lower middle value), or the zero value for no samples. xs is not modified.
func quantile[T cmp.Ordered](xs []T, q float64) T {
	var zero T
	if len(xs) == 0 {
		return zero
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	i := int(math.Ceil(q*float64(len(s)))) - 1
	return s[max(0, min(i, len(s)-1))]
}

// msStats returns the median and the 90th percentile of ds in milliseconds, rounded to the
// microsecond.
func msStats(ds []time.Duration) (median, p90 float64) {
	return ms(quantile(ds, 0.5)), ms(quantile(ds, 0.9))
}

func ms(d time.Duration) float64 { return math.Round(float64(d)/1e3) / 1e3 }

// writeJSON writes r as one line.
func (r *Report) writeJSON(w io.Writer) error {
	b, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("bench: internal error: %w", err)
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// writeText writes the table.
func (r *Report) writeText(w io.Writer) error {
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "tandem bench: %d runs of each operation after a warm-up; both parties in this process\n", r.N)
	fmt.Fprintf(&buf, "(in-memory relay, and relay_*: a WebSocket relay on 127.0.0.1); time until both parties returned\n\n")
	fmt.Fprintf(&buf, "%-14s %10s %10s\n", "op", "median ms", "p90 ms")
	rows := []struct {
		op       string
		med, p90 float64
	}{
		{"keygen", r.KeygenMs, r.KeygenP90Ms},
		{"sign", r.SignMs, r.SignP90Ms},
		{"presign", r.PresignMs, r.PresignP90Ms},
		{"online", r.OnlineMs, r.OnlineP90Ms},
		{"relay_keygen", r.RelayKeygenMs, r.RelayKeygenP90Ms},
		{"relay_sign", r.RelaySignMs, r.RelaySignP90Ms},
	}
	for _, row := range rows {
		fmt.Fprintf(&buf, "%-14s %10.3f %10.3f\n", row.op, row.med, row.p90)
	}
	fmt.Fprintf(&buf, "\nsign bytes per party: %d (published to the relay per one-call sign: P1 %d, P2 %d)\n",
		r.SignBytesPerParty, r.SignBytesP1, r.SignBytesP2)
	fmt.Fprintf(&buf, "machine: %s\n", r.Machine)
	fmt.Fprintf(&buf, "go: %s\n", r.Go)
	fmt.Fprintf(&buf, "load average (1 min): %s at start, %s at end\n", loadString(r.LoadAvg1m[0]), loadString(r.LoadAvg1m[1]))
	_, err := w.Write(buf.Bytes())
	return err
}

func loadString(l float64) string {
	if l < 0 {
		return "unknown"
	}
	return strconv.FormatFloat(l, 'f', 2, 64)
}

// machineInfo describes the machine: "linux/amd64, 2 CPUs, <CPU model>".
func machineInfo() string {
	s := fmt.Sprintf("%s/%s, %d CPUs", runtime.GOOS, runtime.GOARCH, runtime.NumCPU())
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		if m := parseCPUModel(b); m != "" {
			s += ", " + m
		}
	}
	return s
}

// maxModel bounds the CPU model text taken from /proc/cpuinfo.
const maxModel = 128

// parseCPUModel returns the value of the first "model name" line of a /proc/cpuinfo text, with
// its spaces collapsed and only printable ASCII kept (at most maxModel bytes), or "".
func parseCPUModel(cpuinfo []byte) string {
	for line := range strings.Lines(string(cpuinfo)) {
		k, v, ok := strings.Cut(line, ":")
		if !ok || strings.TrimSpace(k) != "model name" {
			continue
		}
		v = strings.Map(func(r rune) rune {
			if r < 0x20 || r > 0x7e {
				return ' '
			}
			return r
		}, v)
		v = strings.Join(strings.Fields(v), " ")
		if len(v) > maxModel {
			v = strings.TrimSpace(v[:maxModel])
		}
		return v
	}
	return ""
}

// loadAvg1 returns the 1-minute load average from /proc/loadavg, or -1.
func loadAvg1() float64 {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return -1
	}
	return parseLoadAvg(b)
}

// parseLoadAvg returns the first field of a /proc/loadavg text, or -1 if it is not a finite
// non-negative number.
func parseLoadAvg(b []byte) float64 {
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return -1
	}
	l, err := strconv.ParseFloat(f[0], 64)
	if err != nil || l < 0 || math.IsInf(l, 0) || math.IsNaN(l) {
		return -1
	}
	return l
}
