package server

import (
	"context"
	"errors"
	"net/http"
	"net/http/pprof"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// watchdogMaxAge is how old the hub heartbeat may get before /healthz fails (§9.2).
const watchdogMaxAge = 10 * time.Second

// AdminHandler returns the handler of the admin listener (WIRE.md §9.2): /healthz, /livez,
// /readyz, /metrics and, with Config.AdminPprof, /debug/pprof/. Never expose it publicly.
func (s *Server) AdminHandler() http.Handler {
	mux := http.NewServeMux()
	if err := s.init(); err != nil {
		mux.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) {
			http.Error(w, "relay misconfigured", http.StatusInternalServerError)
		})
		return mux
	}
	live := func(w http.ResponseWriter, _ *http.Request) {
		if age := time.Since(time.Unix(0, s.hub.heartbeat.Load())); age > watchdogMaxAge && !s.stopped.Load() {
			http.Error(w, "hub watchdog stale", http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok"))
	}
	mux.HandleFunc("/healthz", live)
	mux.HandleFunc("/livez", live)
	mux.HandleFunc("/readyz", func(w http.ResponseWriter, r *http.Request) {
		failed := s.readiness(r.Context())
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if len(failed) > 0 {
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte("not ready: " + strings.Join(failed, ",")))
			return
		}
		_, _ = w.Write([]byte("ok"))
	})
	mux.Handle("/metrics", promhttp.HandlerFor(s.reg, promhttp.HandlerOpts{Registry: s.reg}))
	if s.cfg.AdminPprof {
		mux.HandleFunc("/debug/pprof/", pprof.Index)
		mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
		mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
		mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
		mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	}
	return mux
}

// Ready reports whether /readyz would answer 200, and the names of the failing checks.
func (s *Server) Ready(ctx context.Context) (bool, []string) {
	if err := s.init(); err != nil {
		return false, []string{"config"}
	}
	failed := s.readiness(ctx)
	return len(failed) == 0, failed
}

func (s *Server) readiness(ctx context.Context) []string {
	var failed []string
	if s.phase.Load() > 0 || s.stopped.Load() {
		failed = append(failed, "draining")
	}
	if !s.stopped.Load() {
		cctx, cancel := context.WithTimeout(ctx, time.Second)
		err := s.store.Check(cctx)
		cancel()
		if err != nil {
			failed = append(failed, "store")
			// A store may name its failing checks (redisstore: ping, subscription, probe,
			// epoch, backend, store_full); they follow "store" in the /readyz body.
			var nr interface{ NotReadyChecks() []string }
			if errors.As(err, &nr) {
				failed = append(failed, nr.NotReadyChecks()...)
			}
		}
	}
	if max := s.cfg.MaxConns; max > 0 && s.nconns.Load() >= int64(max) {
		failed = append(failed, "max_conns")
	}
	if len(failed) == 0 {
		s.m.ready.Set(1)
	} else {
		s.m.ready.Set(0)
	}
	return failed
}
