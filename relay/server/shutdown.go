package server

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"

	"github.com/tandem-mpc/tandem/relay"
)

// Shutdown phases (tandem_relay_shutdown_phase, §9.3).
const (
	phaseRunning    = 0
	phaseNotReady   = 1
	phaseDraining   = 2
	phaseClosingDB  = 3
	closeGraceAfter = 2 * time.Second // Close: how long connections get to answer 1001
)

// RegisterOnShutdown registers f to run when Shutdown stops accepting connections (step 3 of
// §9.5), after the shutdown delay and before the WebSockets are closed. cmd/relay registers
// the http.Server.Shutdown of its public listeners here. http.Server.Shutdown does not wait
// for hijacked (WebSocket) connections: the Server tracks those itself.
func (s *Server) RegisterOnShutdown(f func(context.Context) error) {
	s.connMu.Lock()
	s.onStop = append(s.onStop, f)
	s.connMu.Unlock()
}

// Shutdown runs the graceful shutdown of WIRE.md §9.5: /readyz answers 503 at once; after
// Config.ShutdownDelay the functions given to RegisterOnShutdown run and new upgrades are
// refused; the WebSockets are closed with 1001, connection i of n (random order) at
// i × DrainWindow / n, the first at once; then Shutdown waits for every connection and closes
// the store. If ctx ends first, the remaining connections are dropped, the store is closed
// and ctx's error is returned.
func (s *Server) Shutdown(ctx context.Context) error {
	if err := s.init(); err != nil {
		return err
	}
	if !s.phase.CompareAndSwap(phaseRunning, phaseNotReady) {
		return errors.New("server: shutdown already started")
	}
	s.m.shutdownPhase.Set(phaseNotReady)
	s.m.ready.Set(0)
	s.log.Info("shutdown: not ready", "delay", s.cfg.ShutdownDelay.String())
	var errs []error
	if d := s.cfg.ShutdownDelay; d > 0 {
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
		}
	}

	s.phase.Store(phaseDraining)
	s.m.shutdownPhase.Set(phaseDraining)
	s.connMu.Lock()
	s.closed = true
	onStop := s.onStop
	s.connMu.Unlock()
	for _, f := range onStop {
		if err := f(ctx); err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
			errs = append(errs, err)
		}
	}
	conns := s.connSnapshot()
	rand.Shuffle(len(conns), func(i, j int) { conns[i], conns[j] = conns[j], conns[i] })
	s.log.Info("shutdown: draining", "connections", len(conns), "window", s.cfg.DrainWindow.String())
	start := time.Now()
	drained := true
	for i, c := range conns {
		if i > 0 {
			at := start.Add(time.Duration(int64(s.cfg.DrainWindow) * int64(i) / int64(len(conns))))
			if !sleepUntil(ctx, at) {
				drained = false
				break
			}
		}
		c.closeWith(relay.CloseGoingAway, reasonShutdown)
	}
	if drained && !s.waitConns(ctx) {
		drained = false
	}
	if !drained {
		s.CloseConnections(nil, relay.CloseAbnormal)
		s.waitConns(context.Background())
		errs = append(errs, ctx.Err())
	}

	s.phase.Store(phaseClosingDB)
	s.m.shutdownPhase.Set(phaseClosingDB)
	s.log.Info("shutdown: closing store")
	if err := s.stop(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// Close closes every connection with 1001 at once, waits briefly for them, and closes the
// store. It is the abrupt counterpart of Shutdown (tests, errors at start-up).
func (s *Server) Close() error {
	if err := s.init(); err != nil {
		return nil
	}
	s.phase.CompareAndSwap(phaseRunning, phaseDraining)
	s.connMu.Lock()
	s.closed = true
	s.connMu.Unlock()
	s.CloseConnections(nil, relay.CloseGoingAway)
	ctx, cancel := context.WithTimeout(context.Background(), closeGraceAfter)
	defer cancel()
	if !s.waitConns(ctx) {
		s.CloseConnections(nil, relay.CloseAbnormal)
		s.waitConns(context.Background())
	}
	return s.stop()
}

// stop closes the store and the hub once.
func (s *Server) stop() error {
	if s.stopped.Swap(true) {
		return nil
	}
	s.cancel()
	s.hub.close()
	return s.store.Close()
}

// waitConns waits for the connection WaitGroup or ctx.
func (s *Server) waitConns(ctx context.Context) bool {
	done := make(chan struct{})
	go func() {
		s.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return true
	case <-ctx.Done():
		return false
	}
}

func sleepUntil(ctx context.Context, at time.Time) bool {
	d := time.Until(at)
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
