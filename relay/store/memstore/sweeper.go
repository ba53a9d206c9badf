package memstore

import "time"

// sweepLoop is the active-expiry goroutine of WIRE.md §3.5: every tick it removes the due
// candidates of every shard. It exits when Close closes s.stop.
func (s *Store) sweepLoop(t Ticker) {
	defer close(s.done)
	defer t.Stop()
	var lags []time.Duration
	for {
		select {
		case <-s.stop:
			return
		case <-t.C():
			lags = s.sweep(lags[:0])
		}
	}
}

// sweep removes every candidate whose deadline has passed, shard by shard, and reports each
// removal to OnExpire after releasing that shard's lock. It returns lags for reuse as scratch.
func (s *Store) sweep(lags []time.Duration) []time.Duration {
	for i := range s.shards {
		sh := &s.shards[i]
		lags = lags[:0]
		sh.mu.Lock()
		now := s.now()
		for len(sh.heap) > 0 && sh.heap[0].deadline <= now {
			c := sh.heap[0]
			lags = append(lags, time.Duration(now-c.deadline))
			s.dropLocked(sh, c)
		}
		sh.mu.Unlock()
		if s.onExpire != nil {
			for _, l := range lags {
				s.onExpire(ExpiryKindCandidate, l)
			}
		}
	}
	return lags
}
