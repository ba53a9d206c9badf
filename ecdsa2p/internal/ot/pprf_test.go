package ot

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/testrng"
)

// pprfInputs returns random base-OT outputs and choice bits for PPRF-only tests.
func pprfInputs(seed string) (sid [32]byte, cb [32]byte, o *[BaseOTs][2][32]byte, oc *[BaseOTs][32]byte) {
	r := testrng.New(seed)
	r.RandomBytes(sid[:])
	r.RandomBytes(cb[:])
	o, oc = new([BaseOTs][2][32]byte), new([BaseOTs][32]byte)
	for t := range BaseOTs {
		r.RandomBytes(o[t][0][:])
		r.RandomBytes(o[t][1][:])
		oc[t] = o[t][choiceBit(&cb, t)]
	}
	return sid, cb, o, oc
}

// PROTOCOL.md §12.1 item 6: S's leaves equal R's except at Δ_b, where S holds zeros;
// Δ_b = Σ (1 − c_{4b+h})·2^{3−h}; the proof verifies.
func TestPPRFProperty(t *testing.T) {
	n := 24
	if testing.Short() {
		n = 4
	}
	var seen [LeavesPerBlock]int
	for i := range n {
		sid, cb, o, oc := pprfInputs(fmt.Sprintf("pprf/%d", i))
		lr, msg := buildPPRF(&sid, o, nil)
		delta, ls, ok := evalPPRF(&sid, &cb, oc, msg, nil)
		require.Equal(t, 1, ok, "proof")
		for b := range Blocks {
			var want uint8
			for h := range 4 {
				want += uint8(1-choiceBit(&cb, 4*b+h)) << (3 - h)
			}
			require.Equal(t, want, delta[b], "Δ_%d", b)
			seen[delta[b]]++
			for x := range LeavesPerBlock {
				if uint8(x) == delta[b] {
					require.Equal(t, [32]byte{}, ls[b][x], "punctured leaf is zero")
					require.NotEqual(t, [32]byte{}, lr[b][x])
				} else {
					require.Equal(t, lr[b][x], ls[b][x], "b=%d x=%d", b, x)
				}
			}
		}
	}
	for x, c := range seen {
		require.NotZero(t, c, "Δ_b = %d never occurred", x)
	}
}

// The whole pipeline through the exported methods, with the seed types the OT extension uses.
func TestPPRFSeeds(t *testing.T) {
	run := honestRun(t, "seeds", nil)
	require.True(t, run.cs.Valid())
	require.True(t, run.ds.Valid())
	d := run.ds.Delta()
	for b := range Blocks {
		for x := range LeavesPerBlock {
			if uint8(x) == d[b] {
				require.Equal(t, [32]byte{}, run.ds.Leaves()[b][x])
			} else {
				require.Equal(t, run.cs.Leaves()[b][x], run.ds.Leaves()[b][x])
			}
		}
	}
}

// PPRF negative tests (PROTOCOL.md §12.2 N6, N7): a flip in the correction word S uses fails
// the proof, a flip in the unused one passes (and leaves S's leaves intact); a flip in any t̃_b
// or in s̃ fails; a wrong length is MalformedPayload. Each failure blames R.
func TestPPRFRejects(t *testing.T) {
	sid, cb, o, oc := pprfInputs("pprf/neg")
	lr, msg := buildPPRF(&sid, o, nil)
	raw := msg.Marshal()
	eval := func(m []byte) (*Leaves, int) {
		pm, err := ParsePPRFMsg(m)
		require.NoError(t, err)
		_, ls, ok := evalPPRF(&sid, &cb, oc, pm, nil)
		return ls, ok
	}
	flip := func(off int, bit uint) []byte {
		m := bytes.Clone(raw)
		m[off] ^= 1 << bit
		return m
	}
	_, ok := eval(raw)
	require.Equal(t, 1, ok)
	for _, bh := range [][2]int{{0, 1}, {0, 3}, {17, 2}, {63, 1}, {63, 3}} {
		b, h := bh[0], bh[1]
		c := choiceBit(&cb, 4*b+h)
		used := ((b*3+h-1)*2 + c) * 32
		unused := ((b*3+h-1)*2 + 1 - c) * 32
		t.Run(fmt.Sprintf("N6/b=%d/h=%d/used", b, h), func(t *testing.T) {
			_, ok := eval(flip(used+5, 3))
			require.Equal(t, 0, ok)
		})
		t.Run(fmt.Sprintf("N6/b=%d/h=%d/unused", b, h), func(t *testing.T) {
			ls, ok := eval(flip(unused+5, 3))
			require.Equal(t, 1, ok)
			for x := range LeavesPerBlock {
				if ls[b][x] != ([32]byte{}) {
					require.Equal(t, lr[b][x], ls[b][x])
				}
			}
		})
	}
	for _, b := range []int{0, 31, 63} {
		t.Run(fmt.Sprintf("N7/t~/b=%d", b), func(t *testing.T) {
			_, ok := eval(flip(CorrectionsSize+32*b+31, 7))
			require.Equal(t, 0, ok)
		})
	}
	t.Run("N7/s~", func(t *testing.T) {
		_, ok := eval(flip(PPRFMsgSize-1, 0))
		require.Equal(t, 0, ok)
	})

	// Through the exported method: the culprit is R, the length check comes first.
	run := honestRun(t, "pprf/method", nil)
	evalMethod := func(m []byte) error {
		recv, _ := newReceiver(t, "pprf/method", nil)
		ro, err := recv.Finish(run.msg2, nil)
		require.NoError(t, err)
		ds, err := ro.EvalPPRF(m, nil)
		require.Nil(t, ds)
		return err
	}
	for name, m := range map[string][]byte{"empty": nil, "short": run.pprf[:PPRFMsgSize-1], "long": append(bytes.Clone(run.pprf), 0)} {
		t.Run("length/"+name, func(t *testing.T) {
			requireOTError(t, evalMethod(m), CodeMalformedPayload, int(run.c.R))
		})
	}
	bad := bytes.Clone(run.pprf)
	bad[PPRFMsgSize-1] ^= 1
	requireOTError(t, evalMethod(bad), CodePPRFProofInvalid, int(run.c.R))
}

func TestParsePPRFMsgRoundTrip(t *testing.T) {
	r := testrng.New("pprf/rt")
	raw := r.Bytes(PPRFMsgSize)
	m, err := ParsePPRFMsg(raw)
	require.NoError(t, err)
	require.Equal(t, raw, m.Marshal())
	require.Equal(t, raw[:32], m.C[0][0][0][:])
	require.Equal(t, raw[32:64], m.C[0][0][1][:])
	require.Equal(t, raw[64:96], m.C[0][1][0][:])
	require.Equal(t, raw[CorrectionsSize:CorrectionsSize+32], m.TTilde[0][:])
	require.Equal(t, raw[PPRFMsgSize-32:], m.STilde[:])
	_, err = ParsePPRFMsg(raw[1:])
	requireOTError(t, err, CodeMalformedPayload, NoCulprit)
}
