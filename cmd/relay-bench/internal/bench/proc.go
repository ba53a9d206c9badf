package bench

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Observer samples the relay process under test: RSS and CPU from /proc/PID (server process
// only), and, when the admin address is known, Go runtime figures from its /metrics.
type Observer struct {
	PID   int    // 0: no /proc figures
	Admin string // host:port of the admin listener; "" : no /metrics figures
}

// ProcSample is one reading of the relay process.
type ProcSample struct {
	At         time.Time
	RSS        int64   // bytes (VmRSS)
	CPUSeconds float64 // utime + stime
	Heap       float64 // go_memstats_heap_inuse_bytes, -1 if unknown
	Goroutines float64 // go_goroutines, -1 if unknown
	Conns      float64 // tandem_relay_connections, -1 if unknown
}

// ProcDelta is the change between two samples.
type ProcDelta struct {
	RSSStart      int64   `json:"rss_start_bytes"`
	RSSEnd        int64   `json:"rss_end_bytes"`
	CPUSeconds    float64 `json:"cpu_seconds"`
	CPUPercent    float64 `json:"cpu_percent"`             // of one core
	CPUPer1kMsgs  float64 `json:"cpu_ms_per_1k_msgs"`      // CPU milliseconds per 1000 delivered messages
	CPUPer1kRateS float64 `json:"cpu_s_per_1k_msgs_per_s"` // cores used per 1k msg/s
}

func (d *ProcDelta) String() string {
	return fmt.Sprintf("cpu %.2fs (%.0f%% of a core, %.3f cores per 1k msg/s), RSS %.1f -> %.1f MiB",
		d.CPUSeconds, d.CPUPercent, d.CPUPer1kRateS, float64(d.RSSStart)/(1<<20), float64(d.RSSEnd)/(1<<20))
}

// Sample reads the relay's current figures; fields it cannot read are 0 (or -1 for metrics).
func (o *Observer) Sample(ctx context.Context) ProcSample {
	s := ProcSample{At: time.Now(), Heap: -1, Goroutines: -1, Conns: -1}
	if o == nil {
		return s
	}
	if o.PID > 0 {
		s.RSS, _ = ReadRSS(o.PID)
		s.CPUSeconds, _ = ReadCPU(o.PID)
	}
	if o.Admin != "" {
		m, err := scrapeMetrics(ctx, o.Admin)
		if err == nil {
			if v, ok := m["go_memstats_heap_inuse_bytes"]; ok {
				s.Heap = v
			}
			if v, ok := m["go_goroutines"]; ok {
				s.Goroutines = v
			}
			if v, ok := m["tandem_relay_connections"]; ok {
				s.Conns = v
			}
		}
	}
	return s
}

// delta returns the change between a and b for delivered messages.
func delta(a, b ProcSample, delivered int64) *ProcDelta {
	if a.RSS == 0 && a.CPUSeconds == 0 {
		return nil
	}
	secs := b.At.Sub(a.At).Seconds()
	d := &ProcDelta{RSSStart: a.RSS, RSSEnd: b.RSS, CPUSeconds: b.CPUSeconds - a.CPUSeconds}
	if secs > 0 {
		d.CPUPercent = 100 * d.CPUSeconds / secs
	}
	if delivered > 0 {
		d.CPUPer1kMsgs = 1000 * d.CPUSeconds / float64(delivered) * 1000
		if secs > 0 {
			d.CPUPer1kRateS = (d.CPUSeconds / secs) / (float64(delivered) / secs / 1000)
		}
	}
	return d
}

// ReadRSS returns VmRSS of process pid in bytes, from /proc/PID/status.
func ReadRSS(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := sc.Text()
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			f := strings.Fields(rest)
			if len(f) != 2 || f[1] != "kB" {
				return 0, fmt.Errorf("bench: odd VmRSS line %q", line)
			}
			kb, err := strconv.ParseInt(f[0], 10, 64)
			if err != nil {
				return 0, fmt.Errorf("bench: odd VmRSS line %q", line)
			}
			return kb * 1024, nil
		}
	}
	return 0, errors.New("bench: no VmRSS in /proc status")
}

const clockTicks = 100 // USER_HZ on Linux

// ReadCPU returns utime+stime of process pid in seconds, from /proc/PID/stat.
func ReadCPU(pid int) (float64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name (field 2) is in parentheses and may hold spaces: split after the last ')'.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, errors.New("bench: odd /proc stat")
	}
	f := strings.Fields(string(b[i+1:]))
	// After ')' the fields start at 3 (state); utime is field 14, stime 15.
	if len(f) < 13 {
		return 0, errors.New("bench: short /proc stat")
	}
	ut, err1 := strconv.ParseFloat(f[11], 64)
	st, err2 := strconv.ParseFloat(f[12], 64)
	if err1 != nil || err2 != nil {
		return 0, errors.New("bench: odd /proc stat times")
	}
	return (ut + st) / clockTicks, nil
}

// scrapeMetrics fetches http://admin/metrics and returns the unlabelled samples.
func scrapeMetrics(ctx context.Context, admin string) (map[string]float64, error) {
	if !isLoopbackHost(hostOf(admin)) {
		return nil, errors.New("bench: admin address is not loopback")
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+admin+"/metrics", nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("bench: /metrics: HTTP %d", resp.StatusCode)
	}
	return parseMetrics(io.LimitReader(resp.Body, 16<<20))
}

// parseMetrics reads Prometheus text exposition and keeps samples without labels.
func parseMetrics(r io.Reader) (map[string]float64, error) {
	out := map[string]float64{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' || strings.ContainsRune(line, '{') {
			continue
		}
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		v, err := strconv.ParseFloat(f[1], 64)
		if err != nil {
			continue
		}
		out[f[0]] = v
	}
	return out, sc.Err()
}

func hostOf(hostport string) string {
	i := strings.LastIndexByte(hostport, ':')
	if i < 0 {
		return hostport
	}
	return strings.Trim(hostport[:i], "[]")
}

// RaiseFDLimit raises RLIMIT_NOFILE's soft limit to the hard limit and returns the result.
func RaiseFDLimit() (uint64, error) {
	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil {
		return 0, err
	}
	if rl.Cur < rl.Max {
		rl.Cur = rl.Max
		if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil {
			return rl.Cur, err
		}
	}
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil {
		return 0, err
	}
	return rl.Cur, nil
}

// FetchProfile writes a CPU profile of the relay, taken over secs seconds from the admin
// listener's /debug/pprof/profile (the relay must run with --admin-pprof), to out.
func FetchProfile(ctx context.Context, admin string, secs int, out io.Writer) error {
	if !isLoopbackHost(hostOf(admin)) {
		return errors.New("bench: admin address is not loopback")
	}
	if secs <= 0 || secs > 300 {
		return errors.New("bench: profile seconds out of range")
	}
	ctx, cancel := context.WithTimeout(ctx, time.Duration(secs+15)*time.Second)
	defer cancel()
	u := fmt.Sprintf("http://%s/debug/pprof/profile?seconds=%d", admin, secs)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("bench: %s: HTTP %d (is the relay running with --admin-pprof?)", u, resp.StatusCode)
	}
	_, err = io.Copy(out, io.LimitReader(resp.Body, 256<<20))
	return err
}
