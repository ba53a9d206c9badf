package mpc

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"time"

	"github.com/tandem-mpc/tandem/relay"
	"github.com/tandem-mpc/tandem/signer"
)

// pendingState tracks one expected id while the session waits for it.
type pendingState struct {
	exp      *expectSlot
	rejected map[[32]byte]struct{}
	buffered [][]byte // ENCRYPTED frames that arrived before the peer's KEX
}

// runState is the state of one Run (WIRE.md §12.5).
type runState struct {
	cfg   Config
	p     Protocol
	plan  *compiledPlan
	peer  signer.VerifyingKey
	round int

	deadline, until time.Time
	ttl             time.Duration

	pending       map[relay.MsgID]*pendingState
	accepted      map[relay.MsgID]*pendingState // kept for reopen: its rejected digests still count
	abortRejected map[[32]byte]struct{}
	inputs        [][]Inbound // index r: the accepted inputs of round r, in Expect order (nil = missing)
	have          []int       // index r: how many of round r's inputs are accepted

	eph      *ephemeralKey // our X25519 key until deriveKeys consumes it
	ownEPK   []byte        // its public key, carried in EXT_KEX of our carrier
	keys     *p2pKeys      // nil until the peer's carrier is accepted
	peerEPK  []byte        // the peer's ephemeral key the keys were derived from
	received int
	dropped  int
	expected int

	stall            time.Duration
	stallTimer       *time.Timer
	lastTransportErr error
}

// Run drives p to completion over cfg.Transport. It returns nil, or one of the errors of
// WIRE.md §12.8: *AbortError, *PeerAbortedError, *TimeoutError, *TransportError, an error
// wrapping context.Canceled, or ErrInvalidConfig / ErrInvalidPlan before any traffic.
func Run(ctx context.Context, cfg Config, p Protocol) (err error) {
	if p == nil {
		return fmt.Errorf("%w: nil protocol", ErrInvalidConfig)
	}
	if err := validateConfig(&cfg); err != nil {
		return err
	}
	cfg = cfg.withDefaults()
	plan, err := compilePlan(p.Plan(), cfg.Protocol, cfg.Instance, cfg.Self.VerifyingKey(), cfg.Peer)
	if err != nil {
		return err
	}
	now := time.Now()
	deadline, ok := ctx.Deadline()
	if !ok {
		deadline = now.Add(cfg.DefaultTimeout)
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, deadline)
		defer cancel()
	}
	s := &runState{
		cfg: cfg, p: p, plan: plan, peer: cfg.Peer,
		deadline: deadline, until: deadline.Add(cfg.Grace),
		pending:       make(map[relay.MsgID]*pendingState),
		accepted:      make(map[relay.MsgID]*pendingState),
		abortRejected: make(map[[32]byte]struct{}),
		inputs:        make([][]Inbound, plan.rounds+1),
		have:          make([]int, plan.rounds+1),
		stall:         cfg.StallInterval,
	}
	s.ttl = min(s.until.Sub(now), cfg.Transport.HeaderTTLLimit())
	if s.ttl <= 0 {
		s.ttl = time.Second
	}
	defer s.forgetAll()
	return s.run(ctx)
}

func (s *runState) run(ctx context.Context) error {
	t := s.cfg.Transport
	if s.plan.rEnc > 0 {
		eph, err := newEphemeralKey()
		if err != nil {
			return s.abortLocal(ctx, err)
		}
		s.eph, s.ownEPK = eph, eph.public()
		defer func() {
			if s.eph != nil {
				s.eph.wipe()
			}
			if s.keys != nil {
				s.keys.wipe()
			}
		}()
	}
	// Expected-id table, all asked up front before anything is published (§12.4, §12.5).
	for r := 0; r <= s.plan.rounds; r++ {
		s.inputs[r] = make([]Inbound, len(s.plan.expect[r]))
		for i := range s.plan.expect[r] {
			e := &s.plan.expect[r][i]
			s.pending[e.id] = &pendingState{exp: e}
			s.expected++
		}
	}
	for id := range s.pending {
		if err := t.Ask(ctx, id, s.until); err != nil {
			return s.transportErr(ctx, err)
		}
	}
	if err := t.Ask(ctx, s.plan.abortID, s.until); err != nil {
		return s.transportErr(ctx, err)
	}
	s.stallTimer = time.NewTimer(s.stall)
	defer s.stallTimer.Stop()

	if len(s.plan.send[0]) > 0 { // inserted KEX carrier: published at session start
		if err := s.sealAndPublish(ctx, &s.plan.send[0][0], nil); err != nil {
			return err
		}
	}
	if s.plan.rEnc == 1 {
		if err := s.waitRound(ctx, 0); err != nil {
			return err
		}
	}
	for r := 1; r <= s.plan.rounds+1; r++ {
		s.round = r
		s.progress()
		out, err := s.next(ctx, r)
		if err != nil {
			return err
		}
		if r > s.plan.rounds {
			if len(out) != 0 {
				return s.abortLocal(ctx, fmt.Errorf("mpc: internal error: final Next returned %d payloads", len(out)))
			}
			break
		}
		sends := s.plan.send[r]
		if len(out) != len(sends) {
			return s.abortLocal(ctx, fmt.Errorf("mpc: internal error: round %d: engine returned %d payloads for %d slots", r, len(out), len(sends)))
		}
		for i := range sends {
			if err := s.sealAndPublish(ctx, &sends[i], out[i]); err != nil {
				return err
			}
		}
		if err := s.waitRound(ctx, r); err != nil {
			return err
		}
		if r == s.plan.rEnc-1 && len(s.plan.expect[0]) > 0 {
			if err := s.waitRound(ctx, 0); err != nil {
				return err
			}
		}
	}
	return nil
}

// next calls the engine for round r, handling ErrIgnoreInput (Appendix Y.3): the ignored
// input is discarded, its id re-asked, and the driver waits for a replacement.
func (s *runState) next(ctx context.Context, r int) ([][]byte, error) {
	for {
		var in []Inbound
		if r > 1 {
			in = append([]Inbound(nil), s.inputs[r-1]...)
		}
		out, err := s.p.Next(ctx, r, in)
		if err == nil {
			return out, nil
		}
		if ctx.Err() != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)) {
			return nil, s.ctxDone(ctx)
		}
		if !errors.Is(err, ErrIgnoreInput) || r == 1 {
			return nil, s.abortEngine(ctx, err)
		}
		idx := -1
		var ii IgnoredInputer
		if errors.As(err, &ii) {
			idx = ii.IgnoredInput()
			if idx < 0 || idx >= len(in) {
				return nil, s.abortLocal(ctx, fmt.Errorf("mpc: internal error: ignored input index %d out of range", idx))
			}
		}
		reopened := 0
		for i := range s.plan.expect[r-1] {
			if idx >= 0 && i != idx {
				continue
			}
			ok, err := s.reopen(ctx, &s.plan.expect[r-1][i])
			if err != nil {
				return nil, err
			}
			if ok {
				reopened++
			}
		}
		if reopened == 0 {
			// Nothing to wait for: calling Next again would loop forever.
			return nil, s.abortLocal(ctx, fmt.Errorf("mpc: internal error: round %d: engine ignored an input but the round had none: %w", r, err))
		}
		if err := s.waitRound(ctx, r-1); err != nil {
			return nil, err
		}
	}
}

// reopen puts an accepted slot back into the pending set after the engine ignored its input;
// it reports whether there was an input to discard.
func (s *runState) reopen(ctx context.Context, e *expectSlot) (bool, error) {
	in := s.inputs[e.round][e.index]
	if in.Frame == nil {
		return false, nil
	}
	ps := s.accepted[e.id]
	delete(s.accepted, e.id)
	s.reject(ps, sha256.Sum256(in.Frame))
	s.pending[e.id] = ps
	s.inputs[e.round][e.index] = Inbound{}
	s.have[e.round]--
	s.received--
	s.dropped++
	if err := s.cfg.Transport.Ask(ctx, e.id, s.until); err != nil {
		return false, s.transportErr(ctx, err)
	}
	return true, nil
}

func (s *runState) roundComplete(r int) bool { return s.have[r] == len(s.plan.expect[r]) }

// waitRound processes transport events until every Expect slot of round r is accepted.
func (s *runState) waitRound(ctx context.Context, r int) error {
	t := s.cfg.Transport
	msgs, events := t.Messages(), t.Events()
	for !s.roundComplete(r) {
		select {
		case frame, ok := <-msgs:
			if !ok {
				return s.transportErr(ctx, relay.ErrClosed)
			}
			if err := s.handleFrame(ctx, frame); err != nil {
				return err
			}
		case ev, ok := <-events:
			if !ok {
				events = nil
				continue
			}
			switch ev.Kind {
			case relay.Failed:
				return s.transportErr(ctx, ev.Err)
			case relay.Disconnected:
				if ev.Err != nil {
					s.lastTransportErr = ev.Err
				}
			}
		case <-s.stallTimer.C:
			s.cfg.Logger.Debug("mpc: stalled, re-sending", "round", s.round, "after", s.stall)
			if err := t.Resend(ctx); err != nil && ctx.Err() == nil {
				return s.transportErr(ctx, err)
			}
			s.stall = min(2*s.stall, MaxStallInterval)
			s.stallTimer.Reset(s.stall)
		case <-ctx.Done():
			return s.ctxDone(ctx)
		}
	}
	return nil
}

// resetStall restarts the stall timer at its initial interval after progress.
func (s *runState) resetStall() {
	s.stall = s.cfg.StallInterval
	if !s.stallTimer.Stop() {
		select {
		case <-s.stallTimer.C:
		default:
		}
	}
	s.stallTimer.Reset(s.stall)
}

func (s *runState) progress() {
	if s.cfg.OnProgress != nil {
		s.cfg.OnProgress(Progress{Round: s.round, Rounds: s.plan.rounds, Received: s.received, Expected: s.expected, Dropped: s.dropped})
	}
}

func (s *runState) drop(reason error, id relay.MsgID) {
	s.dropped++
	s.cfg.Logger.Debug("mpc: frame dropped", "reason", reason.Error(), "id", id.Short(), "round", s.round)
}

// forgetAll stops re-asking every id this session still waits for (own frames stay retained
// by the Client until `until`, so a slow peer can still fetch them).
func (s *runState) forgetAll() {
	ids := make([]relay.MsgID, 0, len(s.pending)+1)
	for id := range s.pending {
		ids = append(ids, id)
	}
	ids = append(ids, s.plan.abortID)
	s.cfg.Transport.Forget(ids...)
}
