package redisstore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/tandem-mpc/tandem/relay/store"
)

// Defaults of WIRE.md §9.1 for the Redis backend.
const (
	DefaultURL               = "redis://localhost:6379/0"
	DefaultPrefix            = "tandem:relay:"
	DefaultOpTimeout         = 2 * time.Second
	DefaultProbeInterval     = 2 * time.Second
	DefaultReconcileInterval = 5 * time.Second
	// PingInterval is the period of the readiness PING (§9.2); a PING must have succeeded
	// within PingFreshness for the store to be ready.
	PingInterval  = time.Second
	PingFreshness = 3 * time.Second
	// MemoryPollInterval is the period of the used_memory poll (§8.8).
	MemoryPollInterval = 10 * time.Second
	maxCandidatesCap   = 16
)

// Config configures a Store. Only one of URL, Client, SentinelMaster+SentinelAddrs and
// ClusterAddrs selects the deployment; the zero value connects to DefaultURL.
type Config struct {
	// URL is a redis://, rediss:// (TLS) or unix:// URL (go-redis ParseURL). Used when
	// neither SentinelMaster nor ClusterAddrs is set.
	URL string
	// Password, when non-empty, overrides any password in the URL (--redis-password-file).
	Password Password
	// SentinelMaster and SentinelAddrs select a Sentinel deployment (go-redis failover
	// client); ClusterAddrs selects Redis Cluster. The URL's database and TLS settings are
	// not used then.
	SentinelMaster string
	SentinelAddrs  []string
	ClusterAddrs   []string

	// Prefix is the key prefix P of §8.2 (DefaultPrefix when empty). Every instance sharing
	// a prefix MUST use the same Limits.
	Prefix string
	// InstanceID names this instance's inbox (Pinbox:<instance>) and its member in the
	// waiter sets; random (16 bytes, hex) when empty.
	InstanceID string
	// Limits are the per-id limits; the zero value means store.DefaultLimits().
	Limits store.Limits

	// OpTimeout bounds every Redis command; a command that takes longer fails with
	// store.ErrUnavailable (DefaultOpTimeout when 0).
	OpTimeout time.Duration
	// ProbeInterval is the inbox self-probe period (§8.6; DefaultProbeInterval when 0).
	ProbeInterval time.Duration
	// ReconcileInterval is the periodic Resync period (§8.6; DefaultReconcileInterval when 0).
	ReconcileInterval time.Duration
	// WaitReplicas > 0 runs `WAIT WaitReplicas 50` in the same pipeline as every publish
	// script (§8.7).
	WaitReplicas int

	// Logger receives backend state changes (down, up, resubscribed, probe failed, epoch
	// changed); slog.Default() when nil.
	Logger *slog.Logger
	// Metrics receives the backend_* metrics of §9.3; nil discards them.
	Metrics Metrics

	// Client, if set, is used instead of building a client from the fields above (tests,
	// or applications with their own client). The store does not close it.
	Client redis.UniversalClient
}

// Metrics receives the backend figures of WIRE.md §9.3. relay/server's *BackendMetrics
// implements it. Every method must be fast, must not block and must be safe for concurrent
// use.
type Metrics interface {
	// ObserveOp records the duration of one backend operation: op is publish, ask, claim,
	// probe, epoch or ping.
	ObserveOp(op string, d time.Duration)
	// OpError counts a failed operation; kind is timeout, conn, oom, script or other.
	OpError(op, kind string)
	// SetUp sets tandem_relay_backend_up.
	SetUp(up bool)
	// SetProbeOK sets tandem_relay_backend_probe_ok.
	SetProbeOK(ok bool)
	// Resubscribed counts a re-established inbox subscription.
	Resubscribed()
	// SetUsedMemory sets tandem_relay_backend_used_memory_bytes.
	SetUsedMemory(bytes int64)
	// InboxMessage counts an inbox message; kind is candidate, probe or invalid.
	InboxMessage(kind string)
}

type nopMetrics struct{}

func (nopMetrics) ObserveOp(string, time.Duration) {}
func (nopMetrics) OpError(string, string)          {}
func (nopMetrics) SetUp(bool)                      {}
func (nopMetrics) SetProbeOK(bool)                 {}
func (nopMetrics) Resubscribed()                   {}
func (nopMetrics) SetUsedMemory(int64)             {}
func (nopMetrics) InboxMessage(string)             {}

// normalized returns cfg with the defaults filled in, or an error for values no default can
// repair.
func (cfg Config) normalized() (Config, error) {
	if cfg.Limits == (store.Limits{}) {
		cfg.Limits = store.DefaultLimits()
	}
	if cfg.Limits.MaxCandidates <= 0 {
		cfg.Limits.MaxCandidates = store.DefaultLimits().MaxCandidates
	}
	if cfg.Limits.MaxCandidates > maxCandidatesCap {
		return cfg, fmt.Errorf("redisstore: max candidates %d: must be 1–16", cfg.Limits.MaxCandidates)
	}
	if cfg.Limits.MaxCandidatesPerIP < 0 {
		cfg.Limits.MaxCandidatesPerIP = 0
	}
	if cfg.Prefix == "" {
		cfg.Prefix = DefaultPrefix
	}
	if cfg.URL == "" {
		cfg.URL = DefaultURL
	}
	if cfg.OpTimeout <= 0 {
		cfg.OpTimeout = DefaultOpTimeout
	}
	if cfg.ProbeInterval <= 0 {
		cfg.ProbeInterval = DefaultProbeInterval
	}
	if cfg.ReconcileInterval <= 0 {
		cfg.ReconcileInterval = DefaultReconcileInterval
	}
	if cfg.WaitReplicas < 0 {
		cfg.WaitReplicas = 0
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Metrics == nil {
		cfg.Metrics = nopMetrics{}
	}
	if cfg.SentinelMaster != "" && len(cfg.SentinelAddrs) == 0 {
		return cfg, errors.New("redisstore: a sentinel master needs sentinel addresses")
	}
	return cfg, nil
}

// newClient builds the go-redis client the configuration describes.
func (cfg *Config) newClient() (redis.UniversalClient, error) {
	timeouts := func(o *redis.UniversalOptions) {
		o.ContextTimeoutEnabled = true
		o.ReadTimeout = cfg.OpTimeout
		o.WriteTimeout = cfg.OpTimeout
		o.DialTimeout = cfg.OpTimeout
		o.MaxRetries = -1 // the hub retries; a retry here would hide a dead backend
		o.Protocol = 2
		o.DisableIdentity = true
		if cfg.Password != "" {
			o.Password = cfg.Password.Reveal()
		}
	}
	switch {
	case cfg.SentinelMaster != "":
		o := &redis.UniversalOptions{MasterName: cfg.SentinelMaster, Addrs: cfg.SentinelAddrs}
		timeouts(o)
		return redis.NewUniversalClient(o), nil
	case len(cfg.ClusterAddrs) > 0:
		o := &redis.UniversalOptions{Addrs: cfg.ClusterAddrs, IsClusterMode: true}
		timeouts(o)
		return redis.NewUniversalClient(o), nil
	}
	opt, err := redis.ParseURL(cfg.URL)
	if err != nil {
		return nil, fmt.Errorf("redisstore: url: %w", errors.New(redactedURLError(err)))
	}
	opt.ContextTimeoutEnabled = true
	opt.ReadTimeout = cfg.OpTimeout
	opt.WriteTimeout = cfg.OpTimeout
	opt.DialTimeout = cfg.OpTimeout
	opt.MaxRetries = -1
	opt.Protocol = 2
	opt.DisableIdentity = true
	if cfg.Password != "" {
		opt.Password = cfg.Password.Reveal()
	}
	return redis.NewClient(opt), nil
}

// clientLogger routes go-redis's internal log lines (dial failures while Redis is down, …) to
// a slog.Logger at debug level, instead of the standard logger on stderr.
type clientLogger struct{ log *slog.Logger }

// Printf implements go-redis's internal Logging interface.
func (l clientLogger) Printf(ctx context.Context, format string, v ...any) {
	l.log.DebugContext(ctx, "go-redis: "+fmt.Sprintf(format, v...))
}

// RouteClientLogs sends go-redis's process-wide internal log to log at debug level. go-redis
// has a single global logger, so this is for programs (cmd/relay) and tests, not for the store
// to do on its own.
func RouteClientLogs(log *slog.Logger) { redis.SetLogger(clientLogger{log: log}) }

// redactedURLError keeps a URL parse error from echoing credentials: only its kind is kept.
func redactedURLError(err error) string {
	if err == nil {
		return ""
	}
	return "cannot parse the URL (want redis://, rediss:// or unix://)"
}
