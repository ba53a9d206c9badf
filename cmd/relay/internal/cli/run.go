package cli

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/tandem-mpc/tandem/internal/buildinfo"
	"github.com/tandem-mpc/tandem/relay/server"
	"github.com/tandem-mpc/tandem/relay/store"
	"github.com/tandem-mpc/tandem/relay/store/redisstore"
)

// Version is the relay's version, set at build time with
// -ldflags "-X github.com/tandem-mpc/tandem/cmd/relay/internal/cli.Version=v1.2.3".
var Version = ""

func version() string { return buildinfo.Version(Version) }

// Main runs the relay command line: `relay [serve|healthcheck|version] [flags]`. ctx ends on
// the first SIGINT/SIGTERM (graceful shutdown; the caller exits 1 on a second one); hup
// delivers SIGHUP (reload the auth secrets and the TLS certificate). It returns the exit code.
func Main(ctx context.Context, args, environ []string, stdout, stderr io.Writer, hup <-chan os.Signal) int {
	cmd := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "version":
		fmt.Fprintf(stdout, "relay %s %s\n", version(), runtime.Version())
		return 0
	case "serve", "healthcheck":
	default:
		fmt.Fprintf(stderr, "relay: unknown command %q (want serve, healthcheck or version)\n", cmd)
		return 2
	}
	o, warnings, err := Load(args, environ, stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintf(stderr, "relay: %v\n", err)
		return 2
	}
	if cmd == "healthcheck" {
		return healthcheck(ctx, o, stdout, stderr)
	}
	log, err := newLogger(o, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "relay: %v\n", err)
		return 2
	}
	for _, w := range warnings {
		log.Warn(w)
	}
	if err := serve(ctx, o, log, stdout, hup); err != nil {
		log.Error("relay failed", "err", err)
		return 1
	}
	return 0
}

func newLogger(o *Options, w io.Writer) (*slog.Logger, error) {
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(o.LogLevel)); err != nil {
		return nil, fmt.Errorf("--log-level %q: want debug, info, warn or error", o.LogLevel)
	}
	hopts := &slog.HandlerOptions{Level: lvl}
	if o.LogFormat == "text" {
		return slog.New(slog.NewTextHandler(w, hopts)), nil
	}
	return slog.New(slog.NewJSONHandler(w, hopts)), nil
}

// serve runs the relay until ctx ends, then shuts it down gracefully (§9.5).
func serve(ctx context.Context, o *Options, log *slog.Logger, stdout io.Writer, hup <-chan os.Signal) error {
	cfg := o.Server
	cfg.Logger = log
	cfg.Version = version()
	cfg.BackendName = o.Store
	srv := &server.Server{Config: cfg}
	if o.Store == "redis" {
		redisstore.RouteClientLogs(log) // go-redis's own lines (dial failures) at debug level
		factory, err := redisFactory(ctx, o, srv)
		if err != nil {
			return err
		}
		srv.NewStore = factory
	}
	if err := srv.Init(); err != nil {
		return err
	}
	reg := srv.Registry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	log = log.With("instance", srv.EffectiveConfig().InstanceID)

	var cert atomic.Pointer[tls.Certificate]
	loadCert := func() error {
		if o.TLSCert == "" {
			return nil
		}
		c, err := tls.LoadX509KeyPair(o.TLSCert, o.TLSKey)
		if err != nil {
			return fmt.Errorf("tls: %w", err)
		}
		cert.Store(&c)
		return nil
	}
	if err := loadCert(); err != nil {
		_ = srv.Close()
		return err
	}

	// Bind everything first, so that a bad address fails before anything is served.
	var lns []net.Listener
	closeAll := func() {
		for _, ln := range lns {
			_ = ln.Close()
		}
	}
	for _, addr := range o.Listen {
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			closeAll()
			_ = srv.Close()
			return fmt.Errorf("listen %s: %w", addr, err)
		}
		if o.TLSCert != "" {
			ln = tls.NewListener(ln, &tls.Config{
				MinVersion:     tls.VersionTLS12,
				GetCertificate: func(*tls.ClientHelloInfo) (*tls.Certificate, error) { return cert.Load(), nil },
			})
		}
		lns = append(lns, ln)
	}
	var adminLn net.Listener
	if o.Admin != "" {
		ln, err := net.Listen("tcp", o.Admin)
		switch {
		case err == nil:
			adminLn = ln
		case o.AdminExplicit:
			closeAll()
			_ = srv.Close()
			return fmt.Errorf("admin listen %s: %w", o.Admin, err)
		default:
			log.Warn("default admin address unavailable; running without the admin listener", "admin", o.Admin, "err", err)
		}
	}

	var wg sync.WaitGroup
	var bound []string
	for _, ln := range lns {
		hs := &http.Server{Handler: srv, ReadHeaderTimeout: cfg.HandshakeTimeout,
			ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
		srv.RegisterOnShutdown(hs.Shutdown)
		bound = append(bound, ln.Addr().String())
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				log.Error("listener failed", "addr", ln.Addr().String(), "err", err)
			}
		}()
	}
	var adminSrv *http.Server
	adminAddr := ""
	if adminLn != nil {
		adminAddr = adminLn.Addr().String()
		adminSrv = &http.Server{Handler: srv.AdminHandler(), ReadHeaderTimeout: 10 * time.Second}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := adminSrv.Serve(adminLn); err != nil && !errors.Is(err, http.ErrServerClosed) {
				log.Error("admin listener failed", "err", err)
			}
		}()
	}
	log.Info("relay starting", append([]any{"version", version(), "backend", o.Store, "bound", bound,
		"admin_bound", adminAddr}, o.Redacted()...)...)
	for _, a := range bound {
		fmt.Fprintf(stdout, "listening %s\n", a)
	}
	if adminAddr != "" {
		fmt.Fprintf(stdout, "admin %s\n", adminAddr)
	}

	for running := true; running; {
		select {
		case <-ctx.Done():
			running = false
		case <-hup:
			if err := srv.ReloadAuth(); err != nil {
				log.Error("reload auth secrets failed; keeping the old ones", "err", err)
			}
			if err := loadCert(); err != nil {
				log.Error("reload TLS certificate failed; keeping the old one", "err", err)
			}
			log.Info("reloaded on SIGHUP")
		}
	}

	log.Info("shutdown: signal received", "timeout", o.ShutdownTimeout.String())
	sctx, cancel := context.WithTimeout(context.Background(), o.ShutdownTimeout)
	defer cancel()
	err := srv.Shutdown(sctx)
	if adminSrv != nil {
		_ = adminSrv.Shutdown(sctx)
	}
	wg.Wait()
	if err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	log.Info("shutdown complete")
	return nil
}

// redisFactory returns the StoreFactory of --store redis (WIRE.md §8): a redisstore with the
// server's limits, logger and backend metrics. The password comes from --redis-password-file
// when set (it overrides one in the URL).
func redisFactory(ctx context.Context, o *Options, srv *server.Server) (server.StoreFactory, error) {
	password := ""
	if o.RedisPassFile != "" {
		b, err := os.ReadFile(o.RedisPassFile)
		if err != nil {
			return nil, fmt.Errorf("redis password file: %w", err)
		}
		password = strings.TrimRight(string(b), "\r\n")
		if password == "" {
			return nil, errors.New("redis password file is empty")
		}
	}
	return func(sink store.Sink) (store.Store, error) {
		return redisstore.New(ctx, redisstore.Config{
			URL:               o.RedisURL,
			Password:          redisstore.Password(password),
			SentinelMaster:    o.Redis.SentinelMaster,
			SentinelAddrs:     o.Redis.SentinelAddrs,
			ClusterAddrs:      o.Redis.ClusterAddrs,
			Prefix:            o.RedisPrefix,
			Limits:            srv.StoreLimits(),
			OpTimeout:         o.Server.StoreOpTimeout,
			ProbeInterval:     o.Redis.ProbeInterval,
			ReconcileInterval: o.Redis.ReconcileInterval,
			WaitReplicas:      o.Redis.WaitReplicas,
			Logger:            srv.Logger(),
			Metrics:           srv.BackendMetrics(),
		}, sink)
	}, nil
}

// healthcheck GETs /readyz on the admin address: exit 0 when ready, 1 otherwise.
func healthcheck(ctx context.Context, o *Options, stdout, stderr io.Writer) int {
	if o.Admin == "" {
		fmt.Fprintln(stderr, "relay healthcheck: no admin address (--admin is empty)")
		return 1
	}
	host, port, err := net.SplitHostPort(o.Admin)
	if err != nil {
		fmt.Fprintf(stderr, "relay healthcheck: admin address %q: %v\n", o.Admin, err)
		return 1
	}
	switch host {
	case "", "0.0.0.0":
		host = "127.0.0.1"
	case "::":
		host = "::1"
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+net.JoinHostPort(host, port)+"/readyz", nil)
	if err != nil {
		fmt.Fprintf(stderr, "relay healthcheck: %v\n", err)
		return 1
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Fprintf(stderr, "relay healthcheck: %v\n", err)
		return 1
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1024))
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintf(stderr, "relay healthcheck: %d %s\n", resp.StatusCode, strings.TrimSpace(string(body)))
		return 1
	}
	fmt.Fprintln(stdout, "ok")
	return 0
}
