package redisstore

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/tandem-mpc/tandem/relay"
	"github.com/tandem-mpc/tandem/relay/store"
)

// inboxMsg is one parsed inbox message (§8.4).
type inboxMsg struct {
	kind  byte // inboxCandidate or inboxProbe; 0 = invalid
	id    relay.MsgID
	cand  store.Candidate
	nonce [16]byte
}

// parseInbox parses an inbox message: 0x01 ‖ slot ‖ digest(32) ‖ frame (a frame of at least
// the 36-byte header; slot ≤ n), or 0x02 ‖ nonce(16). Anything else is invalid (kind 0).
func parseInbox(payload string, n int) inboxMsg {
	if len(payload) == 0 {
		return inboxMsg{}
	}
	switch payload[0] {
	case inboxCandidate:
		if len(payload) < 2+sha256.Size+relay.HeaderSize || int(payload[1]) > n {
			return inboxMsg{}
		}
		m := inboxMsg{kind: inboxCandidate}
		m.cand.Slot = payload[1]
		copy(m.cand.Digest[:], payload[2:2+sha256.Size])
		m.cand.Frame = []byte(payload[2+sha256.Size:])
		copy(m.id[:], m.cand.Frame[:32])
		m.cand.OneReceiver = binary.LittleEndian.Uint16(m.cand.Frame[34:36])&relay.FlagOneReceiver != 0
		return m
	case inboxProbe:
		if len(payload) != 1+16 {
			return inboxMsg{}
		}
		m := inboxMsg{kind: inboxProbe}
		copy(m.nonce[:], payload[1:])
		return m
	}
	return inboxMsg{}
}

// listen owns the inbox subscription (§8.6): it subscribes, hands candidates to the Sink,
// acknowledges probes, and calls Resync after every re-subscription (go-redis re-subscribes
// on its own after a connection loss; the probe forces a new subscription when it stops
// hearing itself).
func (s *Store) listen() {
	defer s.wg.Done()
	reason := "" // the first subscription needs no Resync
	for s.ctx.Err() == nil {
		ps := s.client.Subscribe(s.ctx)
		s.psMu.Lock()
		if s.ctx.Err() != nil {
			s.psMu.Unlock()
			_ = ps.Close()
			return
		}
		s.ps = ps
		s.psMu.Unlock()
		s.forced.Store(false)
		if err := ps.Subscribe(s.ctx, s.inbox); err != nil {
			s.log.Debug("inbox subscribe failed", "err", err)
		}
		reason = s.receive(ps, reason)
		_ = ps.Close()
		s.subscribed.Store(false)
		if s.ctx.Err() == nil {
			s.sleep(100 * time.Millisecond)
		}
	}
}

// receive reads ps until it is closed (by the probe or by Close). It returns the Resync
// reason for the next subscription.
func (s *Store) receive(ps *redis.PubSub, reason string) string {
	backoff := 50 * time.Millisecond
	for {
		msg, err := ps.Receive(s.ctx)
		if err != nil {
			if s.ctx.Err() != nil {
				return reason
			}
			if s.forced.Load() || errors.Is(err, redis.ErrClosed) {
				return "probe"
			}
			if s.subscribed.Swap(false) {
				s.log.Warn("redis inbox subscription lost", "err", err)
			}
			reason = "resubscribe"
			s.sleep(backoff)
			backoff = min(2*backoff, time.Second)
			continue
		}
		backoff = 50 * time.Millisecond
		switch m := msg.(type) {
		case *redis.Subscription:
			if m.Kind != "subscribe" || m.Channel != s.inbox {
				continue
			}
			s.blackhole.Store(false)
			s.heard.Store(time.Now().UnixNano())
			s.subscribed.Store(true)
			s.subOnce.Do(func() { close(s.subReady) })
			if reason != "" {
				s.m.Resubscribed()
				s.log.Info("redis inbox resubscribed", "trigger", reason)
				ctx, cancel := s.opCtx()
				_ = s.checkEpoch(ctx)
				cancel()
				s.sink.Resync(reason)
			}
			reason = "resubscribe"
		case *redis.Message:
			if s.blackhole.Load() {
				continue
			}
			s.handle(m.Payload)
		}
	}
}

// handle processes one inbox payload. It never blocks: Sink.Deliver must not.
func (s *Store) handle(payload string) {
	m := parseInbox(payload, s.n)
	switch m.kind {
	case inboxCandidate:
		s.m.InboxMessage("candidate")
		s.sink.Deliver(m.id, m.cand)
	case inboxProbe:
		s.m.InboxMessage("probe")
		if s.ownNonce(m.nonce) {
			s.heard.Store(time.Now().UnixNano())
			if !s.probeOK.Swap(true) {
				s.m.SetProbeOK(true)
			}
		}
	default:
		s.m.InboxMessage("invalid")
	}
}

func (s *Store) ownNonce(n [16]byte) bool {
	s.nonceMu.Lock()
	defer s.nonceMu.Unlock()
	for _, x := range s.nonces {
		if x == n {
			return true
		}
	}
	return false
}

// housekeeping runs the readiness PING, the self-probe with the epoch check, the periodic
// Resync and the used-memory poll.
func (s *Store) housekeeping() {
	defer s.wg.Done()
	ping := time.NewTicker(PingInterval)
	defer ping.Stop()
	probe := time.NewTicker(s.cfg.ProbeInterval)
	defer probe.Stop()
	reconcile := time.NewTicker(s.cfg.ReconcileInterval)
	defer reconcile.Stop()
	mem := time.NewTicker(MemoryPollInterval)
	defer mem.Stop()
	for {
		select {
		case <-s.ctx.Done():
			return
		case <-ping.C:
			ctx, cancel := s.opCtx()
			s.ping(ctx)
			cancel()
		case <-probe.C:
			s.probe()
		case <-reconcile.C:
			if s.subscribed.Load() {
				s.sink.Resync("periodic")
			}
		case <-mem.C:
			ctx, cancel := s.opCtx()
			s.pollMemory(ctx)
			cancel()
		}
	}
}

// ping runs one readiness PING.
func (s *Store) ping(ctx context.Context) {
	start := time.Now()
	err := s.client.Ping(ctx).Err()
	s.m.ObserveOp("ping", time.Since(start))
	if err != nil {
		_ = s.fail("ping", err)
		return
	}
	s.lastPing.Store(time.Now().UnixNano())
	s.succeed()
	s.m.SetUp(true)
}

// probe checks that the last probes came back, then sends a new one and re-reads the epoch
// (§8.6, §8.7). A probe that has not come back after two intervals marks the store not ready
// and forces a new subscription, which calls Resync("probe") once confirmed.
func (s *Store) probe() {
	if s.subscribed.Load() && time.Since(time.Unix(0, s.heard.Load())) > 2*s.cfg.ProbeInterval {
		if s.probeOK.Swap(false) {
			s.m.SetProbeOK(false)
		}
		s.log.Warn("redis inbox probe not returned; re-subscribing")
		s.forceResubscribe()
		return
	}
	if !s.subscribed.Load() {
		return
	}
	var nonce [16]byte
	_, _ = rand.Read(nonce[:])
	s.nonceMu.Lock()
	s.nonces[s.nonceNext] = nonce
	s.nonceNext = (s.nonceNext + 1) % len(s.nonces)
	s.nonceMu.Unlock()
	ctx, cancel := s.opCtx()
	defer cancel()
	start := time.Now()
	err := s.client.Publish(ctx, s.inbox, string(append([]byte{inboxProbe}, nonce[:]...))).Err()
	s.m.ObserveOp("probe", time.Since(start))
	if err != nil {
		_ = s.fail("probe", err)
		return
	}
	s.succeed()
	_ = s.checkEpoch(ctx)
}

// forceResubscribe closes the current subscription; listen creates a new one.
func (s *Store) forceResubscribe() {
	s.forced.Store(true)
	s.subscribed.Store(false)
	s.psMu.Lock()
	if s.ps != nil {
		_ = s.ps.Close()
	}
	s.psMu.Unlock()
}

// checkEpoch reads Pepoch (§8.7). The first read adopts the value (creating it with SET NX
// if missing); a later read that finds it missing or changed creates a fresh one with SET NX,
// adopts whatever is then stored, and calls Sink.Reset("epoch") once.
func (s *Store) checkEpoch(ctx context.Context) error {
	s.epochMu.Lock()
	reset, err := s.readEpochLocked(ctx)
	s.epochMu.Unlock()
	if reset {
		s.sink.Reset("epoch")
	}
	return err
}

func (s *Store) readEpochLocked(ctx context.Context) (reset bool, err error) {
	start := time.Now()
	defer func() { s.m.ObserveOp("epoch", time.Since(start)) }()
	v, err := s.client.Get(ctx, s.epochKey).Result()
	switch {
	case err == nil && s.epochKnown.Load() && v == s.epoch:
		return false, nil
	case err == nil && !s.epochKnown.Load():
		s.adoptEpoch(v)
		return false, nil
	case err != nil && !errors.Is(err, redis.Nil):
		return false, s.fail("epoch", err)
	}
	// Missing, or different from ours: Redis lost its data (or was wiped).
	if err := s.client.SetNX(ctx, s.epochKey, randomHex(16), 0).Err(); err != nil {
		return false, s.fail("epoch", err)
	}
	v, err = s.client.Get(ctx, s.epochKey).Result()
	if err != nil {
		return false, s.fail("epoch", err)
	}
	had := s.epochKnown.Load()
	s.adoptEpoch(v)
	if had {
		s.log.Warn("redis epoch changed: stored data was lost")
	}
	return had, nil
}

func (s *Store) adoptEpoch(v string) {
	s.epoch = v
	s.epochKnown.Store(true)
}

// checkPolicy warns when maxmemory-policy may evict live messages (§8.8).
func (s *Store) checkPolicy(ctx context.Context) {
	v, err := s.client.ConfigGet(ctx, "maxmemory-policy").Result()
	if err != nil {
		s.log.Warn("cannot read maxmemory-policy; make sure it is noeviction or volatile-ttl", "err", err)
		return
	}
	if p := v["maxmemory-policy"]; p != "noeviction" && p != "volatile-ttl" {
		s.log.Warn("redis maxmemory-policy may evict live messages; use noeviction", "policy", p)
	}
}

// pollMemory exports used_memory and clears the store_full flag once memory is below
// maxmemory again.
func (s *Store) pollMemory(ctx context.Context) {
	info, err := s.client.Info(ctx, "memory").Result()
	if err != nil {
		return
	}
	used, maxmem := infoInt(info, "used_memory"), infoInt(info, "maxmemory")
	if used >= 0 {
		s.m.SetUsedMemory(used)
	}
	if maxmem > 0 && used >= 0 && used < maxmem*95/100 {
		s.oom.Store(false)
	}
}

// infoInt returns the integer field name of an INFO reply, or -1.
func infoInt(info, name string) int64 {
	for _, line := range strings.Split(info, "\n") {
		k, v, ok := strings.Cut(strings.TrimSpace(line), ":")
		if ok && k == name {
			if n, err := strconv.ParseInt(v, 10, 64); err == nil {
				return n
			}
		}
	}
	return -1
}

// sleep waits d or until the store closes.
func (s *Store) sleep(d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-s.ctx.Done():
	case <-t.C:
	}
}
