package refresh_test

import (
	"bytes"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/engineerr"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/keyshare"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/refresh"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/testrng"
	"github.com/tandem-mpc/tandem/internal/transcript"
)

// Byte offsets inside the refresh payloads (after the 34-byte header).
const (
	hdr      = refresh.HeaderSize
	rf1Z     = hdr + 32
	rf3Corr  = hdr + 16896
	rf3TT    = rf3Corr + 12288
	rf3ST    = rf3TT + 2048
	genPoint = "0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"
)

func pointG() []byte {
	b := make([]byte, 33)
	_, _ = fmt.Sscanf(genPoint, "%x", &b)
	return b
}

// TestTamperEveryField tampers every field of RF1–RF4, in both directions, and checks that
// the run ends in an ignore (class (a): the driver would wait and time out) or a typed error
// that names a culprit (SetupMismatch: none), never locks, and leaves the failing party's old
// keyshare untouched. N1, N8 and N31 of §12.2 are rows of this table.
func TestTamperEveryField(t *testing.T) {
	type mut func(p []byte) []byte
	flip := func(off int) mut { return func(p []byte) []byte { p[off] ^= 0x01; return p } }
	set := func(off int, v []byte) mut { return func(p []byte) []byte { copy(p[off:], v); return p } }
	cut := func(p []byte) []byte { return p[:len(p)-1] }
	grow := func(p []byte) []byte { return append(p, 0) }
	ignore := engineerr.Code(0) // marker: expect ErrIgnore
	cases := []struct {
		name  string
		round int
		m     mut
		codes []engineerr.Code
	}{
		{"N1 RF1 setup digest", 1, flip(hdr - 1), []engineerr.Code{engineerr.SetupMismatch}},
		{"RF1 σ", 1, flip(hdr), []engineerr.Code{ignore}}, // sid_rf differs: RF2 never matches
		{"N31 RF1 Z prefix 0x04", 1, set(rf1Z, []byte{0x04}), []engineerr.Code{engineerr.MalformedPayload}},
		{"N31 RF1 Z x ≥ p", 1, set(rf1Z+1, bytes.Repeat([]byte{0xff}, 32)), []engineerr.Code{engineerr.MalformedPayload}},
		{"RF1 Z another valid point", 1, set(rf1Z, pointG()), []engineerr.Code{engineerr.ConfirmationMismatch}},
		{"N31 RF1 short", 1, cut, []engineerr.Code{engineerr.MalformedPayload}},
		{"N31 RF1 long", 1, grow, []engineerr.Code{engineerr.MalformedPayload}},
		{"RF2 binding", 2, flip(10), []engineerr.Code{ignore}},
		{"RF2 OTmsg1 prefix", 2, set(hdr, []byte{0x05}), []engineerr.Code{engineerr.MalformedPayload}},
		{"RF2 OTmsg1 another valid point", 2, set(hdr+33*100, pointG()), []engineerr.Code{engineerr.PPRFProofInvalid, engineerr.BaseOTInvalid}},
		{"RF2 short", 2, cut, []engineerr.Code{engineerr.MalformedPayload}},
		{"RF3 binding", 3, flip(2), []engineerr.Code{ignore}},
		{"RF3 OTmsg2 prefix", 3, set(hdr+33*7, []byte{0x00}), []engineerr.Code{engineerr.MalformedPayload}},
		// A change the PPRF check does not see (the unchosen B_{t,1−c}, or a correction on the
		// unused side, N6) is caught by the confirmation, which hashes every RF3 byte.
		{"RF3 OTmsg2 another valid point", 3, set(hdr+33*9, pointG()), []engineerr.Code{engineerr.PPRFProofInvalid, engineerr.ConfirmationMismatch}},
		{"RF3 corrections", 3, flip(rf3Corr + 100), []engineerr.Code{engineerr.PPRFProofInvalid, engineerr.ConfirmationMismatch}},
		{"RF3 t̃", 3, flip(rf3TT + 5), []engineerr.Code{engineerr.PPRFProofInvalid}},
		{"RF3 s̃", 3, flip(rf3ST + 31), []engineerr.Code{engineerr.PPRFProofInvalid}},
		{"RF3 long", 3, grow, []engineerr.Code{engineerr.MalformedPayload}},
		{"RF4 binding", 4, flip(33), []engineerr.Code{ignore}},
		{"N8 RF4 confirmation", 4, flip(hdr + 3), []engineerr.Code{engineerr.ConfirmationMismatch}},
		{"RF4 short", 4, cut, []engineerr.Code{engineerr.MalformedPayload}},
	}
	for k, c := range cases {
		for from := range uint8(2) {
			if raceEnabled && (from == 0 || k%3 != 0) {
				continue // the race run samples every third field, one direction
			}
			t.Run(fmt.Sprintf("%s from P%d", c.name, from+1), func(t *testing.T) {
				t.Parallel()
				ks := keyshares(t)
				var enc [2][]byte
				for i := range 2 {
					enc[i] = ks[i].Marshal()
				}
				run, err := runRefresh(t, ks, refreshSeeds, func(r int, f uint8, p []byte) []byte {
					if r == c.round && f == from {
						return c.m(p)
					}
					return p
				})
				require.Error(t, err, "tampering went unnoticed")
				failing := int(1 - from)
				pendingKept := false
				if errors.Is(err, engineerr.ErrIgnore) {
					require.Contains(t, c.codes, ignore, "ignored: %v", err)
					// An ignored RF4 leaves the state waiting: the pair stays stored.
					pendingKept = c.round == 4
				} else {
					var e *engineerr.Error
					require.True(t, errors.As(err, &e), "untyped error %v", err)
					require.Contains(t, c.codes, e.Code, "%v", err)
					require.False(t, e.Locked)
					require.Equal(t, "refresh", e.Op)
					if e.Code == engineerr.SetupMismatch {
						require.Equal(t, engineerr.NoCulprit, e.Culprit)
					} else {
						require.Contains(t, []int{0, 1}, e.Culprit, "a culprit is named")
						failing = 1 - e.Culprit
					}
					require.NotContains(t, err.Error(), "panic")
				}
				// The failing party keeps its old keyshare byte for byte (lock state
				// included) and stores either nothing or {Active: old}.
				require.True(t, bytes.Equal(enc[failing], ks[failing].Marshal()), "old keyshare changed")
				if st := run.stores[failing]; st.calls > 0 {
					require.Equal(t, pendingKept, st.pending != nil, "pending generation stored")
					require.True(t, bytes.Equal(enc[failing], st.active), "stored active generation")
				}
				for i := range 2 {
					if ks[i].Share().IsZero() == 0 {
						locked, _, _ := ks[i].Locked()
						require.False(t, locked)
					}
				}
			})
		}
	}
}

// TestSetupMismatch is N1 for refresh: a different instance id, or a different generation
// (share_id) at the peer, aborts in round 1 with SetupMismatch, no culprit, no lock.
func TestSetupMismatch(t *testing.T) {
	otherGen := func(k *keyshare.Keyshare) *keyshare.Keyshare {
		b := k.Marshal()
		b[74] ^= 1 // gen_sid
		kid := k.KeyID()
		sid := transcript.H(transcript.LabelKeyShareID, kid[:], b[74:106])
		copy(b[42:74], sid[:])
		n, err := keyshare.Parse(reseal(b))
		require.NoError(t, err)
		return n
	}
	for _, c := range []struct {
		name string
		inst [32]byte
		edit func(*keyshare.Keyshare) *keyshare.Keyshare
	}{
		{"instance id", [32]byte{0x34}, func(k *keyshare.Keyshare) *keyshare.Keyshare { return k }},
		{"share_id", refreshInstance, otherGen},
	} {
		t.Run(c.name, func(t *testing.T) {
			ks := keyshares(t)
			a, err := refresh.New(refreshInstance, ks[0], testrng.New("a"), new(store).save)
			require.NoError(t, err)
			b, err := refresh.New(c.inst, c.edit(ks[1]), testrng.New("b"), new(store).save)
			require.NoError(t, err)
			_, _, err = a.Next(b.Payload())
			var e *engineerr.Error
			require.True(t, errors.As(err, &e))
			require.Equal(t, engineerr.SetupMismatch, e.Code)
			require.Equal(t, engineerr.NoCulprit, e.Culprit)
			require.False(t, e.Locked)
		})
	}
}

// TestIgnoreDuplicateEquivocation covers §10.1 rules 2, 3, 4 and 6 (N24, N25 for refresh).
func TestIgnoreDuplicateEquivocation(t *testing.T) {
	ps := start(t, keyshares(t))
	// Round 1: junk, a wrong version, a keygen type, a payload ahead: all ignored.
	for _, p := range [][]byte{nil, {1}, append([]byte{2, 0x31}, ps.p[1][1][2:]...), append([]byte{1, 0x12}, ps.p[1][1][2:]...), append([]byte{1, 0x33}, ps.p[1][1][2:]...)} {
		_, _, err := ps.r1[0].Next(p)
		require.ErrorIs(t, err, engineerr.ErrIgnore)
	}
	ps.round1(t)
	// Round 2: a duplicate RF1 is ignored, a different RF1 with the right binding is
	// Equivocation (no lock), an RF2 with a wrong binding is ignored.
	_, _, err := ps.r2[0].Next(ps.p[1][1])
	require.ErrorIs(t, err, engineerr.ErrIgnore)
	wrong := bytes.Clone(ps.p[2][1])
	wrong[5] ^= 1
	_, _, err = ps.r2[0].Next(wrong)
	require.ErrorIs(t, err, engineerr.ErrIgnore)
	ps.round2(t)
	ps.round3(t)
	other := bytes.Clone(ps.p[1][1])
	other[40] ^= 1
	_, err = ps.r4[0].Next(other)
	var e *engineerr.Error
	require.True(t, errors.As(err, &e))
	require.Equal(t, engineerr.Equivocation, e.Code)
	require.Equal(t, 1, e.Culprit)
	require.False(t, e.Locked)
	// The round-4 abort discarded the pending generation.
	g := ps.st[0].load(t)
	require.Nil(t, g.Pending)
	ps.unchanged(t, 0)
	// The state is consumed.
	_, err = ps.r4[0].Next(ps.p[4][1])
	require.ErrorIs(t, err, engineerr.ErrStateConsumed)
	_, err = ps.r4[0].Pending()
	require.ErrorIs(t, err, engineerr.ErrStateConsumed)
	// P2 is unaffected.
	_, err = ps.r4[1].Next(ps.p[4][0])
	require.NoError(t, err)
}

// TestConsumed: every state fails a second call and a call after an error.
func TestConsumed(t *testing.T) {
	ps := start(t, keyshares(t)).upTo(t, 4)
	_, _, err := ps.r1[0].Next(ps.p[1][1])
	require.ErrorIs(t, err, engineerr.ErrStateConsumed)
	_, _, err = ps.r2[0].Next(ps.p[2][1])
	require.ErrorIs(t, err, engineerr.ErrStateConsumed)
	_, _, err = ps.r3[0].Next(ps.p[3][1])
	require.ErrorIs(t, err, engineerr.ErrStateConsumed)

	ps = start(t, keyshares(t))
	bad := bytes.Clone(ps.p[1][1])
	bad = bad[:len(bad)-1]
	_, _, err = ps.r1[0].Next(bad)
	require.ErrorIs(t, err, engineerr.MalformedPayload)
	_, _, err = ps.r1[0].Next(ps.p[1][1])
	require.ErrorIs(t, err, engineerr.ErrStateConsumed)
	var nilR *refresh.Round1
	_, _, err = nilR.Next(nil)
	require.ErrorIs(t, err, engineerr.ErrStateConsumed)
}
