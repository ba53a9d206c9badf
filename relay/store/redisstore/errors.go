package redisstore

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"strings"
	"syscall"

	"github.com/redis/go-redis/v9"

	"github.com/tandem-mpc/tandem/relay/store"
)

// Error kinds (the `kind` label of tandem_relay_backend_errors_total).
const (
	kindTimeout = "timeout"
	kindConn    = "conn"
	kindOOM     = "oom"
	kindScript  = "script"
	kindOther   = "other"
)

// BackendError is a failed Redis operation. It matches store.ErrUnavailable (timeouts,
// connection errors, a backend that is loading or read-only) or store.ErrStoreFull (a publish
// refused by maxmemory) with errors.Is; a script error (say, WRONGTYPE after a prefix clash)
// matches neither, and the hub closes the publisher with 1011.
type BackendError struct {
	Op   string // publish, ask, claim, probe, epoch, ping
	Kind string // timeout, conn, oom, script, other
	Err  error  // the go-redis error
}

func (e *BackendError) Error() string {
	return "redisstore: " + e.Op + ": " + e.Kind + ": " + e.Err.Error()
}

// Unwrap returns the store sentinel that the kind maps to and the underlying error.
func (e *BackendError) Unwrap() []error {
	switch {
	case e.Kind == kindOOM && e.Op == "publish":
		return []error{store.ErrStoreFull, e.Err}
	case e.Kind == kindScript:
		return []error{e.Err}
	default:
		return []error{store.ErrUnavailable, e.Err}
	}
}

// NotReadyError lists the failing readiness checks of Store.Check.
type NotReadyError struct {
	Checks []string // ping, subscription, probe, epoch, backend, store_full
}

// NotReadyChecks returns the failing checks; relay/server lists them in the /readyz body.
func (e *NotReadyError) NotReadyChecks() []string { return e.Checks }

func (e *NotReadyError) Error() string {
	return "redisstore: not ready: " + strings.Join(e.Checks, ",")
}

// classify maps a go-redis error to an error kind.
func classify(err error) string {
	var rerr redis.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded):
		return kindTimeout
	case errors.As(err, &rerr):
		msg := rerr.Error()
		switch {
		case strings.HasPrefix(msg, "OOM"):
			return kindOOM
		case strings.HasPrefix(msg, "LOADING"), strings.HasPrefix(msg, "BUSY"),
			strings.HasPrefix(msg, "MASTERDOWN"), strings.HasPrefix(msg, "READONLY"),
			strings.HasPrefix(msg, "TRYAGAIN"), strings.HasPrefix(msg, "CLUSTERDOWN"),
			strings.HasPrefix(msg, "NOAUTH"):
			return kindConn
		}
		return kindScript
	case errors.Is(err, redis.ErrClosed), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET), errors.Is(err, net.ErrClosed),
		errors.Is(err, syscall.EPIPE):
		return kindConn
	}
	var nerr net.Error
	if errors.As(err, &nerr) {
		if nerr.Timeout() {
			return kindTimeout
		}
		return kindConn
	}
	return kindOther
}

// fail records a failed operation (metrics, the consecutive-failure count, the down log
// line) and returns it as a *BackendError.
func (s *Store) fail(op string, err error) *BackendError {
	kind := classify(err)
	s.m.OpError(op, kind)
	if kind == kindTimeout || kind == kindConn || kind == kindOther {
		if s.failures.Add(1) >= 2 && s.down.CompareAndSwap(false, true) {
			s.m.SetUp(false)
			s.log.Warn("redis down", "op", op, "kind", kind, "err", err)
		}
	}
	return &BackendError{Op: op, Kind: kind, Err: err}
}

// succeed records a successful command; the first one after the backend was down logs the
// recovery and asks the hub to re-ask its pending ids.
func (s *Store) succeed() {
	s.failures.Store(0)
	if s.down.CompareAndSwap(true, false) {
		s.m.SetUp(true)
		s.log.Info("redis up")
		s.sink.Resync("unsynced")
	}
}

// opCtx returns a context bounded by the op timeout and the store's lifetime.
func (s *Store) opCtx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(s.ctx, s.cfg.OpTimeout)
}
