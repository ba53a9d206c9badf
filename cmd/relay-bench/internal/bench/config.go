package bench

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Mode is what a run does.
type Mode string

// Modes of a run.
const (
	ModeSessions Mode = "sessions" // closed-loop two-party sessions
	ModeRate     Mode = "rate"     // open-loop message rate steps
	ModeIdle     Mode = "idle"     // idle connections held for a soak
)

// Shape is a named sequence of per-round payload sizes (body bytes, after the 36-byte header).
type Shape struct {
	Name  string
	Sizes []int
}

// Payload shapes of WIRE.md §13.6 (KB = 1000 bytes).
var (
	ShapeSign   = Shape{Name: "sign", Sizes: []int{200, 9300, 49600, 200}}
	ShapeKeygen = Shape{Name: "keygen", Sizes: []int{200, 17000, 400, 37600, 200}}
)

// ShapeFlat is a single round of size bytes.
func ShapeFlat(size int) Shape { return Shape{Name: "flat", Sizes: []int{size}} }

// ParseShape returns the shape named name; size is used by "flat".
func ParseShape(name string, size int) (Shape, error) {
	switch name {
	case "sign":
		return ShapeSign, nil
	case "keygen":
		return ShapeKeygen, nil
	case "flat":
		if size < minBody || size > maxBody {
			return Shape{}, fmt.Errorf("bench: --size %d out of range [%d, %d]", size, minBody, maxBody)
		}
		return ShapeFlat(size), nil
	default:
		return Shape{}, fmt.Errorf("bench: unknown shape %q (sign, keygen, flat)", name)
	}
}

// ParseRates parses a comma-separated list of positive message rates ("1000,5000,10000").
func ParseRates(s string) ([]float64, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	var out []float64
	for _, f := range strings.Split(s, ",") {
		r, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
		if err != nil || !(r > 0 && r <= 1e7) {
			return nil, fmt.Errorf("bench: bad rate %q", f)
		}
		out = append(out, r)
	}
	return out, nil
}

// Config is one run of the generator. Zero fields take the defaults noted.
type Config struct {
	Mode    Mode
	Targets []string // relay URLs (ws://127.0.0.1:port/v1/msg-relay); loopback only
	Shape   Shape

	Duration time.Duration // hard cap of the whole run (default 30s)
	Sessions int           // sessions mode: concurrent session slots (default 16; 2 connections each)
	Conns    int           // rate mode: connections, in pairs (default 64)
	Rates    []float64     // rate mode: messages/s per step
	Step     time.Duration // rate mode: length of one step (default 10s)
	StopP99  time.Duration // rate mode: stop after a step whose p99 passes this (default 10ms; <0 never)
	Idle     int           // idle mode: connections to hold

	TTL        time.Duration // TTL of asks and publishes (default 2s)
	Unask      bool          // send UNASK after each delivery (only if the relay advertises it)
	MsgTimeout time.Duration // sessions mode: wait for one peer message (default 5s)
	DialConc   int           // concurrent dials (default 64)
	SourceIPs  int           // loopback source addresses 127.0.0.1…127.0.0.N (default 8)

	// Observer, when set, is sampled around the load (RSS, CPU, metrics of the relay).
	Observer *Observer
	// Log receives progress lines; nil discards them.
	Log func(format string, args ...any)
}

// Limits that keep every run bounded.
const (
	minBody     = 16
	maxBody     = 1 << 20
	maxConns    = 200000
	maxDuration = 2 * time.Hour
)

func (c *Config) setDefaults() {
	if c.Duration <= 0 {
		c.Duration = 30 * time.Second
	}
	if c.Sessions <= 0 {
		c.Sessions = 16
	}
	if c.Conns <= 0 {
		c.Conns = 64
	}
	if c.Conns%2 == 1 {
		c.Conns++
	}
	if c.Step <= 0 {
		c.Step = 10 * time.Second
	}
	if c.StopP99 == 0 {
		c.StopP99 = 10 * time.Millisecond
	}
	if c.TTL <= 0 {
		c.TTL = 2 * time.Second
	}
	if c.MsgTimeout <= 0 {
		c.MsgTimeout = 5 * time.Second
	}
	if c.DialConc <= 0 {
		c.DialConc = 64
	}
	if c.SourceIPs <= 0 {
		c.SourceIPs = 8
	}
	if len(c.Shape.Sizes) == 0 {
		if c.Mode == ModeRate {
			c.Shape = ShapeFlat(1024)
		} else {
			c.Shape = ShapeSign
		}
	}
	if c.Log == nil {
		c.Log = func(string, ...any) {}
	}
}

// Validate applies defaults and checks the configuration; every target must be a loopback URL.
func (c *Config) Validate() error {
	c.setDefaults()
	switch c.Mode {
	case ModeSessions, ModeIdle:
	case ModeRate:
		if len(c.Rates) == 0 {
			return errors.New("bench: rate mode needs --rate")
		}
	default:
		return fmt.Errorf("bench: unknown mode %q", c.Mode)
	}
	if len(c.Targets) == 0 {
		return errors.New("bench: no target relay (--targets or --spawn)")
	}
	for i, t := range c.Targets {
		u, err := NormalizeTarget(t)
		if err != nil {
			return err
		}
		c.Targets[i] = u
	}
	if c.Duration > maxDuration {
		return fmt.Errorf("bench: --duration above %s", maxDuration)
	}
	if c.Sessions*2 > maxConns || c.Conns > maxConns || c.Idle > maxConns {
		return fmt.Errorf("bench: more than %d connections", maxConns)
	}
	if c.Mode == ModeIdle && c.Idle <= 0 {
		return errors.New("bench: idle mode needs --idle N > 0")
	}
	for _, s := range c.Shape.Sizes {
		if s < minBody || s > maxBody {
			return fmt.Errorf("bench: payload size %d out of range", s)
		}
	}
	if c.SourceIPs > 250 {
		return errors.New("bench: at most 250 source addresses")
	}
	return nil
}

// NormalizeTarget turns "127.0.0.1:8000", "http://…" or "ws://…" into a ws:// URL with the path
// /v1/msg-relay when none was given. It refuses hosts that are not loopback: the generator
// never sends traffic off the machine.
func NormalizeTarget(t string) (string, error) {
	if !strings.Contains(t, "://") {
		t = "ws://" + t
	}
	u, err := url.Parse(t)
	if err != nil {
		return "", fmt.Errorf("bench: bad target %q: %w", t, err)
	}
	switch u.Scheme {
	case "ws", "http":
		u.Scheme = "ws"
	default:
		return "", fmt.Errorf("bench: target %q: only ws:// on loopback", t)
	}
	if !isLoopbackHost(u.Hostname()) {
		return "", fmt.Errorf("bench: target %q is not a loopback address", t)
	}
	if u.Path == "" || u.Path == "/" {
		u.Path = "/v1/msg-relay"
	}
	return u.String(), nil
}

func isLoopbackHost(h string) bool {
	if h == "localhost" {
		return true
	}
	a, err := netip.ParseAddr(h)
	return err == nil && a.IsLoopback()
}

// sourceAddr returns the local address for connection i: 127.0.0.(1 + i mod n) when the target
// is IPv4 loopback, nil otherwise (the kernel picks).
func sourceAddr(target string, i, n int) *net.TCPAddr {
	u, err := url.Parse(target)
	if err != nil {
		return nil
	}
	h := u.Hostname()
	a, err := netip.ParseAddr(h)
	if h != "localhost" && (err != nil || !a.Is4()) {
		return nil
	}
	return &net.TCPAddr{IP: net.IPv4(127, 0, 0, byte(1+i%n))}
}
