package server

import (
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"strings"
	"time"
)

// Auth modes of WIRE.md §4.3.
const (
	AuthNone   = "none"
	AuthShared = "shared"
	AuthHMAC   = "hmac"
)

// Store reset modes of WIRE.md §6 (`--on-store-reset`).
const (
	OnResetClose = "close"
	OnResetKeep  = "keep"
)

// Config holds every server option of WIRE.md §4 and §9. The zero value of a field means "the
// default" unless its comment says otherwise; DefaultConfig returns the defaults spelled out.
// A limit that the spec switches off with 0 is switched off here with Off (any negative
// value), because 0 means "default"; LoadConfig maps a flag value of 0 to Off.
type Config struct {
	// InstanceID names this instance in logs and contributor ids; random when empty.
	InstanceID string

	// Per-frame and per-id limits (§4.1).
	MaxFrameBytes      int           // 1 MiB
	MaxTTL             time.Duration // 1h; TTLs are clamped to it
	MaxCandidates      int           // 4 (1–16)
	MaxCandidatesPerIP int           // 1; Off = no limit
	MaxPendingAsks     int           // 1024 live waiters per connection

	// Memory limits (§4.1).
	MaxStoredBytes      int64   // 512 MiB, whole store
	MaxStoredBytesPerIP int64   // 64 MiB per IP prefix; Off = no limit
	ReadyStoreFraction  float64 // 0.9

	// Per-connection outbound queue and timeouts (§4.1, §5).
	SendQueueFrames  int           // 256
	SendQueueBytes   int           // 8 MiB
	WriteTimeout     time.Duration // 10s
	ReadTimeout      time.Duration // 90s
	PingInterval     time.Duration // 30s
	IdleTimeout      time.Duration // Off by default (0 in DefaultConfig); close 4002
	ConnRate         float64       // frames per second per connection; 0 = off
	ConnBurst        int           // token bucket depth for ConnRate; default max(1, 2×rate)
	HandshakeTimeout time.Duration // 10s

	// Per-instance admission limits (§4.1).
	MaxConns         int     // 10000; HTTP 503
	MaxConnsPerIP    int     // 128; Off = no limit; HTTP 429
	HandshakeRate    float64 // 10 per second per IP prefix; Off = no limit
	HandshakeBurst   int     // 20
	TrustedProxies   []netip.Prefix
	IPv6Prefix       int           // 64
	AllowedOrigins   []string      // nil or ["*"] = any origin
	Auth             string        // AuthNone (default), AuthShared, AuthHMAC
	AuthSecretFile   string        // required for shared and hmac
	CompatMsgStats   bool          // serve GET /v1/msg-stats
	OnStoreReset     string        // OnResetClose (default) or OnResetKeep
	StoreResetSpread time.Duration // 5s: 1012 closes are spread over it

	// Housekeeping.
	SweepInterval  time.Duration // 100ms
	StoreOpTimeout time.Duration // 2s: ErrUnavailable retries of a PUB stop here (→ 1013)
	ShutdownDelay  time.Duration // 0
	DrainWindow    time.Duration // 10s
	AdminPprof     bool          // mount /debug/pprof/ on the admin handler
	LogRemoteAddr  *bool         // log the client address on connection close; default true
	Logger         *slog.Logger  // slog.Default() when nil
	Version        string        // for tandem_relay_build_info; "dev" when empty
	BackendName    string        // for tandem_relay_build_info; "memory" when empty
}

// Off is the value that switches off a limit whose zero value means "default"
// (MaxCandidatesPerIP, MaxStoredBytesPerIP, MaxConnsPerIP, HandshakeRate, MaxConns).
const Off = -1

// DefaultConfig returns the defaults of WIRE.md §4.1 and §9.1.
func DefaultConfig() Config {
	t := true
	return Config{
		MaxFrameBytes:       1 << 20,
		MaxTTL:              time.Hour,
		MaxCandidates:       4,
		MaxCandidatesPerIP:  1,
		MaxPendingAsks:      1024,
		MaxStoredBytes:      512 << 20,
		MaxStoredBytesPerIP: 64 << 20,
		ReadyStoreFraction:  0.9,
		SendQueueFrames:     256,
		SendQueueBytes:      8 << 20,
		WriteTimeout:        10 * time.Second,
		ReadTimeout:         90 * time.Second,
		PingInterval:        30 * time.Second,
		HandshakeTimeout:    10 * time.Second,
		MaxConns:            10000,
		MaxConnsPerIP:       128,
		HandshakeRate:       10,
		HandshakeBurst:      20,
		IPv6Prefix:          64,
		AllowedOrigins:      []string{"*"},
		Auth:                AuthNone,
		OnStoreReset:        OnResetClose,
		StoreResetSpread:    5 * time.Second,
		SweepInterval:       100 * time.Millisecond,
		StoreOpTimeout:      2 * time.Second,
		DrainWindow:         10 * time.Second,
		LogRemoteAddr:       &t,
	}
}

// withDefaults fills zero fields with the defaults and normalises Off to 0 ("no limit").
func (c Config) withDefaults() Config {
	d := DefaultConfig()
	setInt := func(v *int, def int) {
		switch {
		case *v == 0:
			*v = def
		case *v < 0:
			*v = 0
		}
	}
	setInt(&c.MaxFrameBytes, d.MaxFrameBytes)
	setInt(&c.MaxCandidates, d.MaxCandidates)
	setInt(&c.MaxCandidatesPerIP, d.MaxCandidatesPerIP)
	setInt(&c.MaxPendingAsks, d.MaxPendingAsks)
	setInt(&c.SendQueueFrames, d.SendQueueFrames)
	setInt(&c.SendQueueBytes, d.SendQueueBytes)
	setInt(&c.MaxConns, d.MaxConns)
	setInt(&c.MaxConnsPerIP, d.MaxConnsPerIP)
	setInt(&c.HandshakeBurst, d.HandshakeBurst)
	setInt(&c.IPv6Prefix, d.IPv6Prefix)
	switch {
	case c.MaxStoredBytes == 0:
		c.MaxStoredBytes = d.MaxStoredBytes
	case c.MaxStoredBytes < 0:
		c.MaxStoredBytes = 0
	}
	switch {
	case c.MaxStoredBytesPerIP == 0:
		c.MaxStoredBytesPerIP = d.MaxStoredBytesPerIP
	case c.MaxStoredBytesPerIP < 0:
		c.MaxStoredBytesPerIP = 0
	}
	switch {
	case c.HandshakeRate == 0:
		c.HandshakeRate = d.HandshakeRate
	case c.HandshakeRate < 0:
		c.HandshakeRate = 0
	}
	if c.ConnRate < 0 {
		c.ConnRate = 0
	}
	if c.ConnRate > 0 && c.ConnBurst <= 0 {
		c.ConnBurst = max(1, int(2*c.ConnRate))
	}
	setDur := func(v *time.Duration, def time.Duration) {
		if *v <= 0 {
			*v = def
		}
	}
	setDur(&c.MaxTTL, d.MaxTTL)
	setDur(&c.WriteTimeout, d.WriteTimeout)
	setDur(&c.ReadTimeout, d.ReadTimeout)
	setDur(&c.PingInterval, d.PingInterval)
	setDur(&c.HandshakeTimeout, d.HandshakeTimeout)
	setDur(&c.StoreResetSpread, d.StoreResetSpread)
	setDur(&c.SweepInterval, d.SweepInterval)
	setDur(&c.StoreOpTimeout, d.StoreOpTimeout)
	setDur(&c.DrainWindow, d.DrainWindow)
	if c.IdleTimeout < 0 {
		c.IdleTimeout = 0
	}
	if c.ShutdownDelay < 0 {
		c.ShutdownDelay = 0
	}
	if c.ReadyStoreFraction <= 0 || c.ReadyStoreFraction > 1 {
		c.ReadyStoreFraction = d.ReadyStoreFraction
	}
	if len(c.AllowedOrigins) == 0 {
		c.AllowedOrigins = d.AllowedOrigins
	}
	if c.Auth == "" {
		c.Auth = AuthNone
	}
	if c.OnStoreReset == "" {
		c.OnStoreReset = OnResetClose
	}
	if c.LogRemoteAddr == nil {
		c.LogRemoteAddr = d.LogRemoteAddr
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.Version == "" {
		c.Version = "dev"
	}
	if c.BackendName == "" {
		c.BackendName = "memory"
	}
	return c
}

// validate reports option values that no default can repair.
func (c *Config) validate() error {
	var errs []error
	if c.MaxFrameBytes <= 36 {
		errs = append(errs, fmt.Errorf("max-frame-bytes %d: must exceed the 36-byte header", c.MaxFrameBytes))
	}
	if c.MaxCandidates < 1 || c.MaxCandidates > 16 {
		errs = append(errs, fmt.Errorf("max-candidates %d: must be 1–16", c.MaxCandidates))
	}
	if c.IPv6Prefix < 1 || c.IPv6Prefix > 128 {
		errs = append(errs, fmt.Errorf("ipv6-prefix %d: must be 1–128", c.IPv6Prefix))
	}
	switch c.Auth {
	case AuthNone:
	case AuthShared, AuthHMAC:
		if c.AuthSecretFile == "" {
			errs = append(errs, fmt.Errorf("auth %s needs an auth secret file", c.Auth))
		}
	default:
		errs = append(errs, fmt.Errorf("auth %q: want none, shared or hmac", c.Auth))
	}
	switch c.OnStoreReset {
	case OnResetClose, OnResetKeep:
	default:
		errs = append(errs, fmt.Errorf("on-store-reset %q: want close or keep", c.OnStoreReset))
	}
	for _, o := range c.AllowedOrigins {
		if o == "*" {
			continue
		}
		if _, _, ok := strings.Cut(o, "://"); !ok {
			errs = append(errs, fmt.Errorf("allowed origin %q: want scheme://host[:port]", o))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("server: config: %w", err)
	}
	return nil
}
