package server

import (
	"log/slog"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/tandem-mpc/tandem/relay/store"
)

// BackendMetrics holds the backend_* collectors of WIRE.md §9.3 that a shared store (Redis)
// feeds. Its method set is the one redisstore.Metrics asks for, so a store built inside a
// StoreFactory can take it without the store package knowing about Prometheus. The
// collectors are registered on the server's registry the first time BackendMetrics is
// called, so a memory-backed relay does not export them.
type BackendMetrics struct {
	up          prometheus.Gauge
	opDuration  *prometheus.HistogramVec
	errors      *prometheus.CounterVec
	probeOK     prometheus.Gauge
	resubscribe prometheus.Counter
	usedMemory  prometheus.Gauge
	inbox       *prometheus.CounterVec
}

func newBackendMetrics(reg *prometheus.Registry) *BackendMetrics {
	b := &BackendMetrics{
		up: prometheus.NewGauge(prometheus.GaugeOpts{Namespace: ns, Name: "backend_up",
			Help: "1 while the store backend answers."}),
		opDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: ns, Name: "backend_op_duration_seconds",
			Help: "Backend operation latency.", Buckets: prometheus.ExponentialBuckets(50e-6, 4, 10)}, []string{"op"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Name: "backend_errors_total",
			Help: "Failed backend operations."}, []string{"op", "kind"}),
		probeOK: prometheus.NewGauge(prometheus.GaugeOpts{Namespace: ns, Name: "backend_probe_ok",
			Help: "1 while the inbox self-probe comes back."}),
		resubscribe: prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Name: "backend_resubscribes_total",
			Help: "Inbox subscriptions re-established."}),
		usedMemory: prometheus.NewGauge(prometheus.GaugeOpts{Namespace: ns, Name: "backend_used_memory_bytes",
			Help: "Redis used_memory."}),
		inbox: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Name: "inbox_messages_total",
			Help: "Inbox messages by kind."}, []string{"kind"}),
	}
	reg.MustRegister(b.up, b.opDuration, b.errors, b.probeOK, b.resubscribe, b.usedMemory, b.inbox)
	for _, k := range []string{"candidate", "probe", "invalid"} {
		b.inbox.WithLabelValues(k)
	}
	return b
}

// ObserveOp records the duration of one backend operation (publish, ask, claim, probe, epoch,
// ping).
func (b *BackendMetrics) ObserveOp(op string, d time.Duration) {
	b.opDuration.WithLabelValues(op).Observe(d.Seconds())
}

// OpError counts a failed backend operation (kind: timeout, conn, oom, script, other).
func (b *BackendMetrics) OpError(op, kind string) { b.errors.WithLabelValues(op, kind).Inc() }

// SetUp sets tandem_relay_backend_up.
func (b *BackendMetrics) SetUp(up bool) { b.up.Set(boolGauge(up)) }

// SetProbeOK sets tandem_relay_backend_probe_ok.
func (b *BackendMetrics) SetProbeOK(ok bool) { b.probeOK.Set(boolGauge(ok)) }

// Resubscribed counts a re-established inbox subscription.
func (b *BackendMetrics) Resubscribed() { b.resubscribe.Inc() }

// SetUsedMemory sets tandem_relay_backend_used_memory_bytes.
func (b *BackendMetrics) SetUsedMemory(n int64) { b.usedMemory.Set(float64(n)) }

// InboxMessage counts an inbox message (candidate, probe, invalid).
func (b *BackendMetrics) InboxMessage(kind string) { b.inbox.WithLabelValues(kind).Inc() }

func boolGauge(v bool) float64 {
	if v {
		return 1
	}
	return 0
}

// backendMetricsOnce guards the lazy registration of BackendMetrics.
type backendMetricsOnce struct {
	once sync.Once
	m    *BackendMetrics
}

// BackendMetrics returns the server's backend_* collectors, registering them on first use.
// Like NewMemoryStore it is meant to be called from inside a StoreFactory (the registry
// exists by then); after Init it may be called from anywhere. Before either it returns
// collectors that are not registered anywhere.
func (s *Server) BackendMetrics() *BackendMetrics {
	s.backend.once.Do(func() {
		reg := s.reg
		if reg == nil {
			reg = prometheus.NewRegistry()
		}
		s.backend.m = newBackendMetrics(reg)
	})
	return s.backend.m
}

// StoreLimits returns the per-id limits of the effective configuration, for a store built
// inside a StoreFactory (the configuration is complete by then).
func (s *Server) StoreLimits() store.Limits {
	return store.Limits{
		MaxCandidates:      s.cfg.MaxCandidates,
		MaxCandidatesPerIP: s.cfg.MaxCandidatesPerIP,
		MaxTTL:             s.cfg.MaxTTL,
	}
}

// Logger returns the server's logger (with its instance attribute), for a store built inside
// a StoreFactory.
func (s *Server) Logger() *slog.Logger { return s.log }
