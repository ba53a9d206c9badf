package ot

import (
	"bytes"
	"fmt"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/testrng"
	"github.com/tandem-mpc/tandem/internal/secp"
	"go.uber.org/goleak"
)

// PROTOCOL.md §12.1 item 5: the receiver's output equals the sender's output for the chosen
// slot and differs from the other; both points of every pair are valid; parity bits and
// choice bits are unbiased.
func TestBaseOTProperty(t *testing.T) {
	seeds := []string{"prop/0", "prop/1", "prop/2"}
	if testing.Short() {
		seeds = seeds[:1]
	}
	var odd, ones, total int
	for _, seed := range seeds {
		run := honestRun(t, seed, nil)
		for i := range BaseOTs {
			c := choiceBit(&run.cb, i)
			require.Equal(t, run.so[i][c], run.ro[i], "seed %s t=%d: receiver output ≠ chosen sender output", seed, i)
			require.NotEqual(t, run.so[i][1-c], run.ro[i], "seed %s t=%d: receiver output = other sender output", seed, i)
			require.NotEqual(t, run.so[i][0], run.so[i][1])
			for slot := range 2 {
				var P secp.Point
				enc := run.msg1[(2*i+slot)*PointSize : (2*i+slot+1)*PointSize]
				_, err := P.SetBytes(enc)
				require.NoError(t, err)
				odd += int(enc[0] & 1)
			}
			ones += c
			total++
		}
	}
	// 2·total parity bits and total choice bits, fixed seeds: loose bounds.
	assert.InDelta(t, 0.5, float64(odd)/float64(2*total), 0.08, "parity of r_{t,*}")
	assert.InDelta(t, 0.5, float64(ones)/float64(total), 0.1, "choice bits")
}

// The result must not depend on how a Batch schedules the work.
func TestBatchDeterminism(t *testing.T) {
	a := honestRun(t, "det", nil)
	b := honestRun(t, "det", Parallel(max(2, runtime.GOMAXPROCS(0))))
	c := honestRun(t, "det", Parallel(7))
	for _, r := range []*otRun{b, c} {
		require.Equal(t, a.msg1, r.msg1)
		require.Equal(t, a.msg2, r.msg2)
		require.Equal(t, a.pprf, r.pprf)
		require.Equal(t, a.cs.Leaves(), r.cs.Leaves())
		require.Equal(t, a.ds.DeltaBytes(), r.ds.DeltaBytes())
		require.Equal(t, a.ds.Leaves(), r.ds.Leaves())
	}
}

func TestParallelCoversEveryIndex(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	for _, workers := range []int{0, 1, 2, 3, 8} {
		for _, n := range []int{0, 1, 3, 4, 5, 64, 257} {
			hits := make([]int32, n)
			Parallel(workers)(n, func(i int) { hits[i]++ })
			for i, h := range hits {
				require.EqualValues(t, 1, h, "workers=%d n=%d i=%d", workers, n, i)
			}
		}
	}
}

// invalidX returns a 33-byte encoding whose x is below p but not on the curve.
func invalidX(t testing.TB) []byte {
	for x := byte(1); ; x++ {
		enc := make([]byte, 33)
		enc[0], enc[32] = 2, x
		if _, err := new(secp.Point).SetBytes(enc); err != nil {
			return enc
		}
	}
}

func setPoint(msg []byte, t, slot int, enc []byte) []byte {
	out := bytes.Clone(msg)
	copy(out[(2*t+slot)*PointSize:], enc)
	return out
}

func badEncodings(t testing.TB) map[string][]byte {
	p := []byte{0x02, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe, 0xff, 0xff, 0xfc, 0x2f}
	return map[string][]byte{
		"x not on curve":     invalidX(t),
		"x = p":              p,
		"identity (zeros)":   make([]byte, 33),
		"prefix 0x00":        append([]byte{0}, bytes.Repeat([]byte{1}, 32)...),
		"prefix 0x04":        append([]byte{4}, invalidX(t)[1:]...),
		"prefix 0x05":        append([]byte{5}, invalidX(t)[1:]...),
		"prefix 0x01 (flip)": append([]byte{1}, invalidX(t)[1:]...),
	}
}

// Message 1 negative tests: every malformed point or length is MalformedPayload blaming S
// (PROTOCOL.md §3.2 step 1, N4-style); r_slot = −H2C(…) is BaseOTInvalid blaming S (N5).
func TestSenderRejectsMessage1(t *testing.T) {
	_, msg1 := newReceiver(t, "neg/msg1", nil)
	c := testCorrelation(t, "neg/msg1")
	send := func(m []byte) error {
		_, _, err := NewBaseOTSender(c, m, testrng.New("neg/send"), nil)
		return err
	}
	for name, m := range map[string][]byte{
		"empty": nil, "short": msg1[:BaseOTMsg1Size-1], "long": append(bytes.Clone(msg1), 0),
		"one pair": msg1[:2*PointSize],
	} {
		t.Run("length/"+name, func(t *testing.T) { requireOTError(t, send(m), CodeMalformedPayload, int(c.S)) })
	}
	for name, enc := range badEncodings(t) {
		for _, pos := range [][2]int{{0, 0}, {0, 1}, {255, 1}} {
			t.Run(fmt.Sprintf("%s/t=%d/slot=%d", name, pos[0], pos[1]), func(t *testing.T) {
				err := send(setPoint(msg1, pos[0], pos[1], enc))
				requireOTError(t, err, CodeMalformedPayload, int(c.S))
				require.Contains(t, err.Error(), fmt.Sprintf("t=%d", pos[0]))
			})
		}
	}
	for _, pos := range [][2]int{{0, 0}, {0, 1}, {17, 0}, {255, 1}} {
		t.Run(fmt.Sprintf("M=O/t=%d/slot=%d", pos[0], pos[1]), func(t *testing.T) {
			ti, slot := pos[0], pos[1]
			other := msg1[(2*ti+1-slot)*PointSize : (2*ti+2-slot)*PointSize]
			var neg secp.Point
			neg.Negate(h2cOT(&c.SIDOT, ti, slot, other))
			enc, err := neg.Bytes()
			require.NoError(t, err)
			err = send(setPoint(msg1, ti, slot, enc[:]))
			requireOTError(t, err, CodeBaseOTInvalid, int(c.S))
			require.Contains(t, err.Error(), fmt.Sprintf("t=%d slot %d", ti, slot))
		})
	}
}

// Message 2 negative tests: malformed points (N7) are MalformedPayload blaming R; a valid but
// wrong B at the chosen slot makes the PPRF proof fail; at the other slot it is harmless.
func TestReceiverRejectsMessage2(t *testing.T) {
	run := honestRun(t, "neg/msg2", nil)
	finish := func(m []byte) (*ReceiverOutputs, error) {
		recv, _ := newReceiver(t, "neg/msg2", nil)
		return recv.Finish(m, nil)
	}
	for name, m := range map[string][]byte{"empty": nil, "short": run.msg2[:100], "long": append(bytes.Clone(run.msg2), 1)} {
		t.Run("length/"+name, func(t *testing.T) {
			_, err := finish(m)
			requireOTError(t, err, CodeMalformedPayload, int(run.c.R))
		})
	}
	for name, enc := range badEncodings(t) {
		// Both slots are decoded whatever the choice bit (§3.3 step 1).
		for slot := range 2 {
			t.Run(fmt.Sprintf("%s/slot=%d", name, slot), func(t *testing.T) {
				_, err := finish(setPoint(run.msg2, 9, slot, enc))
				requireOTError(t, err, CodeMalformedPayload, int(run.c.R))
			})
		}
	}
	G := secp.NewGeneratorPoint()
	gEnc, _ := G.Bytes()
	const ti = 42
	c := choiceBit(&run.cb, ti)
	t.Run("wrong B at chosen slot", func(t *testing.T) {
		ro, err := finish(setPoint(run.msg2, ti, c, gEnc[:]))
		require.NoError(t, err)
		require.NotEqual(t, run.ro[ti], ro.o[ti])
		_, err = ro.EvalPPRF(run.pprf, nil)
		requireOTError(t, err, CodePPRFProofInvalid, int(run.c.R))
	})
	t.Run("wrong B at other slot", func(t *testing.T) {
		ro, err := finish(setPoint(run.msg2, ti, 1-c, gEnc[:]))
		require.NoError(t, err)
		require.Equal(t, run.ro, ro.o)
	})
}

// A valid but different r point in message 1 goes through the sender, and the mismatch
// surfaces as a failed PPRF proof at S.
func TestWrongPointInMessage1FailsProof(t *testing.T) {
	recv, msg1 := newReceiver(t, "neg/r", nil)
	c := testCorrelation(t, "neg/r")
	gEnc, _ := secp.NewGeneratorPoint().Bytes()
	so, msg2, err := NewBaseOTSender(c, setPoint(msg1, 3, 1, gEnc[:]), testrng.New("x"), nil)
	require.NoError(t, err)
	_, pprf, err := so.BuildPPRF(nil)
	require.NoError(t, err)
	ro, err := recv.Finish(msg2, nil)
	require.NoError(t, err)
	_, err = ro.EvalPPRF(pprf, nil)
	requireOTError(t, err, CodePPRFProofInvalid, int(c.R))
}

// Every state is single-use (PROTOCOL.md "one state per round, consumed once"), including
// after an error.
func TestStatesAreSingleUse(t *testing.T) {
	recv, msg1 := newReceiver(t, "once", nil)
	c := testCorrelation(t, "once")
	so, msg2, err := NewBaseOTSender(c, msg1, testrng.New("once/send"), nil)
	require.NoError(t, err)
	_, pprf, err := so.BuildPPRF(nil)
	require.NoError(t, err)
	_, _, err = so.BuildPPRF(nil)
	require.ErrorIs(t, err, ErrStateConsumed)
	require.ErrorIs(t, err, ErrInternal)
	require.Equal(t, [BaseOTs][2][32]byte{}, so.o, "sender outputs erased")

	ro, err := recv.Finish(msg2, nil)
	require.NoError(t, err)
	_, err = recv.Finish(msg2, nil)
	require.ErrorIs(t, err, ErrStateConsumed)
	require.Equal(t, [BaseOTs]secp.Scalar{}, recv.a, "a_t erased")
	_, err = ro.EvalPPRF(pprf, nil)
	require.NoError(t, err)
	_, err = ro.EvalPPRF(pprf, nil)
	require.ErrorIs(t, err, ErrStateConsumed)
	require.Equal(t, [BaseOTs][32]byte{}, ro.o, "receiver outputs erased")

	// After an error the state is consumed too.
	recv2, _ := newReceiver(t, "once", nil)
	_, err = recv2.Finish(nil, nil)
	requireOTError(t, err, CodeMalformedPayload, int(c.R))
	_, err = recv2.Finish(msg2, nil)
	require.ErrorIs(t, err, ErrStateConsumed)

	var nilRecv *BaseOTReceiver
	_, err = nilRecv.Finish(msg2, nil)
	require.ErrorIs(t, err, ErrStateConsumed)
	// Zero values are unusable.
	_, err = new(BaseOTReceiver).Finish(msg2, nil)
	require.ErrorIs(t, err, ErrStateConsumed)
	_, _, err = new(SenderOutputs).BuildPPRF(nil)
	require.ErrorIs(t, err, ErrStateConsumed)
	_, err = new(ReceiverOutputs).EvalPPRF(pprf, nil)
	require.ErrorIs(t, err, ErrStateConsumed)
}

func TestCorrelation(t *testing.T) {
	parent := [32]byte{9}
	for _, rs := range [][2]uint8{{0, 0}, {1, 1}, {2, 0}, {0, 2}} {
		_, err := NewCorrelation(parent, rs[0], rs[1])
		requireOTError(t, err, CodeInternal, NoCulprit)
	}
	c01, err := NewCorrelation(parent, 0, 1)
	require.NoError(t, err)
	c10, err := NewCorrelation(parent, 1, 0)
	require.NoError(t, err)
	other, err := NewCorrelation([32]byte{10}, 0, 1)
	require.NoError(t, err)
	ids := map[[32]byte]bool{}
	for _, c := range []Correlation{c01, c10, other} {
		ids[c.SIDOT], ids[c.SIDPPRF] = true, true
	}
	require.Len(t, ids, 6, "session ids differ per direction, per parent and per use")
	sidOT, sidPPRF := SessionIDs(parent, 0, 1)
	require.Equal(t, c01.SIDOT, sidOT)
	require.Equal(t, c01.SIDPPRF, sidPPRF)

	_, _, err = NewBaseOTReceiver(Correlation{}, testrng.New("x"), nil)
	requireOTError(t, err, CodeInternal, NoCulprit)
	_, _, err = NewBaseOTReceiver(c01, nil, nil)
	requireOTError(t, err, CodeInternal, NoCulprit)
	_, _, err = NewBaseOTSender(Correlation{}, nil, testrng.New("x"), nil)
	requireOTError(t, err, CodeInternal, NoCulprit)
}

func TestErrorText(t *testing.T) {
	e := &Error{Step: stepSender, Code: CodeBaseOTInvalid, Culprit: 1, Detail: "t=3 slot 0: M = O"}
	require.Equal(t, "ot: base-OT sender: BaseOTInvalid: t=3 slot 0: M = O (culprit: party 1)", e.Error())
	require.ErrorIs(t, e, ErrBaseOTInvalid)
	require.NotErrorIs(t, e, ErrMalformed)
	require.Equal(t, "Code(0x42)", Code(0x42).String())
	for _, c := range []Code{CodeMalformedPayload, CodeBaseOTInvalid, CodePPRFProofInvalid, CodeInternal} {
		require.ErrorIs(t, &Error{Code: c, Culprit: NoCulprit}, sentinel(c))
	}
}
