package rvole

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tandem-mpc/tandem/ecdsa2p/internal/ot"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/ote"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/testrng"
	"github.com/tandem-mpc/tandem/internal/transcript"
)

// testSeeds builds a consistent correlation directly: random leaves for R, random Δ nibbles,
// and S's leaves equal to R's with the punctured one zeroed.
func testSeeds(t testing.TB, seed string) (*ot.ChooserSeeds, *ot.DeltaSeeds) {
	t.Helper()
	r := testrng.New("rvole/seeds/" + seed)
	var l ot.Leaves
	for b := range l {
		for x := range l[b] {
			r.RandomBytes(l[b][x][:])
		}
	}
	var delta [ot.Blocks]uint8
	buf := r.Bytes(ot.Blocks)
	for b := range delta {
		delta[b] = buf[b] & 0x0f
	}
	ds, err := ot.NewDeltaSeeds(&delta, &l)
	require.NoError(t, err)
	return ot.NewChooserSeeds(&l), ds
}

// extension runs one honest OT extension for the seed and returns both outputs.
func extension(t testing.TB, seed string) (*ote.ReceiverOutput, *ote.SenderOutput) {
	t.Helper()
	cs, ds := testSeeds(t, seed)
	sess, err := ote.NewSession(transcript.H("tandem/v1/test/rvole", []byte(seed)), 1, 0)
	require.NoError(t, err)
	recv, msg, err := ote.NewReceiver(sess, cs, testrng.New("rvole/beta/"+seed))
	require.NoError(t, err)
	snd, err := ote.NewSender(sess, ds)
	require.NoError(t, err)
	out, err := snd.Extend(msg)
	require.NoError(t, err)
	return recv, out
}
