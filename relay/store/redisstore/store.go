package redisstore

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/tandem-mpc/tandem/relay"
	"github.com/tandem-mpc/tandem/relay/store"
)

// ErrInvalidRequest is returned for a PublishRequest the hub could never have built (a frame
// shorter than the 36-byte header, a negative TTL).
var ErrInvalidRequest = errors.New("redisstore: invalid request")

// Store is the Redis backend of the relay (WIRE.md §8). It implements store.Store; every
// method is safe for concurrent use.
type Store struct {
	cfg       Config
	n         int
	client    redis.UniversalClient
	ownClient bool
	sink      store.Sink
	log       *slog.Logger
	m         Metrics
	instance  string
	inbox     string // Pinbox:<instance>
	inboxPfx  string // Pinbox:
	epochKey  string

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	once   sync.Once

	psMu       sync.Mutex
	ps         *redis.PubSub
	forced     atomic.Bool // the probe closed the subscription on purpose
	subscribed atomic.Bool
	subReady   chan struct{} // closed at the first confirmed subscription
	subOnce    sync.Once

	probeOK   atomic.Bool
	heard     atomic.Int64 // unix nanos: last own probe heard (or subscription confirmed)
	nonceMu   sync.Mutex
	nonces    [4][16]byte
	nonceNext int
	blackhole atomic.Bool // test hook: drop every inbox message until re-subscribed

	epochMu    sync.Mutex
	epoch      string
	epochKnown atomic.Bool

	lastPing atomic.Int64 // unix nanos of the last successful PING
	failures atomic.Int32 // consecutive failed commands
	down     atomic.Bool
	oom      atomic.Bool
}

var _ store.Store = (*Store)(nil)

// New connects to Redis, subscribes to this instance's inbox and reads (or creates) the epoch
// (§8.6, §8.7). It waits for the subscription and the epoch until ctx ends or the op timeout
// passes; if Redis is not reachable by then it logs a warning and keeps trying in the
// background (the store reports not ready meanwhile). It fails only on a configuration error.
func New(ctx context.Context, cfg Config, sink store.Sink) (*Store, error) {
	if sink == nil {
		return nil, errors.New("redisstore: nil sink")
	}
	cfg, err := cfg.normalized()
	if err != nil {
		return nil, err
	}
	s := &Store{cfg: cfg, n: cfg.Limits.MaxCandidates, sink: sink, m: cfg.Metrics, subReady: make(chan struct{})}
	if cfg.Client != nil {
		s.client = cfg.Client
	} else {
		c, err := cfg.newClient()
		if err != nil {
			return nil, err
		}
		s.client, s.ownClient = c, true
	}
	s.instance = cfg.InstanceID
	if s.instance == "" {
		s.instance = randomHex(16)
	}
	s.log = cfg.Logger.With("component", "redisstore", "redis_instance", s.instance)
	s.inboxPfx = cfg.Prefix + "inbox:"
	s.inbox = s.inboxPfx + s.instance
	s.epochKey = cfg.Prefix + "epoch"
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.m.SetUp(false)
	s.m.SetProbeOK(false)
	s.heard.Store(time.Now().UnixNano())

	s.wg.Add(2)
	go s.listen()
	go s.housekeeping()

	wctx, cancel := context.WithTimeout(ctx, cfg.OpTimeout)
	defer cancel()
	select {
	case <-s.subReady:
		if err := s.checkEpoch(wctx); err != nil {
			s.log.Warn("redis epoch not read yet; retrying in the background", "err", err)
		}
		s.ping(wctx)
		s.checkPolicy(wctx)
		s.pollMemory(wctx)
	case <-wctx.Done():
		s.log.Warn("redis not reachable at start; retrying in the background")
	}
	return s, nil
}

// Instance returns this instance's id (the name of its inbox).
func (s *Store) Instance() string { return s.instance }

// Publish implements store.Store with the publish script of §8.3.
func (s *Store) Publish(ctx context.Context, req *store.PublishRequest) (store.PublishStatus, error) {
	if req == nil || len(req.Frame) < relay.HeaderSize || req.TTL < 0 {
		return 0, ErrInvalidRequest
	}
	ttl := s.clamp(req.TTL)
	ip := ""
	if req.From.IP.IsValid() {
		ip = req.From.IP.Masked().String()
	}
	args := []any{req.Frame, req.Digest[:], ttlMillis(ttl), connKey(req.From.Conn), ip,
		s.cfg.Limits.MaxCandidatesPerIP, s.inboxPfx, s.instance}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.OpTimeout)
	defer cancel()
	start := time.Now()
	reply, err := s.runPublish(ctx, s.keysOf(req.ID).all, args)
	s.m.ObserveOp("publish", time.Since(start))
	if err != nil {
		e := s.fail("publish", err)
		if e.Kind == kindOOM {
			s.oom.Store(true)
		}
		return 0, e
	}
	s.succeed()
	status, slot, mine, err := parsePublishReply(reply, s.n)
	if err != nil {
		s.m.OpError("publish", kindScript)
		return 0, &BackendError{Op: "publish", Kind: kindScript, Err: err}
	}
	if status == store.Stored {
		s.oom.Store(false)
	}
	if mine {
		s.sink.Deliver(req.ID, store.Candidate{Frame: req.Frame, Digest: req.Digest, Slot: slot,
			OneReceiver: binary.LittleEndian.Uint16(req.Frame[34:36])&relay.FlagOneReceiver != 0})
	}
	return status, nil
}

// runPublish runs the publish script, pipelined with WAIT when WaitReplicas > 0 (§8.7: WAIT
// counts the writes of its own connection, so it must follow the script on the same one).
func (s *Store) runPublish(ctx context.Context, ks []string, args []any) (any, error) {
	if s.cfg.WaitReplicas <= 0 {
		return publishScript.Run(ctx, s.client, ks, args...).Result()
	}
	run := func(eval bool) (any, error) {
		var cmd *redis.Cmd
		_, err := s.client.Pipelined(ctx, func(p redis.Pipeliner) error {
			if eval {
				cmd = publishScript.Eval(ctx, p, ks, args...)
			} else {
				cmd = publishScript.EvalSha(ctx, p, ks, args...)
			}
			p.Do(ctx, "WAIT", s.cfg.WaitReplicas, 50)
			return nil
		})
		if cmd != nil && cmd.Err() != nil {
			return nil, cmd.Err()
		}
		if err != nil {
			return nil, err
		}
		return cmd.Result()
	}
	v, err := run(false)
	if err != nil && redis.HasErrorPrefix(err, "NOSCRIPT") {
		return run(true)
	}
	return v, err
}

// Ask implements store.Store with the ask script of §8.3.
func (s *Store) Ask(ctx context.Context, id relay.MsgID, ttl time.Duration) ([]store.Candidate, error) {
	if ttl < 0 {
		ttl = 0
	}
	ttl = s.clamp(ttl)
	ctx, cancel := context.WithTimeout(ctx, s.cfg.OpTimeout)
	defer cancel()
	start := time.Now()
	reply, err := askScript.Run(ctx, s.client, s.keysOf(id).all, s.instance, ttlMillis(ttl)).Result()
	s.m.ObserveOp("ask", time.Since(start))
	if err != nil {
		e := s.fail("ask", err)
		if e.Kind == kindOOM { // the ask could not register: the hub keeps the waiter unsynced
			e.Err = errors.Join(store.ErrUnavailable, e.Err)
		}
		return nil, e
	}
	s.succeed()
	cands, err := parseAskReply(reply, s.n)
	if err != nil {
		s.m.OpError("ask", kindScript)
		return nil, &BackendError{Op: "ask", Kind: kindScript, Err: err}
	}
	return cands, nil
}

// Claim implements store.Store with the claim script of §8.3.
func (s *Store) Claim(ctx context.Context, id relay.MsgID, slot uint8, digest [32]byte) (bool, error) {
	if slot < 1 || int(slot) > s.n {
		return false, nil
	}
	ks := s.keysOf(id)
	ctx, cancel := context.WithTimeout(ctx, s.cfg.OpTimeout)
	defer cancel()
	start := time.Now()
	v, err := claimScript.Run(ctx, s.client, []string{ks.m(), ks.c(int(slot))},
		strconv.Itoa(int(slot)), digest[:]).Int64()
	s.m.ObserveOp("claim", time.Since(start))
	if err != nil {
		return false, s.fail("claim", err)
	}
	s.succeed()
	return v == 1, nil
}

// Check implements store.Store: ready when a PING succeeded within PingFreshness, the inbox
// subscription is confirmed, the last self-probe came back, the epoch is known, the last
// commands did not fail twice in a row, and the last publish was not refused for memory
// (§9.2, §8.9). The error lists the failing checks.
func (s *Store) Check(context.Context) error {
	var failed []string
	if time.Since(time.Unix(0, s.lastPing.Load())) > PingFreshness {
		failed = append(failed, "ping")
	}
	if !s.subscribed.Load() {
		failed = append(failed, "subscription")
	}
	if !s.probeOK.Load() {
		failed = append(failed, "probe")
	}
	if !s.epochKnown.Load() {
		failed = append(failed, "epoch")
	}
	if s.failures.Load() >= 2 {
		failed = append(failed, "backend")
	}
	if s.oom.Load() {
		failed = append(failed, "store_full")
	}
	if len(failed) == 0 {
		return nil
	}
	return &NotReadyError{Checks: failed}
}

// Stats implements store.Store. The counts live in Redis and are shared by every instance,
// so the store reports them as unknown (-1); see tandem_relay_backend_used_memory_bytes.
func (s *Store) Stats() store.Stats {
	return store.Stats{StoredBytes: -1, StoredCandidates: -1, StoredIDs: -1}
}

// Close unsubscribes, stops the store's goroutines and closes the client it created. Stored
// data stays in Redis. It is idempotent.
func (s *Store) Close() error {
	var err error
	s.once.Do(func() {
		s.cancel()
		s.psMu.Lock()
		if s.ps != nil {
			_ = s.ps.Close()
		}
		s.psMu.Unlock()
		s.wg.Wait()
		if s.ownClient {
			err = s.client.Close()
		}
	})
	return err
}

func (s *Store) clamp(ttl time.Duration) time.Duration {
	if m := s.cfg.Limits.MaxTTL; m > 0 && ttl > m {
		return m
	}
	return ttl
}

// ttlMillis converts a TTL to whole milliseconds, rounding a positive sub-millisecond TTL up.
func ttlMillis(ttl time.Duration) int64 {
	if ttl <= 0 {
		return 0
	}
	return max(1, int64((ttl+time.Millisecond-1)/time.Millisecond))
}

// connKey fits a contributor connection id into the u8 length field of the meta value.
func connKey(conn string) string {
	if len(conn) <= 255 {
		return conn
	}
	sum := sha256.Sum256([]byte(conn))
	return hex.EncodeToString(sum[:])
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go ≥ 1.24)
	return hex.EncodeToString(b)
}

// AskBatch runs the ask script for every id in one pipeline (one round trip; the hub's
// Resync uses it in batches of 128, §6). results[i] and errs[i] belong to ids[i]; an id whose
// script failed has a nil result and its error.
func (s *Store) AskBatch(ctx context.Context, ids []relay.MsgID, ttls []time.Duration) ([][]store.Candidate, []error) {
	results := make([][]store.Candidate, len(ids))
	errs := make([]error, len(ids))
	if len(ids) != len(ttls) {
		for i := range errs {
			errs[i] = ErrInvalidRequest
		}
		return results, errs
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.OpTimeout)
	defer cancel()
	run := func(eval bool) ([]*redis.Cmd, error) {
		cmds := make([]*redis.Cmd, len(ids))
		_, err := s.client.Pipelined(ctx, func(p redis.Pipeliner) error {
			for i, id := range ids {
				ttl := s.clamp(max(ttls[i], 0))
				if eval {
					cmds[i] = askScript.Eval(ctx, p, s.keysOf(id).all, s.instance, ttlMillis(ttl))
				} else {
					cmds[i] = askScript.EvalSha(ctx, p, s.keysOf(id).all, s.instance, ttlMillis(ttl))
				}
			}
			return nil
		})
		return cmds, err
	}
	start := time.Now()
	cmds, err := run(false)
	if err != nil && redis.HasErrorPrefix(err, "NOSCRIPT") {
		cmds, err = run(true)
	}
	s.m.ObserveOp("ask", time.Since(start))
	failed := false
	for i, cmd := range cmds {
		if cmd == nil {
			errs[i] = s.fail("ask", err)
			failed = true
			continue
		}
		reply, cerr := cmd.Result()
		if cerr != nil {
			errs[i] = s.fail("ask", cerr)
			failed = true
			continue
		}
		cands, perr := parseAskReply(reply, s.n)
		if perr != nil {
			s.m.OpError("ask", kindScript)
			errs[i] = &BackendError{Op: "ask", Kind: kindScript, Err: perr}
			continue
		}
		results[i] = cands
	}
	if !failed && len(ids) > 0 {
		s.succeed()
	}
	return results, errs
}
