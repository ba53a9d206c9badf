package ot

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/testrng"
)

// otRun is one honest run of a correlation, with copies of every intermediate value the
// single-use states erase.
type otRun struct {
	c    Correlation
	msg1 []byte
	msg2 []byte
	pprf []byte
	cb   [32]byte
	so   [BaseOTs][2][32]byte // sender outputs
	ro   [BaseOTs][32]byte    // receiver outputs o_{t,c_t}
	cs   *ChooserSeeds
	ds   *DeltaSeeds
}

func testCorrelation(t testing.TB, seed string) Correlation {
	t.Helper()
	var parent [32]byte
	copy(parent[:], seed)
	c, err := NewCorrelation(parent, 1, 0)
	require.NoError(t, err)
	return c
}

// newReceiver returns a fresh receiver state for seed (deterministic).
func newReceiver(t testing.TB, seed string, batch Batch) (*BaseOTReceiver, []byte) {
	t.Helper()
	recv, msg1, err := NewBaseOTReceiver(testCorrelation(t, seed), testrng.New(seed+"/recv"), batch)
	require.NoError(t, err)
	return recv, msg1
}

// honestRun runs the whole layer for one correlation.
func honestRun(t testing.TB, seed string, batch Batch) *otRun {
	t.Helper()
	run := &otRun{c: testCorrelation(t, seed)}
	recv, msg1 := newReceiver(t, seed, batch)
	run.msg1 = msg1
	run.cb = recv.cb
	so, msg2, err := NewBaseOTSender(run.c, msg1, testrng.New(seed+"/send"), batch)
	require.NoError(t, err)
	run.msg2, run.so = msg2, so.o
	run.cs, run.pprf, err = so.BuildPPRF(batch)
	require.NoError(t, err)
	ro, err := recv.Finish(msg2, batch)
	require.NoError(t, err)
	run.ro = ro.o
	run.ds, err = ro.EvalPPRF(run.pprf, batch)
	require.NoError(t, err)
	return run
}

// requireOTError checks that err is an *Error with the given code and culprit.
func requireOTError(t testing.TB, err error, code Code, culprit int) {
	t.Helper()
	require.Error(t, err)
	var e *Error
	require.True(t, errors.As(err, &e), "%T is not *ot.Error", err)
	require.Equal(t, code, e.Code, "%v", err)
	require.Equal(t, culprit, e.Culprit, "%v", err)
	require.ErrorIs(t, err, sentinel(code))
}
