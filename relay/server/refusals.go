package server

import (
	"sync"
	"time"
)

// refusalLog writes refusal lines at warn level, at most one per reason per second; the rest
// are counted and reported with the next line (§9.4). Metrics count every refusal.
type refusalLog struct {
	mu         sync.Mutex
	last       map[string]time.Time
	suppressed map[string]int
}

// refusalReasons are the disconnect reasons that are refusals (resource limits), as opposed
// to ordinary ends of a connection.
var refusalReasons = map[string]bool{
	reasonSlowConsumer: true, reasonFrameTooBig: true, reasonAskLimit: true, reasonIdle: true,
	reasonRateLimited: true, reasonStoreFull: true, reasonIPQuota: true, reasonBackendUnavailable: true,
}

// refused logs one refusal (a close code on a connection, or an HTTP status on a handshake).
func (s *Server) refused(reason string, code int, conn string) {
	r := &s.refusals
	now := time.Now()
	r.mu.Lock()
	if r.last == nil {
		r.last = make(map[string]time.Time)
		r.suppressed = make(map[string]int)
	}
	if now.Sub(r.last[reason]) < time.Second {
		r.suppressed[reason]++
		r.mu.Unlock()
		return
	}
	r.last[reason] = now
	n := r.suppressed[reason]
	r.suppressed[reason] = 0
	r.mu.Unlock()
	attrs := []any{"reason", reason, "code", code, "suppressed", n}
	if conn != "" {
		attrs = append(attrs, "conn", conn)
	}
	s.log.Warn("refused", attrs...)
}
