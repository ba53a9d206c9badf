package memstore

import (
	"time"

	"github.com/tandem-mpc/tandem/relay/store"
)

// Defaults of WIRE.md §4.1 and §7.
const (
	DefaultMaxStoredBytes = 512 << 20 // --max-stored-bytes
	DefaultReadyFraction  = 0.9       // --ready-store-fraction
	DefaultSweepInterval  = 100 * time.Millisecond
)

// ExpiryKindCandidate is the kind the store passes to Config.OnExpire: the memory store only
// expires candidates (waiters belong to the hub).
const ExpiryKindCandidate = "candidate"

// Config configures a Store. The zero value gives the defaults of WIRE.md §4.1.
type Config struct {
	// Limits are the per-id limits. The zero Limits means store.DefaultLimits() (N = 4, one
	// candidate per IP prefix, max TTL 1 h). Otherwise: MaxCandidates 0 means 4 and values
	// above 16 are clamped to 16; MaxCandidatesPerIP is used as given (0 disables the IP
	// limit); a positive MaxTTL clamps the TTL of every Publish (the hub clamps first, the
	// store only makes sure) and 0 means no clamp.
	Limits store.Limits
	// MaxStoredBytes caps the sum over stored candidates of len(frame)+store.StoredBytesOverhead.
	// 0 means DefaultMaxStoredBytes; a negative value disables the cap.
	MaxStoredBytes int64
	// ReadyFraction: Check fails while stored bytes exceed this fraction of MaxStoredBytes.
	// 0 means DefaultReadyFraction.
	ReadyFraction float64
	// SweepInterval is the period of the active-expiry sweeper (§3.5). 0 means
	// DefaultSweepInterval.
	SweepInterval time.Duration
	// Clock is the time source. nil means the real clock (package time). Tests that want
	// virtual time run the store inside a testing/synctest bubble with the real clock: the
	// bubble fakes time.Now and tickers for the goroutines it contains, the sweeper included
	// (the store must then be created, used and closed inside the bubble).
	Clock Clock
	// OnExpire, if set, is called once for every candidate the store removes because its
	// deadline passed, with kind ExpiryKindCandidate and lag = removal time − deadline (≥ 0).
	// The server feeds tandem_relay_expired_total{kind} and tandem_relay_expiry_lag_seconds
	// from it. It is called from the sweeper goroutine, or from a Publish or Ask that found
	// an expired candidate first; never with a store lock held. It must be fast and must not
	// block.
	OnExpire func(kind string, lag time.Duration)
}

// Clock is the time source of a Store.
type Clock interface {
	// Now returns the current time. Deadlines are computed with Time.Sub, so a clock that
	// carries a monotonic reading (like time.Now) is immune to wall-clock steps.
	Now() time.Time
	// NewTicker returns a ticker that fires every d (d > 0), as time.NewTicker does.
	NewTicker(d time.Duration) Ticker
}

// Ticker is the part of *time.Ticker a Store uses.
type Ticker interface {
	C() <-chan time.Time
	Stop()
}

// RealClock is the Clock of package time. It is the default.
type RealClock struct{}

// Now returns time.Now().
func (RealClock) Now() time.Time { return time.Now() }

// NewTicker returns a ticker backed by time.NewTicker.
func (RealClock) NewTicker(d time.Duration) Ticker { return realTicker{time.NewTicker(d)} }

type realTicker struct{ t *time.Ticker }

func (r realTicker) C() <-chan time.Time { return r.t.C }
func (r realTicker) Stop()               { r.t.Stop() }

// CandidateBytes is what one stored candidate with a frame of frameLen bytes counts against
// the byte caps: frameLen + store.StoredBytesOverhead (§4.1). The hub charges its per-IP quota
// with the same figure when Publish returns store.Stored, so both accounts agree.
func CandidateBytes(frameLen int) int64 { return int64(frameLen) + store.StoredBytesOverhead }

// maxCandidatesCap is the upper end of --max-candidates (§4.1).
const maxCandidatesCap = 16

// normalized returns cfg with defaults filled in.
func (cfg Config) normalized() Config {
	if cfg.Limits == (store.Limits{}) {
		cfg.Limits = store.DefaultLimits()
	}
	switch {
	case cfg.Limits.MaxCandidates <= 0:
		cfg.Limits.MaxCandidates = store.DefaultLimits().MaxCandidates
	case cfg.Limits.MaxCandidates > maxCandidatesCap:
		cfg.Limits.MaxCandidates = maxCandidatesCap
	}
	if cfg.Limits.MaxCandidatesPerIP < 0 {
		cfg.Limits.MaxCandidatesPerIP = 0
	}
	if cfg.MaxStoredBytes == 0 {
		cfg.MaxStoredBytes = DefaultMaxStoredBytes
	}
	if cfg.ReadyFraction <= 0 || cfg.ReadyFraction > 1 {
		cfg.ReadyFraction = DefaultReadyFraction
	}
	if cfg.SweepInterval <= 0 {
		cfg.SweepInterval = DefaultSweepInterval
	}
	if cfg.Clock == nil {
		cfg.Clock = RealClock{}
	}
	return cfg
}
