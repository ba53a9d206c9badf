package server

import (
	"runtime"

	"github.com/prometheus/client_golang/prometheus"
)

const ns = "tandem_relay"

// metrics are the collectors of WIRE.md §9.3 that apply to a single instance with the memory
// backend. Every Server registers them on its own registry (Appendix Y.6). Labels have low
// cardinality: never an id, an address or a subject.
type metrics struct {
	buildInfo         *prometheus.GaugeVec
	ready             prometheus.Gauge
	connections       prometheus.Gauge
	accepted          prometheus.Counter
	handshakeRejected *prometheus.CounterVec
	disconnects       *prometheus.CounterVec
	connDuration      prometheus.Histogram
	framesReceived    *prometheus.CounterVec
	framesSent        prometheus.Counter
	receivedBytes     prometheus.Counter
	sentBytes         prometheus.Counter
	publishBytes      prometheus.Histogram
	publish           *prometheus.CounterVec
	ask               *prometheus.CounterVec
	ttlClamped        *prometheus.CounterVec
	pendingAsks       prometheus.Gauge
	deliveries        *prometheus.CounterVec
	deliverEnqueue    *prometheus.HistogramVec
	sendQueueWait     prometheus.Histogram
	askWait           prometheus.Histogram
	claims            *prometheus.CounterVec
	expired           *prometheus.CounterVec
	expiryLag         prometheus.Histogram
	ratelimited       *prometheus.CounterVec
	reconcileIDs      prometheus.Counter
	reconcileRuns     *prometheus.CounterVec
	storeResets       prometheus.Counter
	shutdownPhase     prometheus.Gauge
	panics            prometheus.Counter
}

func newMetrics(reg *prometheus.Registry, version, backend string, stats func() (bytes, cands, ids float64)) *metrics {
	f := func(c prometheus.Collector) { reg.MustRegister(c) }
	m := &metrics{
		buildInfo: prometheus.NewGaugeVec(prometheus.GaugeOpts{Namespace: ns, Name: "build_info",
			Help: "Build information (always 1)."}, []string{"version", "go_version", "backend"}),
		ready: prometheus.NewGauge(prometheus.GaugeOpts{Namespace: ns, Name: "ready",
			Help: "1 when /readyz would answer 200."}),
		connections: prometheus.NewGauge(prometheus.GaugeOpts{Namespace: ns, Name: "connections",
			Help: "Open relay connections."}),
		accepted: prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Name: "connections_accepted_total",
			Help: "Relay connections accepted."}),
		handshakeRejected: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Name: "handshake_rejected_total",
			Help: "Upgrade requests refused before the upgrade."}, []string{"reason"}),
		disconnects: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Name: "disconnects_total",
			Help: "Connections ended, by reason."}, []string{"reason"}),
		connDuration: prometheus.NewHistogram(prometheus.HistogramOpts{Namespace: ns, Name: "connection_duration_seconds",
			Help: "Connection lifetimes.", Buckets: prometheus.ExponentialBuckets(0.1, 4, 10)}),
		framesReceived: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Name: "frames_received_total",
			Help: "Data frames received, by class."}, []string{"kind"}),
		framesSent: prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Name: "frames_sent_total",
			Help: "Data frames written."}),
		receivedBytes: prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Name: "received_bytes_total",
			Help: "Bytes of data frames received."}),
		sentBytes: prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Name: "sent_bytes_total",
			Help: "Bytes of data frames written."}),
		publishBytes: prometheus.NewHistogram(prometheus.HistogramOpts{Namespace: ns, Name: "publish_frame_bytes",
			Help: "Sizes of PUB frames.", Buckets: prometheus.ExponentialBuckets(64, 4, 10)}),
		publish: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Name: "publish_total",
			Help: "PUB frames by result."}, []string{"result"}),
		ask: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Name: "ask_total",
			Help: "ASK and UNASK frames by result."}, []string{"result"}),
		ttlClamped: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Name: "ttl_clamped_total",
			Help: "TTLs clamped to max-ttl."}, []string{"kind"}),
		pendingAsks: prometheus.NewGauge(prometheus.GaugeOpts{Namespace: ns, Name: "pending_asks",
			Help: "Local live waiters."}),
		deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Name: "deliveries_total",
			Help: "Frames enqueued to waiters, by path."}, []string{"path"}),
		deliverEnqueue: prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: ns, Name: "deliver_enqueue_seconds",
			Help: "Frame read to enqueued on a waiter.", Buckets: prometheus.ExponentialBuckets(50e-6, 4, 10)}, []string{"path"}),
		sendQueueWait: prometheus.NewHistogram(prometheus.HistogramOpts{Namespace: ns, Name: "send_queue_wait_seconds",
			Help: "Enqueued to written.", Buckets: prometheus.ExponentialBuckets(50e-6, 4, 10)}),
		askWait: prometheus.NewHistogram(prometheus.HistogramOpts{Namespace: ns, Name: "ask_wait_seconds",
			Help: "ASK to first delivery for that waiter.", Buckets: prometheus.ExponentialBuckets(1e-3, 4, 10)}),
		claims: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Name: "one_receiver_claims_total",
			Help: "ONE_RECEIVER claims by result."}, []string{"result"}),
		expired: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Name: "expired_total",
			Help: "Items removed at their deadline."}, []string{"kind"}),
		expiryLag: prometheus.NewHistogram(prometheus.HistogramOpts{Namespace: ns, Name: "expiry_lag_seconds",
			Help: "Sweep time minus deadline.", Buckets: prometheus.ExponentialBuckets(1e-3, 2.5, 10)}),
		ratelimited: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Name: "ratelimited_total",
			Help: "Rate-limit refusals."}, []string{"scope"}),
		reconcileIDs: prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Name: "reconcile_ids_total",
			Help: "Ids re-asked by a resync."}),
		reconcileRuns: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Name: "reconcile_runs_total",
			Help: "Resyncs by trigger."}, []string{"trigger"}),
		storeResets: prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Name: "store_resets_total",
			Help: "Store resets reported by the backend."}),
		shutdownPhase: prometheus.NewGauge(prometheus.GaugeOpts{Namespace: ns, Name: "shutdown_phase",
			Help: "0 running, 1 not-ready delay, 2 draining, 3 closing store."}),
		panics: prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Name: "panics_total",
			Help: "Panics recovered in connection handlers."}),
	}
	for _, c := range []prometheus.Collector{m.buildInfo, m.ready, m.connections, m.accepted,
		m.handshakeRejected, m.disconnects, m.connDuration, m.framesReceived, m.framesSent,
		m.receivedBytes, m.sentBytes, m.publishBytes, m.publish, m.ask, m.ttlClamped, m.pendingAsks,
		m.deliveries, m.deliverEnqueue, m.sendQueueWait, m.askWait, m.claims, m.expired,
		m.expiryLag, m.ratelimited, m.reconcileIDs, m.reconcileRuns, m.storeResets, m.shutdownPhase, m.panics} {
		f(c)
	}
	if backend == "memory" { // a shared store (Redis) cannot know these counts (§9.3)
		f(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Namespace: ns, Name: "stored_bytes",
			Help: "Bytes held by stored candidates (frame + 128)."}, func() float64 { b, _, _ := stats(); return b }))
		f(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Namespace: ns, Name: "stored_candidates",
			Help: "Stored candidates."}, func() float64 { _, c, _ := stats(); return c }))
		f(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Namespace: ns, Name: "stored_ids",
			Help: "Ids with stored candidates."}, func() float64 { _, _, i := stats(); return i }))
	}
	m.buildInfo.WithLabelValues(version, runtime.Version(), backend).Set(1)
	// Pre-create the label values so that dashboards see zeros.
	for _, r := range []string{"auth", "origin", "ip_limit", "conn_limit", "rate", "draining", "bad_request"} {
		m.handshakeRejected.WithLabelValues(r)
	}
	for _, r := range []string{reasonClientClose, reasonReadError, reasonReadTimeout, reasonSlowConsumer,
		reasonFrameTooBig, reasonAskLimit, reasonIdle, reasonRateLimited, reasonStoreFull, reasonIPQuota,
		reasonBackendUnavailable, reasonStoreReset, reasonInternal, reasonShutdown} {
		m.disconnects.WithLabelValues(r)
	}
	for _, k := range []string{"ask", "unask", "publish", "short", "text"} {
		m.framesReceived.WithLabelValues(k)
	}
	return m
}

// Disconnect reasons (the `reason` label of tandem_relay_disconnects_total).
const (
	reasonClientClose        = "client_close"
	reasonReadError          = "read_error"
	reasonReadTimeout        = "read_timeout"
	reasonSlowConsumer       = "slow_consumer"
	reasonFrameTooBig        = "frame_too_big"
	reasonAskLimit           = "ask_limit"
	reasonIdle               = "idle"
	reasonRateLimited        = "rate_limited"
	reasonStoreFull          = "store_full"
	reasonIPQuota            = "ip_quota"
	reasonBackendUnavailable = "backend_unavailable"
	reasonStoreReset         = "store_reset"
	reasonInternal           = "internal"
	reasonShutdown           = "shutdown"
)
