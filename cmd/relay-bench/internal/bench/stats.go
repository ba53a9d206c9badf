package bench

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"
)

// latencies collects duration samples (nanoseconds). Safe for concurrent use.
type latencies struct {
	mu      sync.Mutex
	samples []int64
	// worst is the largest sample per 100 ms window of send time since base (timeline).
	base  int64
	worst []int64
}

const window = int64(100 * time.Millisecond)

// addAt records a sample whose message was sent at sentNs.
func (l *latencies) addAt(sentNs, ns int64) {
	l.mu.Lock()
	if len(l.samples) < maxSamples {
		l.samples = append(l.samples, ns)
	}
	if w := (sentNs - l.base) / window; w >= 0 && w < 36000 {
		for int64(len(l.worst)) <= w {
			l.worst = append(l.worst, 0)
		}
		l.worst[w] = max(l.worst[w], ns)
	}
	l.mu.Unlock()
}

// timeline returns the worst latency per 100 ms window in milliseconds.
func (l *latencies) timeline() []float64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]float64, len(l.worst))
	for i, v := range l.worst {
		out[i] = float64(v) / 1e6
	}
	return out
}

const maxSamples = 20_000_000 // bounds memory (160 MB) on the longest runs

func (l *latencies) add(ns int64) {
	l.mu.Lock()
	if len(l.samples) < maxSamples {
		l.samples = append(l.samples, ns)
	}
	l.mu.Unlock()
}

// Percentiles summarises a latency distribution, in microseconds.
type Percentiles struct {
	N      int     `json:"n"`
	P50us  float64 `json:"p50_us"`
	P99us  float64 `json:"p99_us"`
	P999us float64 `json:"p999_us"`
	MaxUs  float64 `json:"max_us"`
	MeanUs float64 `json:"mean_us"`
}

func (l *latencies) summary() Percentiles {
	l.mu.Lock()
	s := slices.Clone(l.samples)
	l.mu.Unlock()
	return summarize(s)
}

func summarize(s []int64) Percentiles {
	if len(s) == 0 {
		return Percentiles{}
	}
	slices.Sort(s)
	var sum float64
	for _, v := range s {
		sum += float64(v)
	}
	q := func(p float64) float64 {
		i := int(p*float64(len(s))+0.999999) - 1 // nearest-rank
		i = max(0, min(i, len(s)-1))
		return float64(s[i]) / 1e3
	}
	return Percentiles{
		N: len(s), P50us: q(0.50), P99us: q(0.99), P999us: q(0.999),
		MaxUs: float64(s[len(s)-1]) / 1e3, MeanUs: sum / float64(len(s)) / 1e3,
	}
}

// P99 returns the 99th percentile as a duration.
func (p Percentiles) P99() time.Duration { return time.Duration(p.P99us * 1e3) }

func (p Percentiles) String() string {
	if p.N == 0 {
		return "n=0"
	}
	return fmt.Sprintf("p50 %s  p99 %s  p99.9 %s  max %s  (n=%d)",
		fmtUs(p.P50us), fmtUs(p.P99us), fmtUs(p.P999us), fmtUs(p.MaxUs), p.N)
}

func fmtUs(us float64) string {
	switch {
	case us >= 1e6:
		return fmt.Sprintf("%.2fs", us/1e6)
	case us >= 1e3:
		return fmt.Sprintf("%.2fms", us/1e3)
	default:
		return fmt.Sprintf("%.0fµs", us)
	}
}

// StepResult is one open-loop rate step.
type StepResult struct {
	TargetRate    float64     `json:"target_msgs_per_s"`
	AchievedRate  float64     `json:"achieved_msgs_per_s"` // publishes sent / step time
	DeliveredRate float64     `json:"delivered_msgs_per_s"`
	Seconds       float64     `json:"seconds"`
	Sent          int64       `json:"sent"`
	Delivered     int64       `json:"delivered"`
	Missing       int64       `json:"missing"`    // not delivered by the end of the drain
	Unexpected    int64       `json:"unexpected"` // deliveries of ids not outstanding (duplicates)
	MaxLagMs      float64     `json:"max_schedule_lag_ms"`
	GenCPUPercent float64     `json:"generator_cpu_percent"` // the generator's own CPU, % of one core
	Latency       Percentiles `json:"latency"`
	WorstPer100ms []float64   `json:"worst_ms_per_100ms"` // timeline of the worst latency by send time
	Relay         *ProcDelta  `json:"relay,omitempty"`
}

// SessionResult is a closed-loop sessions run.
type SessionResult struct {
	Slots          int         `json:"slots"`
	Seconds        float64     `json:"seconds"`
	Completed      int64       `json:"completed"`
	Failed         int64       `json:"failed"` // a peer message did not arrive within MsgTimeout
	SessionsPerSec float64     `json:"sessions_per_s"`
	MessagesPerSec float64     `json:"messages_per_s"`
	BytesPerSec    float64     `json:"payload_bytes_per_s"`
	Delivered      int64       `json:"delivered"`
	Unexpected     int64       `json:"unexpected"`
	Latency        Percentiles `json:"latency"`         // publish-to-deliver, every message
	SessionTime    Percentiles `json:"session_latency"` // first publish to last delivery, party 0
	WorstPer100ms  []float64   `json:"worst_ms_per_100ms"`
	CloseCodes     map[int]int `json:"close_codes,omitempty"` // connections the relay closed, by code
	Relay          *ProcDelta  `json:"relay,omitempty"`
}

// IdleResult is an idle soak.
type IdleResult struct {
	Connections  int         `json:"connections"`
	Held         int         `json:"held_to_end"` // still open when the soak ended
	HeldSeconds  float64     `json:"held_seconds"`
	Handshake    Percentiles `json:"handshake"`
	DialSeconds  float64     `json:"dial_seconds"`
	RSS0         int64       `json:"relay_rss0_bytes,omitempty"`
	RSSC         int64       `json:"relay_rssc_bytes,omitempty"`
	RSSPerConn   float64     `json:"relay_rss_per_conn_bytes,omitempty"`
	RSSEnd       int64       `json:"relay_rss_end_bytes,omitempty"`
	HeapPerConn  float64     `json:"relay_heap_per_conn_bytes,omitempty"`
	GoroutinesPC float64     `json:"relay_goroutines_per_conn,omitempty"`
	CloseCodes   map[int]int `json:"close_codes,omitempty"`
}

// Result is the output of one run.
type Result struct {
	Mode       Mode           `json:"mode"`
	Shape      string         `json:"shape"`
	Sizes      []int          `json:"sizes"`
	Targets    []string       `json:"targets"`
	TTLSeconds int            `json:"ttl_s"`
	Unask      bool           `json:"unask"`
	PeakConns  int            `json:"peak_connections"`
	FDLimit    uint64         `json:"fd_limit,omitempty"`
	GoVersion  string         `json:"go_version"`
	NumCPU     int            `json:"num_cpu"`
	GOMAXPROCS int            `json:"gomaxprocs"`
	RelayPID   int            `json:"relay_pid,omitempty"`
	LoadAvg    [2]string      `json:"loadavg_start_end"` // /proc/loadavg 1-minute figure: other load on the machine
	BadFrames  int64          `json:"bad_frames"`        // text or short frames from the relay (must be 0)
	Steps      []StepResult   `json:"steps,omitempty"`
	Sessions   *SessionResult `json:"sessions,omitempty"`
	Idle       *IdleResult    `json:"idle,omitempty"`
	Notes      []string       `json:"notes,omitempty"`
}

// WriteText prints the human summary.
func (r *Result) WriteText(w io.Writer) {
	fmt.Fprintf(w, "mode %s  shape %s %v  targets %s\n", r.Mode, r.Shape, r.Sizes, strings.Join(r.Targets, ","))
	fmt.Fprintf(w, "go %s  cpus %d  GOMAXPROCS %d  fd limit %d  peak connections %d  ttl %ds  unask %v\n",
		r.GoVersion, r.NumCPU, r.GOMAXPROCS, r.FDLimit, r.PeakConns, r.TTLSeconds, r.Unask)
	if r.RelayPID != 0 {
		fmt.Fprintf(w, "relay pid %d\n", r.RelayPID)
	}
	fmt.Fprintf(w, "load average (1 min) at start %s, at end %s\n", r.LoadAvg[0], r.LoadAvg[1])
	for _, s := range r.Steps {
		fmt.Fprintf(w, "rate %8.0f msg/s: sent %8.0f/s delivered %8.0f/s  missing %d unexpected %d  lag max %.1fms  %s\n",
			s.TargetRate, s.AchievedRate, s.DeliveredRate, s.Missing, s.Unexpected, s.MaxLagMs, s.Latency)
		if s.Relay != nil {
			fmt.Fprintf(w, "    relay: %s; generator cpu %.0f%% of a core\n", s.Relay, s.GenCPUPercent)
		}
	}
	if s := r.Sessions; s != nil {
		fmt.Fprintf(w, "sessions: %d slots, %.1fs: %d completed, %d failed: %.1f sessions/s, %.0f msg/s, %.1f MB/s\n",
			s.Slots, s.Seconds, s.Completed, s.Failed, s.SessionsPerSec, s.MessagesPerSec, s.BytesPerSec/1e6)
		fmt.Fprintf(w, "    publish-to-deliver: %s\n", s.Latency)
		fmt.Fprintf(w, "    session time:       %s\n", s.SessionTime)
		if len(s.CloseCodes) > 0 {
			fmt.Fprintf(w, "    connections closed by the relay, by close code: %v\n", s.CloseCodes)
		}
		if s.Relay != nil {
			fmt.Fprintf(w, "    relay: %s\n", s.Relay)
		}
	}
	if s := r.Idle; s != nil {
		fmt.Fprintf(w, "idle: %d connections dialled in %.1fs, %d held for %.0fs; handshake %s\n",
			s.Connections, s.DialSeconds, s.Held, s.HeldSeconds, s.Handshake)
		if s.RSS0 > 0 {
			fmt.Fprintf(w, "    relay RSS %.1f MiB -> %.1f MiB (end %.1f MiB): %.1f KiB per connection\n",
				float64(s.RSS0)/(1<<20), float64(s.RSSC)/(1<<20), float64(s.RSSEnd)/(1<<20), s.RSSPerConn/1024)
		}
		if s.HeapPerConn > 0 || s.GoroutinesPC > 0 {
			fmt.Fprintf(w, "    relay Go heap %.1f KiB per connection, %.2f goroutines per connection\n",
				s.HeapPerConn/1024, s.GoroutinesPC)
		}
		if len(s.CloseCodes) > 0 {
			fmt.Fprintf(w, "    closed by relay: %v\n", s.CloseCodes)
		}
	}
	fmt.Fprintf(w, "bad frames from relay (text/short): %d\n", r.BadFrames)
	for _, n := range r.Notes {
		fmt.Fprintf(w, "note: %s\n", n)
	}
}
