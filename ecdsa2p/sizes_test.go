package ecdsa2p

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestPayloadSizes records the bytes each party sends per round (payloads only; the
// envelope adds its fixed overhead, WIRE.md §10.12) and checks them against PROTOCOL.md.
func TestPayloadSizes(t *testing.T) {
	l := newLocal(t)
	var sent [2]map[int]int
	rec := func(i int) func(int, [][]byte) {
		return func(r int, p [][]byte) {
			for _, b := range p {
				sent[i][r] += len(b)
			}
		}
	}
	l.onSend = [2]func(int, [][]byte){rec(0), rec(1)}
	reset := func() { sent = [2]map[int]int{{}, {}} }

	reset()
	l.keygen(t)
	want := map[int]int{1: 98, 2: 17092, 3: 31298, 4: 66}
	require.Equal(t, want, sent[0])
	require.Equal(t, want, sent[1])
	t.Logf("keygen  per party per round: %v", sent[0])

	reset()
	sid := l.presign(t)
	want = map[int]int{1: 98, 2: 9266, 3: 49413}
	require.Equal(t, want, sent[0])
	require.Equal(t, want, sent[1])
	t.Logf("presign per party per round: %v", sent[0])

	reset()
	l.finish(t, sid, digestOf("sizes"))
	require.Equal(t, map[int]int{1: 71, 2: 130}, sent[0])
	require.Equal(t, map[int]int{2: 130}, sent[1])
	t.Logf("finish  per round: P1 %v, P2 %v", sent[0], sent[1])

	reset()
	l.refresh(t)
	want = map[int]int{1: 99, 2: 16930, 3: 31298, 4: 66}
	require.Equal(t, want, sent[0])
	require.Equal(t, want, sent[1])
	t.Logf("refresh per party per round: %v", sent[0])
}
