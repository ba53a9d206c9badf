package redisstore

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tandem-mpc/tandem/relay/store/redisstore/redistest"
	"github.com/tandem-mpc/tandem/relay/store/storetest"
)

// recordingMetrics records the probe gauge and the counters of Metrics.
type recordingMetrics struct {
	nopMetrics
	mu       sync.Mutex
	probeOK  []bool
	resubs   int
	errKinds []string
}

func (r *recordingMetrics) SetProbeOK(ok bool) {
	r.mu.Lock()
	r.probeOK = append(r.probeOK, ok)
	r.mu.Unlock()
}

func (r *recordingMetrics) Resubscribed() {
	r.mu.Lock()
	r.resubs++
	r.mu.Unlock()
}

func (r *recordingMetrics) OpError(op, kind string) {
	r.mu.Lock()
	r.errKinds = append(r.errKinds, op+"/"+kind)
	r.mu.Unlock()
}

func (r *recordingMetrics) snapshot() ([]bool, int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.probeOK), r.resubs
}

// TestProbeReadiness (§8.6, §9.2): a subscription that silently delivers nothing makes the
// probe fail: the store reports not ready ("probe"), re-subscribes, calls Resync("probe") and
// is ready again by itself.
func TestProbeReadiness(t *testing.T) {
	t.Parallel()
	rs := redistest.Start(t)
	m := &recordingMetrics{}
	sink := storetest.NewRecordingSink()
	st, err := New(context.Background(), Config{URL: rs.URL, Prefix: "probe:", OpTimeout: time.Second,
		ProbeInterval: 100 * time.Millisecond, ReconcileInterval: time.Hour, Logger: quietLogger(), Metrics: m}, sink)
	require.NoError(t, err)
	defer st.Close()
	require.Eventually(t, func() bool { return st.Check(context.Background()) == nil }, 5*time.Second, 10*time.Millisecond)

	st.blackhole.Store(true)
	var notReady *NotReadyError
	require.Eventually(t, func() bool {
		err := st.Check(context.Background())
		return err != nil && errorAs(err, &notReady) && slices.Contains(notReady.Checks, "probe")
	}, 5*time.Second, 5*time.Millisecond, "not ready: probe")
	require.Equal(t, []string{"probe"}, sink.WaitResync(t, 5*time.Second))
	require.Eventually(t, func() bool { return st.Check(context.Background()) == nil }, 5*time.Second, 10*time.Millisecond, "ready again")
	probes, resubs := m.snapshot()
	require.Contains(t, probes, false)
	require.True(t, probes[len(probes)-1], "probe_ok back to 1")
	require.Equal(t, 1, resubs)
}

func errorAs(err error, target **NotReadyError) bool {
	nr, ok := err.(*NotReadyError)
	if ok {
		*target = nr
	}
	return ok
}
