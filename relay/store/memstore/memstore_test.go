package memstore_test

import (
	"testing"
	"testing/synctest"
	"time"

	"github.com/tandem-mpc/tandem/relay/store"
	"github.com/tandem-mpc/tandem/relay/store/memstore"
	"github.com/tandem-mpc/tandem/relay/store/storetest"
)

// backend is one memory store per NewBackend call (memstore is single-instance).
type backend struct{ cfg storetest.BackendConfig }

func (b backend) NewStore(_ *testing.T, sink store.Sink) store.Store {
	return memstore.New(memstore.Config{Limits: b.cfg.Limits, MaxStoredBytes: b.cfg.MaxStoredBytes}, sink)
}

// TestConformance runs the store conformance suite (WIRE.md §13.1). Time-dependent cases run
// in a synctest bubble, where the store's default clock and its sweeper's ticker are virtual.
func TestConformance(t *testing.T) {
	storetest.Run(t, storetest.Harness{
		NewBackend: func(_ *testing.T, cfg storetest.BackendConfig) storetest.Backend { return backend{cfg} },
		Bubble:     synctest.Test,
		Sleep: func(_ *testing.T, d time.Duration) {
			time.Sleep(d)
			synctest.Wait() // let the sweeper finish what the tick woke it for
		},
		ExpiryGrace: 2 * memstore.DefaultSweepInterval,
		Caps:        storetest.Capabilities{ByteCap: true},
	})
}

// TestConformanceRealTime runs the suite once more on the real clock, the way a Redis backend
// runs it (real sleeps, no bubble), to keep the timed cases honest about wall-clock slack.
func TestConformanceRealTime(t *testing.T) {
	if testing.Short() {
		t.Skip("sleeps about 15 s of real time")
	}
	storetest.Run(t, storetest.Harness{
		NewBackend: func(_ *testing.T, cfg storetest.BackendConfig) storetest.Backend {
			return backend{cfg}
		},
		ExpiryGrace: time.Second, // wall-clock slack on a loaded machine, not the 2 × sweep target
		Iterations:  1000,
		Caps:        storetest.Capabilities{ByteCap: true},
	})
}
