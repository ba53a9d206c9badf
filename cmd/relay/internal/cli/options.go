package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net/netip"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/tandem-mpc/tandem/relay/server"
)

// Defaults of the listeners (WIRE.md §9.1).
const (
	DefaultListen = "localhost:8000"
	DefaultAdmin  = "localhost:8001"
	envPrefix     = "RELAY_"
)

// Options is the parsed command line of `relay serve` (and of `relay healthcheck`, which uses
// Admin only).
type Options struct {
	Server          server.Config
	Listen          []string
	Admin           string
	AdminExplicit   bool // set by a flag or RELAY_ADMIN: failing to bind it is fatal
	Store           string
	RedisURL        string
	RedisPrefix     string
	RedisPassFile   string
	Redis           RedisOptions
	TLSCert, TLSKey string
	ShutdownTimeout time.Duration
	LogFormat       string
	LogLevel        string
}

// RedisOptions are the Redis flags of WIRE.md §9.1 beyond the URL, prefix and password file.
type RedisOptions struct {
	ProbeInterval     time.Duration // --redis-probe-interval (2s)
	ReconcileInterval time.Duration // --redis-reconcile-interval (5s)
	WaitReplicas      int           // --redis-wait-replicas (0)
	SentinelMaster    string        // --redis-sentinel-master
	SentinelAddrs     []string      // --redis-sentinel-addrs
	ClusterAddrs      []string      // --redis-cluster-addrs
}

// option is one flag with its environment variable.
type option struct {
	name    string
	help    string
	set     func(string) error
	secret  bool
	aliasOf string
}

// envName maps a flag name to its environment variable: RELAY_<UPPER_SNAKE>.
func envName(flagName string) string {
	return envPrefix + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// Load parses args (without the program name and subcommand) and the environment (a
// "KEY=value" list, as os.Environ returns) with the precedence of WIRE.md §9.1: flag >
// RELAY_* > legacy LISTEN > default. It returns the options and warnings (unknown RELAY_*
// variables) to log.
func Load(args []string, environ []string, stderr io.Writer) (*Options, []string, error) {
	env := map[string]string{}
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok {
			env[k] = v
		}
	}
	o := &Options{
		Server:          server.DefaultConfig(),
		Admin:           DefaultAdmin,
		Store:           "memory",
		RedisURL:        "redis://localhost:6379/0",
		RedisPrefix:     "tandem:relay:",
		Redis:           RedisOptions{ProbeInterval: 2 * time.Second, ReconcileInterval: 5 * time.Second},
		ShutdownTimeout: 25 * time.Second,
		LogFormat:       "json",
		LogLevel:        "info",
	}
	c := &o.Server
	var listen []string
	opts := []option{
		{name: "listen", help: "public listener host:port (repeatable; default " + DefaultListen + ")",
			set: func(v string) error { listen = append(listen, strings.Fields(v)...); return nil }},
		{name: "admin", help: "admin listener host:port (health, metrics); empty disables it",
			set: func(v string) error { o.Admin = v; o.AdminExplicit = true; return nil }},
		{name: "store", help: "storage backend: memory or redis", set: func(v string) error {
			if v != "memory" && v != "redis" {
				return fmt.Errorf("want memory or redis, got %q", v)
			}
			o.Store = v
			return nil
		}},
		{name: "backend", aliasOf: "store"},
		{name: "redis-url", help: "Redis URL", secret: true, set: str(&o.RedisURL)},
		{name: "redis-prefix", help: "Redis key prefix", set: str(&o.RedisPrefix)},
		{name: "redis-password-file", help: "file with the Redis password", set: str(&o.RedisPassFile)},
		{name: "redis-op-timeout", help: "store operation timeout (PUB retries end with 1013)", set: dur(&c.StoreOpTimeout)},
		{name: "redis-probe-interval", help: "inbox self-probe period", set: dur(&o.Redis.ProbeInterval)},
		{name: "redis-reconcile-interval", help: "periodic re-ask of waiters that got nothing", set: dur(&o.Redis.ReconcileInterval)},
		{name: "redis-wait-replicas", help: "WAIT for this many replicas after each publish (0 = off)", set: intv(&o.Redis.WaitReplicas, false)},
		{name: "redis-sentinel-master", help: "Sentinel master name (with --redis-sentinel-addrs)", set: str(&o.Redis.SentinelMaster)},
		{name: "redis-sentinel-addrs", help: "comma-separated Sentinel host:port list", set: func(v string) error {
			o.Redis.SentinelAddrs = splitList(v)
			return nil
		}},
		{name: "redis-cluster-addrs", help: "comma-separated Redis Cluster host:port list", set: func(v string) error {
			o.Redis.ClusterAddrs = splitList(v)
			return nil
		}},
		{name: "on-store-reset", help: "close or keep", set: str(&c.OnStoreReset)},
		{name: "tls-cert", help: "TLS certificate file for the public listener", set: str(&o.TLSCert)},
		{name: "tls-key", help: "TLS key file for the public listener", set: str(&o.TLSKey)},
		{name: "max-frame-bytes", help: "largest frame (close 1009)", set: sizeInt(&c.MaxFrameBytes, false)},
		{name: "max-ttl", help: "TTL clamp", set: dur(&c.MaxTTL)},
		{name: "max-candidates", help: "distinct bodies per id (1-16)", set: intv(&c.MaxCandidates, false)},
		{name: "max-candidates-per-ip", help: "candidates per id and IP prefix (0 = off)", set: intv(&c.MaxCandidatesPerIP, true)},
		{name: "max-pending-asks", help: "live waiters per connection (close 4001)", set: intv(&c.MaxPendingAsks, false)},
		{name: "max-stored-bytes", help: "global stored-bytes cap (close 4004; 0 = off)", set: size64(&c.MaxStoredBytes, true)},
		{name: "max-stored-bytes-per-ip", help: "stored bytes per IP prefix (close 4005; 0 = off)", set: size64(&c.MaxStoredBytesPerIP, true)},
		{name: "send-queue-frames", help: "outbound queue frames (close 4000)", set: intv(&c.SendQueueFrames, false)},
		{name: "send-queue-bytes", help: "outbound queue bytes (close 4000)", set: sizeInt(&c.SendQueueBytes, false)},
		{name: "write-timeout", help: "per frame write timeout", set: dur(&c.WriteTimeout)},
		{name: "read-timeout", help: "since the last inbound frame or pong", set: dur(&c.ReadTimeout)},
		{name: "ping-interval", help: "server ping period", set: dur(&c.PingInterval)},
		{name: "idle-timeout", help: "since the last data frame (close 4002; 0 = off)", set: dur(&c.IdleTimeout)},
		{name: "conn-rate", help: "frames per second per connection (close 4003; 0 = off)", set: float(&c.ConnRate)},
		{name: "conn-burst", help: "burst of --conn-rate", set: intv(&c.ConnBurst, false)},
		{name: "max-conns", help: "connections per instance (HTTP 503; 0 = off)", set: intv(&c.MaxConns, true)},
		{name: "max-conns-per-ip", help: "connections per IP prefix (HTTP 429; 0 = off)", set: intv(&c.MaxConnsPerIP, true)},
		{name: "handshake-rate", help: "handshakes per second per IP prefix (HTTP 429; 0 = off)", set: func(v string) error {
			if err := float(&c.HandshakeRate)(v); err != nil {
				return err
			}
			if c.HandshakeRate == 0 {
				c.HandshakeRate = server.Off
			}
			return nil
		}},
		{name: "handshake-burst", help: "burst of --handshake-rate", set: intv(&c.HandshakeBurst, false)},
		{name: "handshake-timeout", help: "HTTP read-header and upgrade timeout", set: dur(&c.HandshakeTimeout)},
		{name: "trusted-proxies", help: "comma-separated CIDRs whose X-Forwarded-For is honoured", set: func(v string) error {
			c.TrustedProxies = nil
			for _, s := range splitList(v) {
				p, err := netip.ParsePrefix(s)
				if err != nil {
					return err
				}
				c.TrustedProxies = append(c.TrustedProxies, p.Masked())
			}
			return nil
		}},
		{name: "ipv6-prefix", help: "IPv6 grouping prefix length for per-IP limits", set: intv(&c.IPv6Prefix, false)},
		{name: "allowed-origins", help: "'*' or comma-separated scheme://host[:port] (host may start with *.)", set: func(v string) error {
			c.AllowedOrigins = splitList(v)
			return nil
		}},
		{name: "auth", help: "admission: none, shared or hmac", set: str(&c.Auth)},
		{name: "auth-secret-file", help: "file with shared tokens or hmac keys (reloaded on SIGHUP)", set: str(&c.AuthSecretFile)},
		{name: "ready-store-fraction", help: "readyz fails above this fraction of the store cap", set: float(&c.ReadyStoreFraction)},
		{name: "sweep-interval", help: "expiry sweeper period", set: dur(&c.SweepInterval)},
		{name: "shutdown-delay", help: "not-ready period before draining", set: dur(&c.ShutdownDelay)},
		{name: "drain-window", help: "1001 closes are spread over it", set: dur(&c.DrainWindow)},
		{name: "shutdown-timeout", help: "exit 1 if shutdown takes longer", set: dur(&o.ShutdownTimeout)},
		{name: "log-format", help: "json or text", set: func(v string) error {
			if v != "json" && v != "text" {
				return fmt.Errorf("want json or text, got %q", v)
			}
			o.LogFormat = v
			return nil
		}},
		{name: "log-level", help: "debug, info, warn or error", set: str(&o.LogLevel)},
		{name: "log-remote-addr", help: "log client addresses", set: func(v string) error {
			b, err := strconv.ParseBool(v)
			c.LogRemoteAddr = &b
			return err
		}},
		{name: "compat-msg-stats", help: "serve GET /v1/msg-stats", set: boolv(&c.CompatMsgStats)},
		{name: "admin-pprof", help: "mount /debug/pprof/ on the admin listener", set: boolv(&c.AdminPprof)},
	}
	byName := map[string]*option{}
	for i := range opts {
		byName[opts[i].name] = &opts[i]
	}
	for i := range opts {
		if opts[i].aliasOf != "" {
			target := byName[opts[i].aliasOf]
			opts[i].set = target.set
			opts[i].help = "alias of --" + target.name
		}
	}

	fs := flag.NewFlagSet("relay", flag.ContinueOnError)
	fs.SetOutput(stderr)
	bools := map[string]bool{"compat-msg-stats": true, "admin-pprof": true, "log-remote-addr": true}
	for i := range opts {
		op := &opts[i]
		if bools[op.name] {
			fs.BoolFunc(op.name, op.help, op.set)
		} else {
			fs.Func(op.name, op.help, op.set)
		}
	}
	if err := fs.Parse(args); err != nil {
		return nil, nil, err
	}
	if fs.NArg() > 0 {
		return nil, nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) {
		given[f.Name] = true
		if a := byName[f.Name].aliasOf; a != "" {
			given[a] = true
		}
	})
	var errs []error
	known := map[string]bool{}
	for i := range opts {
		op := &opts[i]
		known[envName(op.name)] = true
		if given[op.name] || op.aliasOf != "" && given[op.aliasOf] {
			continue
		}
		v, ok := env[envName(op.name)]
		if !ok || v == "" && op.name != "admin" { // RELAY_ADMIN= disables the admin listener
			continue
		}
		if op.aliasOf != "" {
			if _, primary := env[envName(op.aliasOf)]; primary {
				continue // RELAY_STORE wins over RELAY_BACKEND
			}
		}
		if err := op.set(v); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", envName(op.name), err))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, nil, err
	}
	if len(listen) == 0 {
		if v := env["LISTEN"]; v != "" { // legacy variable of the original service
			listen = strings.Fields(v)
		} else {
			listen = []string{DefaultListen}
		}
	}
	o.Listen = listen
	if (o.TLSCert == "") != (o.TLSKey == "") {
		return nil, nil, errors.New("--tls-cert and --tls-key go together")
	}
	var warnings []string
	var unknown []string
	for k := range env {
		if strings.HasPrefix(k, envPrefix) && !known[k] {
			unknown = append(unknown, k)
		}
	}
	sort.Strings(unknown)
	for _, k := range unknown {
		warnings = append(warnings, "unknown environment variable "+k+" ignored")
	}
	return o, warnings, nil
}

// Redacted returns the options as log attributes with secrets redacted (§9.1).
func (o *Options) Redacted() []any {
	c := &o.Server
	redisURL := o.RedisURL
	if u, err := url.Parse(redisURL); err == nil && u.User != nil {
		u.User = url.UserPassword("REDACTED", "REDACTED")
		redisURL = u.String()
	} else if err != nil {
		redisURL = "[unparseable]"
	}
	return []any{
		"listen", o.Listen, "admin", o.Admin, "store", o.Store, "redis_url", redisURL,
		"redis_prefix", o.RedisPrefix, "redis_password_file", o.RedisPassFile != "",
		"redis_probe_interval", o.Redis.ProbeInterval.String(), "redis_reconcile_interval", o.Redis.ReconcileInterval.String(),
		"redis_wait_replicas", o.Redis.WaitReplicas, "redis_sentinel_master", o.Redis.SentinelMaster,
		"redis_sentinel_addrs", o.Redis.SentinelAddrs, "redis_cluster_addrs", o.Redis.ClusterAddrs,
		"tls", o.TLSCert != "", "max_frame_bytes", c.MaxFrameBytes, "max_ttl", c.MaxTTL.String(),
		"max_candidates", c.MaxCandidates, "max_candidates_per_ip", c.MaxCandidatesPerIP,
		"max_pending_asks", c.MaxPendingAsks, "max_stored_bytes", c.MaxStoredBytes,
		"max_stored_bytes_per_ip", c.MaxStoredBytesPerIP, "send_queue_frames", c.SendQueueFrames,
		"send_queue_bytes", c.SendQueueBytes, "write_timeout", c.WriteTimeout.String(),
		"read_timeout", c.ReadTimeout.String(), "ping_interval", c.PingInterval.String(),
		"idle_timeout", c.IdleTimeout.String(), "conn_rate", c.ConnRate, "conn_burst", c.ConnBurst,
		"max_conns", c.MaxConns, "max_conns_per_ip", c.MaxConnsPerIP,
		"handshake_rate", c.HandshakeRate, "handshake_burst", c.HandshakeBurst,
		"handshake_timeout", c.HandshakeTimeout.String(), "trusted_proxies", fmt.Sprint(c.TrustedProxies),
		"ipv6_prefix", c.IPv6Prefix, "allowed_origins", c.AllowedOrigins, "auth", c.Auth,
		"auth_secret_file", c.AuthSecretFile != "", "on_store_reset", c.OnStoreReset,
		"sweep_interval", c.SweepInterval.String(), "shutdown_delay", c.ShutdownDelay.String(),
		"drain_window", c.DrainWindow.String(), "shutdown_timeout", o.ShutdownTimeout.String(),
		"compat_msg_stats", c.CompatMsgStats, "admin_pprof", c.AdminPprof,
	}
}

func splitList(v string) []string {
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func str(p *string) func(string) error { return func(v string) error { *p = v; return nil } }

func dur(p *time.Duration) func(string) error {
	return func(v string) error {
		d, err := time.ParseDuration(v)
		if err != nil {
			return err
		}
		if d < 0 {
			return errors.New("negative duration")
		}
		*p = d
		return nil
	}
}

// intv parses an integer; with zeroOff, 0 means server.Off.
func intv(p *int, zeroOff bool) func(string) error {
	return func(v string) error {
		n, err := strconv.Atoi(v)
		if err != nil {
			return err
		}
		if n < 0 {
			return errors.New("negative value")
		}
		if n == 0 && zeroOff {
			n = server.Off
		}
		*p = n
		return nil
	}
}

func float(p *float64) func(string) error {
	return func(v string) error {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return err
		}
		if f < 0 || f != f {
			return errors.New("negative value")
		}
		*p = f
		return nil
	}
}

func boolv(p *bool) func(string) error {
	return func(v string) error {
		b, err := strconv.ParseBool(v)
		*p = b
		return err
	}
}

func size64(p *int64, zeroOff bool) func(string) error {
	return func(v string) error {
		n, err := ParseSize(v)
		if err != nil {
			return err
		}
		if n == 0 && zeroOff {
			n = server.Off
		}
		*p = n
		return nil
	}
}

func sizeInt(p *int, zeroOff bool) func(string) error {
	return func(v string) error {
		var n int64
		if err := size64(&n, zeroOff)(v); err != nil {
			return err
		}
		if n > 1<<40 {
			return errors.New("too large")
		}
		*p = int(n)
		return nil
	}
}

// ParseSize parses plain bytes or a KiB/MiB/GiB suffix ("512MiB", "64 KiB", "1048576").
func ParseSize(v string) (int64, error) {
	s := strings.TrimSpace(v)
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}} {
		if strings.HasSuffix(s, u.suffix) {
			s = strings.TrimSpace(strings.TrimSuffix(s, u.suffix))
			mult = u.mult
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("size %q: want bytes or a KiB/MiB/GiB suffix", v)
	}
	if n > (1<<62)/mult {
		return 0, fmt.Errorf("size %q: too large", v)
	}
	return n * mult, nil
}
