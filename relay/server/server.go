package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/tandem-mpc/tandem/relay"
	"github.com/tandem-mpc/tandem/relay/store"
	"github.com/tandem-mpc/tandem/relay/store/memstore"
)

// StoreFactory builds the store behind a server. The hub is created first and passed as the
// store's Sink (WIRE.md §6 "Wiring").
type StoreFactory func(sink store.Sink) (store.Store, error)

// ErrServerClosed is returned by ServeLink once the server is shutting down.
var ErrServerClosed = errors.New("server: closed")

// Paths of the public listener (WIRE.md §2.1).
const (
	PathRelay    = "/v1/msg-relay"
	PathMsgStats = "/v1/msg-stats"
)

// Server is the relay: an http.Handler for the public listener (WIRE.md §2.1) with its own
// hub, store and Prometheus registry. The zero value is usable: the defaults of
// DefaultConfig and a memory store are applied on first use. Set the exported fields before
// the first request and do not change them afterwards; or use New, which also reports
// configuration errors.
type Server struct {
	// Config is the configuration; zero fields take their defaults.
	Config Config
	// NewStore builds the store; nil means a memstore configured from Config.
	NewStore StoreFactory

	once    sync.Once
	initErr error

	cfg      Config
	log      *slog.Logger
	reg      *prometheus.Registry
	m        *metrics
	hub      *hub
	store    store.Store
	up       websocket.Upgrader
	adm      *admission
	instance string

	baseCtx context.Context
	cancel  context.CancelFunc

	connMu  sync.Mutex
	conns   map[uint64]*conn
	nconns  atomic.Int64
	closed  bool // no new connections (phase ≥ 2 or Close)
	wg      sync.WaitGroup
	onStop  []func(context.Context) error
	phase   atomic.Int32
	stopped atomic.Bool

	refusals refusalLog
	backend  backendMetricsOnce
}

// New returns a Server with cfg and the store built by newStore (nil: memstore).
func New(cfg Config, newStore StoreFactory) (*Server, error) {
	s := &Server{Config: cfg, NewStore: newStore}
	if err := s.init(); err != nil {
		return nil, err
	}
	return s, nil
}

// Init applies the configuration, builds the hub and the store and starts the hub's
// goroutines. Calling it is optional (the first request or ServeLink does it); it reports a
// configuration error early. Later calls return the first call's result.
func (s *Server) Init() error { return s.init() }

// init applies the defaults, builds the hub and the store and starts the hub's goroutines.
func (s *Server) init() error {
	s.once.Do(func() { s.initErr = s.doInit() })
	return s.initErr
}

func (s *Server) doInit() error {
	s.cfg = s.Config.withDefaults()
	if err := s.cfg.validate(); err != nil {
		return err
	}
	if s.cfg.InstanceID == "" {
		s.cfg.InstanceID = hexID(newConnID())
	}
	s.instance = s.cfg.InstanceID
	s.log = s.cfg.Logger.With("instance", s.instance)
	adm, err := newAdmission(&s.cfg)
	if err != nil {
		return err
	}
	s.adm = adm
	s.conns = make(map[uint64]*conn)
	s.reg = prometheus.NewRegistry()
	s.m = newMetrics(s.reg, s.cfg.Version, s.cfg.BackendName, s.storeStats)
	s.hub = newHub(s)
	factory := s.NewStore
	if factory == nil {
		factory = s.NewMemoryStore
	}
	st, err := factory(s.hub)
	if err != nil {
		return fmt.Errorf("server: store: %w", err)
	}
	if st == nil {
		return errors.New("server: store factory returned nil")
	}
	s.store = st
	s.hub.store = st
	s.up = websocket.Upgrader{
		ReadBufferSize:    4096,
		WriteBufferSize:   4096,
		WriteBufferPool:   &sync.Pool{},
		EnableCompression: false,
		HandshakeTimeout:  s.cfg.HandshakeTimeout,
		CheckOrigin:       func(*http.Request) bool { return true }, // checked before the upgrade
		Error: func(w http.ResponseWriter, _ *http.Request, status int, _ error) {
			http.Error(w, http.StatusText(status), status) // never echo the reason
		},
	}
	s.baseCtx, s.cancel = context.WithCancel(context.Background())
	s.hub.start()
	s.m.ready.Set(1)
	return nil
}

// NewMemoryStore builds a memory store from the server's effective limits, with the server's
// expiry metrics. It is the default StoreFactory, and is meant to be called only from inside a
// StoreFactory (the configuration is complete by then); relaytest uses it to rebuild the store
// on Restart.
func (s *Server) NewMemoryStore(sink store.Sink) (store.Store, error) {
	maxBytes := s.cfg.MaxStoredBytes
	if maxBytes == 0 {
		maxBytes = -1
	}
	return memstore.New(memstore.Config{
		Limits: store.Limits{
			MaxCandidates:      s.cfg.MaxCandidates,
			MaxCandidatesPerIP: s.cfg.MaxCandidatesPerIP,
			MaxTTL:             s.cfg.MaxTTL,
		},
		MaxStoredBytes: maxBytes,
		ReadyFraction:  s.cfg.ReadyStoreFraction,
		SweepInterval:  s.cfg.SweepInterval,
		OnExpire:       s.onStoreExpire,
	}, sink), nil
}

// onStoreExpire feeds the expiry metrics from the memory store's sweeper.
func (s *Server) onStoreExpire(kind string, lag time.Duration) {
	s.m.expired.WithLabelValues(kind).Inc()
	s.m.expiryLag.Observe(lag.Seconds())
}

func (s *Server) storeStats() (float64, float64, float64) {
	if s.store == nil {
		return 0, 0, 0
	}
	st := s.store.Stats()
	return float64(st.StoredBytes), float64(st.StoredCandidates), float64(st.StoredIDs)
}

// Registry returns the server's Prometheus registry (Appendix Y.6). cmd/relay adds the Go and
// process collectors to it.
func (s *Server) Registry() *prometheus.Registry {
	if err := s.init(); err != nil {
		return prometheus.NewRegistry()
	}
	return s.reg
}

// Store returns the server's store (nil if the server failed to initialise).
func (s *Server) Store() store.Store {
	if s.init() != nil {
		return nil
	}
	return s.store
}

// EffectiveConfig returns the configuration with every default applied.
func (s *Server) EffectiveConfig() Config {
	_ = s.init()
	return s.cfg
}

// Features returns what the server advertises in the Tandem-Relay header (§2.1).
func (s *Server) Features() relay.Features {
	if s.init() != nil {
		return relay.Features{}
	}
	return s.features()
}

func (s *Server) features() relay.Features {
	return relay.Features{
		Version:    1,
		Candidates: s.cfg.MaxCandidates,
		MaxFrame:   s.cfg.MaxFrameBytes,
		MaxTTL:     s.cfg.MaxTTL,
		MaxAsks:    s.cfg.MaxPendingAsks,
		Unask:      true,
	}
}

// ServeHTTP serves the public listener (WIRE.md §2.1).
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := s.init(); err != nil {
		http.Error(w, "relay misconfigured", http.StatusInternalServerError)
		return
	}
	switch r.URL.Path {
	case "/":
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		h := w.Header()
		h.Set("Content-Type", "text/plain; charset=utf-8")
		h.Set("Access-Control-Allow-Origin", "*")
		h.Set("Content-Length", "2")
		w.WriteHeader(http.StatusOK)
		if r.Method == http.MethodGet {
			_, _ = w.Write([]byte("ok"))
		}
	case PathRelay:
		s.serveUpgrade(w, r)
	case PathMsgStats:
		if !s.cfg.CompatMsgStats || s.cfg.BackendName != "memory" || r.Method != http.MethodGet {
			http.NotFound(w, r)
			return
		}
		st := s.store.Stats()
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = fmt.Fprintf(w, "%d %d", st.StoredBytes, st.StoredCandidates)
	default:
		http.NotFound(w, r)
	}
}

// serveUpgrade runs admission (§4) and upgrades to the relay protocol.
func (s *Server) serveUpgrade(w http.ResponseWriter, r *http.Request) {
	m := s.m
	if r.Method != http.MethodGet || !websocket.IsWebSocketUpgrade(r) {
		m.handshakeRejected.WithLabelValues("bad_request").Inc()
		http.Error(w, "websocket upgrade required", http.StatusBadRequest)
		return
	}
	ip := s.adm.clientIP(r)
	prefix := s.adm.prefix(ip)
	reject := func(reason string, status int, retryAfter int) {
		m.handshakeRejected.WithLabelValues(reason).Inc()
		s.refused("handshake_"+reason, status, "")
		if retryAfter > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(retryAfter))
		}
		if status == http.StatusUnauthorized {
			w.Header().Set("WWW-Authenticate", `Bearer realm="tandem-relay"`)
		}
		http.Error(w, http.StatusText(status), status)
	}
	// An upgrade in flight counts as a connection for Shutdown: otherwise a handshake that
	// completes while the connections are being closed is never closed with 1001, and the
	// process can exit before its handler writes anything (the client sees EOF).
	s.connMu.Lock()
	if s.closed {
		s.connMu.Unlock()
		reject("draining", http.StatusServiceUnavailable, 1)
		return
	}
	s.wg.Add(1)
	s.connMu.Unlock()
	defer s.wg.Done()
	if !s.adm.originAllowed(r.Header.Get("Origin")) {
		reject("origin", http.StatusForbidden, 0)
		return
	}
	sub, ok := s.adm.authenticate(r)
	if !ok {
		reject("auth", http.StatusUnauthorized, 0)
		return
	}
	if !s.adm.handshakeAllowed(prefix) {
		m.ratelimited.WithLabelValues("handshake").Inc()
		reject("rate", http.StatusTooManyRequests, 1)
		return
	}
	if max := s.cfg.MaxConns; max > 0 && s.nconns.Load() >= int64(max) {
		reject("conn_limit", http.StatusServiceUnavailable, 1)
		return
	}
	if !s.adm.acquireIP(prefix) {
		reject("ip_limit", http.StatusTooManyRequests, 5)
		return
	}
	hdr := http.Header{}
	hdr.Set(relay.FeaturesHeader, s.features().String())
	hj := &batchHijacker{ResponseWriter: w}
	ws, err := s.up.Upgrade(hj, r, hdr)
	if err != nil {
		s.adm.releaseIP(prefix)
		m.handshakeRejected.WithLabelValues("bad_request").Inc()
		return
	}
	info := ConnInfo{IP: ip, Remote: r.RemoteAddr, AuthSub: sub, prefix: prefix}
	link := newWSLink(ws, hj.conn, s)
	if err := s.serveConn(s.baseCtx, link, info, true); err != nil {
		_ = link.Close(relay.CloseGoingAway, relay.CloseReason(relay.CloseGoingAway))
		_ = ws.NetConn().Close()
	}
}

// ServeLink runs the relay protocol over link until it ends, with the same hub and store as
// the WebSocket path: this is how relaytest's in-memory links get identical semantics. The
// handshake admission checks of §4 (auth, origin, connection and handshake limits) are the
// caller's business; info.IP is used for the per-IP limits of §3.3 and §4.1. The connection
// ends when the peer closes, on a limit, or when ctx is cancelled (close 1001).
func (s *Server) ServeLink(ctx context.Context, link relay.Link, info ConnInfo) error {
	if err := s.init(); err != nil {
		return err
	}
	info.prefix = s.adm.prefix(info.IP)
	return s.serveConn(ctx, link, info, false)
}

func (s *Server) serveConn(ctx context.Context, link relay.Link, info ConnInfo, ipHeld bool) error {
	id := newConnID()
	info.ID = hexID(id)
	c := &conn{
		s: s, link: link, info: info, id: id, idHex: info.ID,
		contributor: s.instance + "/" + info.ID,
		ctx:         ctx, start: time.Now(),
		waiters: make(map[relay.MsgID]*waiter),
		notify:  make(chan struct{}, 1),
		closeCh: make(chan struct{}),
	}
	c.lastData.Store(c.start.UnixNano())
	s.connMu.Lock()
	if s.closed {
		s.connMu.Unlock()
		if ipHeld {
			s.adm.releaseIP(info.prefix)
		}
		_ = link.Close(relay.CloseGoingAway, relay.CloseReason(relay.CloseGoingAway))
		return ErrServerClosed
	}
	if !ipHeld {
		s.adm.forceIP(info.prefix)
	}
	s.conns[id] = c
	s.nconns.Add(1)
	s.wg.Add(1)
	s.connMu.Unlock()
	defer s.wg.Done()
	s.m.accepted.Inc()
	s.m.connections.Inc()
	if s.log.Enabled(ctx, slog.LevelDebug) {
		s.log.Debug("connection open", "conn", c.idHex)
	}
	c.serve()
	return nil
}

// forgetConn drops c from the connection table and releases its per-IP count.
func (s *Server) forgetConn(c *conn) {
	s.connMu.Lock()
	delete(s.conns, c.id)
	s.connMu.Unlock()
	s.nconns.Add(-1)
	s.m.connections.Dec()
	s.adm.releaseIP(c.info.prefix)
}

func (s *Server) connSnapshot() []*conn {
	s.connMu.Lock()
	defer s.connMu.Unlock()
	out := make([]*conn, 0, len(s.conns))
	for _, c := range s.conns {
		out = append(out, c)
	}
	return out
}

// Connections returns the number of open relay connections.
func (s *Server) Connections() int { return int(s.nconns.Load()) }

// CloseConnections closes every connection whose ConnInfo matches, with code and its reason
// text; relay.CloseAbnormal drops the transport without a close frame (tests' fault drills).
// It returns the number of connections it closed.
func (s *Server) CloseConnections(match func(ConnInfo) bool, code int) int {
	if s.init() != nil {
		return 0
	}
	n := 0
	for _, c := range s.connSnapshot() {
		if match == nil || match(c.info) {
			reason := reasonShutdown
			if code == relay.CloseAbnormal {
				reason = reasonReadError
			}
			c.closeWith(code, reason)
			n++
		}
	}
	return n
}
