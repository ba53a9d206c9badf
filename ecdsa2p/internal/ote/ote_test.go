package ote

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tandem-mpc/tandem/ecdsa2p/internal/gf128"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/ote/modn"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/testrng"
	"github.com/tandem-mpc/tandem/internal/transcript"
)

func TestSessionID(t *testing.T) {
	var signSID [32]byte
	for i := range signSID {
		signSID[i] = byte(i)
	}
	r0, s1 := transcript.U8(0), transcript.U8(1)
	want := transcript.H(transcript.LabelSignOTESID, signSID[:], r0[:], s1[:])
	assert.Equal(t, want, SessionID(signSID, 0, 1))
	assert.NotEqual(t, SessionID(signSID, 0, 1), SessionID(signSID, 1, 0), "the two directions differ")

	sess, err := NewSession(signSID, 0, 1)
	require.NoError(t, err)
	assert.Equal(t, want, sess.ID())
	assert.Equal(t, uint8(0), sess.Chooser())
	assert.Equal(t, uint8(1), sess.DeltaHolder())
	for _, rs := range [][2]uint8{{0, 0}, {1, 1}, {0, 2}, {2, 1}, {255, 0}} {
		_, err := NewSession(signSID, rs[0], rs[1])
		assert.Error(t, err, "R=%d S=%d", rs[0], rs[1])
	}
}

// TestHasherMatchesPRG checks both paths of the hasher (the sha2 templates and the transcript
// Hasher) against the generic PRG, including a hasher reused across session ids.
func TestHasherMatchesPRG(t *testing.T) {
	defer func(v bool) { fastHash = v }(fastHash)
	for _, fast := range []bool{false, true} {
		fastHash = fast
		p := getHasher([32]byte{9})
		for _, seed := range []string{"hasher", "hasher-2"} {
			sess := testSession(t, seed, 0, 1)
			sid := sess.ID()
			putHasher(p)
			p = getHasher(sid)
			rnd := testrng.New("ote/hasher")
			for i := range 20 {
				var key [32]byte
				rnd.RandomBytes(key[:])
				b, x := uint8(i*7%64), uint8(i%16)
				var got [RowBytes]byte
				p.expand80(&got, &key, b, x)
				bb, xb := transcript.U8(b), transcript.U8(x)
				want := transcript.PRG(transcript.LabelOTEExpand, RowBytes, key, sid[:], bb[:], xb[:])
				require.Equal(t, want, got[:], "fast=%v", fast)

				j := i * 25
				var pad [Width]modn.Scalar
				p.pad(&pad, &key, uint16(j))
				wantPad := refPad(sess, key[:], j)
				require.True(t, scalarsEqual(&pad, &wantPad), "fast=%v, pad %d", fast, j)
			}
		}
		putHasher(p)
	}
}

// TestGenericPath runs one whole extension with the transcript path of the hasher and checks
// that it gives the same message and pads as the default path.
func TestGenericPath(t *testing.T) {
	cs, ds := testSeeds(t, "generic")
	sess := testSession(t, "generic", 0, 1)
	run := func(fast bool) ([]byte, *ReceiverOutput, *SenderOutput) {
		defer func(v bool) { fastHash = v }(fastHash)
		fastHash = fast
		recv, msg, err := NewReceiver(renew(sess), cs, testrng.New("ote/generic"))
		require.NoError(t, err)
		snd, err := NewSender(renew(sess), ds)
		require.NoError(t, err)
		out, err := snd.Extend(msg)
		require.NoError(t, err)
		return msg, recv, out
	}
	m1, r1, o1 := run(false)
	m2, r2, o2 := run(true)
	require.Equal(t, m1, m2)
	require.Equal(t, *r1.Pads(), *r2.Pads())
	require.Equal(t, *o1.Pads0(), *o2.Pads0())
	require.Equal(t, *o1.Pads1(), *o2.Pads1())
}

// TestExtensionCorrectness runs honest extensions over many seeds and checks PROTOCOL.md §12.1
// item 7: W_ι = T_ι ⊕ bit(Δ, ι)·β′ (so col_j(W) = col_j(T) ⊕ β_j·Δ), the check passes, and the
// receiver's pads equal α0_j when β_j = 0 and α1_j when β_j = 1.
func TestExtensionCorrectness(t *testing.T) {
	n := 8
	if testing.Short() || raceEnabled {
		n = 2
	}
	for i := range n {
		cs, ds := testSeeds(t, seedName(i))
		sess := testSession(t, seedName(i), uint8(i&1), uint8(1-i&1))
		recv, msg, err := NewReceiver(renew(sess), cs, testrng.New("ote/beta/"+seedName(i)))
		require.NoError(t, err)
		require.Len(t, msg, MsgSize)

		// W against T, with the reference computation of T.
		tRef, uRef := refRows(sess, cs.Leaves(), recv.Choices())
		for b := range blocks {
			require.Equal(t, uRef[b][:], msg[b*RowBytes:(b+1)*RowBytes], "u_%d", b)
		}
		w := new(senderWork)
		senderRows(newHasher(sess.ID()), &w.r[0], &w.w, ds.Delta(), ds.Leaves(), msg[:uSize], 0, blocks)
		for iota := range Rows {
			want := tRef[iota]
			bit := (ds.Delta()[iota>>2] >> (iota & 3)) & 1
			for c := range want {
				want[c] ^= recv.Choices()[c] & (-bit)
			}
			require.Equal(t, want, w.w[iota], "W_%d", iota)
		}
		delta := ds.DeltaBytes()
		for j := range OTs {
			colW, colT := column(&w.w, j), column(&tRef, j)
			for q := range colT {
				colT[q] ^= delta[q] & -bitOf(recv.Choices()[:], j)
			}
			require.Equal(t, colT, colW, "col_%d", j)
		}

		snd, err := NewSender(renew(sess), ds)
		require.NoError(t, err)
		out, err := snd.Extend(msg)
		require.NoError(t, err)
		for j := range OTs {
			want := &out.Pads0()[j]
			if recv.Choice(j) == 1 {
				want = &out.Pads1()[j]
			}
			other := &out.Pads1()[j]
			if recv.Choice(j) == 1 {
				other = &out.Pads0()[j]
			}
			require.True(t, scalarsEqual(&recv.Pads()[j], want), "seed %d, OT %d", i, j)
			require.False(t, scalarsEqual(&recv.Pads()[j], other), "seed %d, OT %d", i, j)
			col := column(&tRef, j)
			ref := refPad(sess, col[:], j)
			require.True(t, scalarsEqual(&recv.Pads()[j], &ref), "receiver pad %d", j)
		}
	}
}

// requireCheckFailed asserts an OT-extension check failure blaming R, with Lock() true.
func requireCheckFailed(t *testing.T, err error, sess Session) {
	t.Helper()
	require.ErrorIs(t, err, ErrCheckFailed)
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.True(t, e.Lock())
	assert.Equal(t, sess.Chooser(), e.Culprit)
	assert.Equal(t, uint8(CodeOTExtensionCheckFailed), e.Code())
	assert.NotErrorIs(t, err, ErrMalformed)
}

func extend(t *testing.T, sess Session, seedsName string, msg []byte) error {
	t.Helper()
	_, ds := testSeeds(t, seedsName)
	snd, err := NewSender(renew(sess), ds)
	require.NoError(t, err)
	_, err = snd.Extend(msg)
	return err
}

// TestTamper is PROTOCOL.md §12.2 N10 at this layer: a bit flip in some u_b, in x̃ or in any t̃_ι
// fails the check with a locking error that blames R.
func TestTamper(t *testing.T) {
	cs, _ := testSeeds(t, "tamper")
	sess := testSession(t, "tamper", 1, 0)
	_, msg, err := NewReceiver(renew(sess), cs, testrng.New("ote/tamper"))
	require.NoError(t, err)
	require.NoError(t, extend(t, sess, "tamper", msg), "the honest message passes")

	flip := func(off int, bit uint) []byte {
		m := append([]byte(nil), msg...)
		m[off] ^= 1 << bit
		return m
	}
	for _, b := range []int{0, 17, 42, 63} {
		requireCheckFailed(t, extend(t, sess, "tamper", flip(b*RowBytes+b%RowBytes, uint(b%8))), sess)
	}
	for _, off := range []int{0, 7, 15} {
		requireCheckFailed(t, extend(t, sess, "tamper", flip(uSize+off, 3)), sess)
	}
	step := 1
	if testing.Short() || raceEnabled {
		step = 17
	}
	for i := 0; i < Rows; i += step {
		requireCheckFailed(t, extend(t, sess, "tamper", flip(uSize+16+16*i+i%16, uint(i%8))), sess)
	}
}

// TestChosenChoicesCheat is the selective-failure probe of PROTOCOL.md §5 ("What the check
// buys") and §10.3: a receiver that uses a different β″ in block b (u_b = β″ ⊕ ⊕_x r_{b,x}) and
// adjusts t̃ for a guess g of Δ_b passes exactly when g = Δ_b. The guess is a whole nibble, and
// a wrong guess fails with a locking error.
func TestChosenChoicesCheat(t *testing.T) {
	cs, ds := testSeeds(t, "cheat")
	sess := testSession(t, "cheat", 0, 1)
	choices := [ChoiceBytes]byte{}
	testrng.New("ote/cheat/beta").RandomBytes(choices[:])
	tRows, u := refRows(sess, cs.Leaves(), &choices)
	other := choices
	other[3] ^= 0x10 // β″ differs from β′ in one choice bit
	diff := gf128.Element{}
	for _, b := range []int{5, 40} {
		db := ds.Delta()[b]
		for _, guess := range []uint8{db, db ^ 1, db ^ 8, db ^ 15} {
			cheatU := u
			for i := range RowBytes {
				cheatU[b][i] ^= choices[i] ^ other[i]
			}
			msg := make([]byte, 0, MsgSize)
			for k := range blocks {
				msg = append(msg, cheatU[k][:]...)
			}
			chi := challenges(&sess.sid, msg)
			diff = gf128.Add(fold(&choices, &chi), fold(&other, &chi))
			xt := fold(&choices, &chi).Bytes()
			msg = append(msg, xt[:]...)
			for i := range Rows {
				tt := fold(&tRows[i], &chi)
				if i>>2 == b {
					tt = gf128.Add(tt, diff.Mask(uint64(guess>>(i&3))&1))
				}
				tb := tt.Bytes()
				msg = append(msg, tb[:]...)
			}
			err := extend(t, sess, "cheat", msg)
			if guess == db {
				require.NoError(t, err, "block %d: the right guess passes (and reveals Δ_b)", b)
			} else {
				requireCheckFailed(t, err, sess)
			}
		}
	}
}

func TestMalformed(t *testing.T) {
	cs, ds := testSeeds(t, "malformed")
	sess := testSession(t, "malformed", 0, 1)
	_, msg, err := NewReceiver(renew(sess), cs, testrng.New("ote/malformed"))
	require.NoError(t, err)
	for _, n := range []int{0, 1, MsgSize - 1, MsgSize + 1, 2 * MsgSize} {
		m := make([]byte, n)
		copy(m, msg)
		snd, err := NewSender(renew(sess), ds)
		require.NoError(t, err)
		_, err = snd.Extend(m)
		require.ErrorIs(t, err, ErrMalformed, "length %d", n)
		var e *Error
		require.ErrorAs(t, err, &e)
		assert.False(t, e.Lock(), "a malformed message does not lock")
		assert.Equal(t, uint8(0), e.Culprit)
		assert.Equal(t, uint8(CodeMalformedPayload), e.Code())
		assert.NotErrorIs(t, err, ErrCheckFailed)
		assert.Contains(t, err.Error(), "ote: processing S2: malformed message (culprit party 0)")
	}
}

func TestSingleUse(t *testing.T) {
	cs, ds := testSeeds(t, "reuse")
	sess := testSession(t, "reuse", 0, 1)

	// A Session, and every copy of it, runs each role once.
	once := testSession(t, "once", 0, 1)
	_, onceMsg, err := NewReceiver(once, cs, testrng.New("ote/once"))
	require.NoError(t, err)
	_, _, err = NewReceiver(once.WithRunner(Sequential), cs, testrng.New("ote/once"))
	require.ErrorIs(t, err, ErrReused)
	_, err = NewSender(once, ds)
	require.NoError(t, err)
	_, err = NewSender(once, ds)
	require.ErrorIs(t, err, ErrReused)
	_ = onceMsg

	recv, msg, err := NewReceiver(renew(sess), cs, testrng.New("ote/reuse"))
	require.NoError(t, err)
	snd, err := NewSender(renew(sess), ds)
	require.NoError(t, err)
	out, err := snd.Extend(msg)
	require.NoError(t, err)
	_, err = snd.Extend(msg)
	require.ErrorIs(t, err, ErrReused, "a sender state extends once")

	require.NoError(t, recv.Claim())
	require.ErrorIs(t, recv.Claim(), ErrReused)
	require.NoError(t, out.Claim())
	require.ErrorIs(t, out.Claim(), ErrReused)

	// A failed Extend consumes the state too.
	snd, err = NewSender(renew(sess), ds)
	require.NoError(t, err)
	_, err = snd.Extend(msg[:10])
	require.ErrorIs(t, err, ErrMalformed)
	_, err = snd.Extend(msg)
	require.ErrorIs(t, err, ErrReused)
}

func TestInvalidInputs(t *testing.T) {
	cs, ds := testSeeds(t, "invalid")
	sess := testSession(t, "invalid", 0, 1)
	_, _, err := NewReceiver(Session{}, cs, testrng.New("x"))
	require.ErrorIs(t, err, ErrInvalidInput)
	_, _, err = NewReceiver(renew(sess), nil, testrng.New("x"))
	require.ErrorIs(t, err, ErrInvalidInput)
	_, _, err = NewReceiver(renew(sess), cs, nil)
	require.ErrorIs(t, err, ErrInvalidInput)
	_, err = NewSender(Session{}, ds)
	require.ErrorIs(t, err, ErrInvalidInput)
	_, err = NewSender(renew(sess), nil)
	require.ErrorIs(t, err, ErrInvalidInput)
	var nilOut *ReceiverOutput
	require.ErrorIs(t, nilOut.Claim(), ErrInvalidInput)
	var nilSnd *Sender
	_, err = nilSnd.Extend(nil)
	require.ErrorIs(t, err, ErrInvalidInput)
	require.False(t, errors.Is(err, ErrMalformed))
}

// TestDraws checks that the receiver draws exactly β′ = RandomBytes(80): three blocks of the
// test RNG (PROTOCOL.md §12.5).
func TestDraws(t *testing.T) {
	cs, _ := testSeeds(t, "draws")
	sess := testSession(t, "draws", 0, 1)
	rnd := testrng.New("ote/draws")
	out, _, err := NewReceiver(renew(sess), cs, rnd)
	require.NoError(t, err)
	assert.Equal(t, uint64(3), rnd.Blocks())
	assert.Equal(t, testrng.New("ote/draws").Bytes(ChoiceBytes), out.Choices()[:])
}

// TestReplayAcrossSessions: an OTE message made for one session fails the check in any other
// session over the same seeds (a replay after an instance-id reuse, PROTOCOL.md §13 D1), and
// the receiver's message differs between sessions even with the same β′.
func TestReplayAcrossSessions(t *testing.T) {
	cs, ds := testSeeds(t, "replay")
	a := testSession(t, "replay-a", 0, 1)
	b := testSession(t, "replay-b", 0, 1)
	_, msgA, err := NewReceiver(a, cs, testrng.New("ote/replay"))
	require.NoError(t, err)
	_, msgB, err := NewReceiver(b, cs, testrng.New("ote/replay"))
	require.NoError(t, err)
	require.NotEqual(t, msgA, msgB)
	snd, err := NewSender(b, ds)
	require.NoError(t, err)
	_, err = snd.Extend(msgA)
	requireCheckFailed(t, err, b)
}
