package relay

import (
	"errors"
	"fmt"
	"time"
)

// Errors of the client (WIRE.md §11.2).
var (
	// ErrFrameTooLarge: Publish was given a frame above ClientOptions.MaxFrameBytes.
	ErrFrameTooLarge = errors.New("relay: frame too large")
	// ErrClosed: the client was closed, or failed terminally (the Failed event carries why).
	ErrClosed = errors.New("relay: client closed")
)

// Close codes used by the relay (WIRE.md §2.6).
const (
	CloseNormal         = 1000
	CloseGoingAway      = 1001
	CloseAbnormal       = 1006 // never sent; reported when the connection dropped without a close frame
	CloseMessageTooBig  = 1009
	CloseInternalError  = 1011
	CloseServiceRestart = 1012
	CloseTryAgainLater  = 1013
	CloseSlowConsumer   = 4000
	CloseTooManyAsks    = 4001
	CloseIdle           = 4002
	CloseRateLimited    = 4003
	CloseStoreFull      = 4004
	CloseIPQuota        = 4005
)

// CloseReason returns the reason text the relay sends with a close code (WIRE.md §2.6).
func CloseReason(code int) string {
	switch code {
	case CloseNormal:
		return "normal"
	case CloseGoingAway:
		return "going away"
	case CloseMessageTooBig:
		return "message too big"
	case CloseInternalError:
		return "internal error"
	case CloseServiceRestart:
		return "service restart"
	case CloseTryAgainLater:
		return "try again later"
	case CloseSlowConsumer:
		return "slow consumer"
	case CloseTooManyAsks:
		return "too many asks"
	case CloseIdle:
		return "idle"
	case CloseRateLimited:
		return "rate limited"
	case CloseStoreFull:
		return "store full"
	case CloseIPQuota:
		return "ip quota"
	default:
		return ""
	}
}

// CloseError reports that the relay closed the connection with a close code.
type CloseError struct {
	Code   int
	Reason string
}

func (e *CloseError) Error() string {
	return fmt.Sprintf("relay: connection closed by server: %d %s", e.Code, e.Reason)
}

// Terminal reports whether the client must stop rather than reconnect (§2.6): a frame that was
// too big or too many asks are caller errors that reconnecting would only repeat.
func (e *CloseError) Terminal() bool {
	return e.Code == CloseMessageTooBig || e.Code == CloseTooManyAsks
}

// MinBackoff is the least delay before reconnecting after this close (§2.6).
func (e *CloseError) MinBackoff() time.Duration {
	switch e.Code {
	case CloseTryAgainLater:
		return time.Second
	case CloseRateLimited, CloseStoreFull, CloseIPQuota:
		return 2 * time.Second
	default: // 1012 service restart: at once (jittered); others: the ordinary schedule
		return 0
	}
}

// HandshakeError reports that the WebSocket upgrade was refused with an HTTP status.
type HandshakeError struct {
	StatusCode int
	RetryAfter time.Duration // from Retry-After, 0 if absent
}

func (e *HandshakeError) Error() string {
	if e.RetryAfter > 0 {
		return fmt.Sprintf("relay: handshake refused: HTTP %d (retry after %s)", e.StatusCode, e.RetryAfter)
	}
	return fmt.Sprintf("relay: handshake refused: HTTP %d", e.StatusCode)
}

// Terminal reports whether retrying cannot help (401, 403 and other 4xx except 429).
func (e *HandshakeError) Terminal() bool {
	return e.StatusCode >= 400 && e.StatusCode < 500 && e.StatusCode != 429
}
