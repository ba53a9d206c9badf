package refresh_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/engineerr"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/keyshare"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/ot"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/refresh"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/testrng"
	"github.com/tandem-mpc/tandem/internal/secp"
	"github.com/tandem-mpc/tandem/internal/transcript"
)

// TestKnownAnswerPayloads checks the §12.4(d) refresh payload hashes through the round
// states directly (testvec checks the same through RunRefresh).
func TestKnownAnswerPayloads(t *testing.T) {
	ps := start(t, keyshares(t)).upTo(t, 4)
	want := [4][2]string{
		{"dee54d8972cd30c21b857ee705f8406ade1215f8c02115ba8be5ef0d0c5f05a6", "0b92aa312d330da26c15df9159e3c015ba55e3ec3943967fd2d3d19456171edf"},
		{"35684cc8e5765ec2bcc71e90522602080a847e9a9108b77b55194c24bc5b7769", "7c1d2d38b64bfc1b4a364e7de46cc2a255f80a6792cdd46ae163de4a19f08f83"},
		{"7be06e8445d4ca854fbf54c54159a9da140677ac3fdb17078df0831a26f46ad7", "81eb3fd62c3b28269ac2fd7eefc9d3f97ffd5739e71f70f1d37d2d2911699c28"},
		{"bf28f614cfef8c9030a55b0e3719e9652707186e4e56e2c42e7d3c8b30e5b1b9", "0f0fe4978441616817e44f8d6d875ca41242a9df14379168a4d001d427057981"},
	}
	sizes := []int{refresh.SizeRF1, refresh.SizeRF2, refresh.SizeRF3, refresh.SizeRF4}
	for r := range 4 {
		for i := range 2 {
			require.Len(t, ps.p[r+1][i], sizes[r])
			assert.Equal(t, want[r][i], sha(ps.p[r+1][i]), "SHA-256(RF%d P%d)", r+1, i+1)
		}
	}
	assert.Equal(t, "d5720ec9cc286919976feb2be02c4d51a0702240abb328e596c905f0599c0b6a",
		func() string { s := ps.r4[0].ShareID(); return sha256Hex(s[:]) }())
}

func sha256Hex(b []byte) string {
	const digits = "0123456789abcdef"
	out := make([]byte, 0, 2*len(b))
	for _, c := range b {
		out = append(out, digits[c>>4], digits[c&15])
	}
	return string(out)
}

// TestRefreshProperties checks PROTOCOL.md §12.1 item 11 and the new correlations on several
// seeded runs.
func TestRefreshProperties(t *testing.T) {
	seeds := [][2]string{{"kat/refresh/0", "kat/refresh/1"}, {"prop/a", "prop/b"}, {"prop/c", "prop/d"}}
	if raceEnabled {
		seeds = seeds[1:2]
	}
	for _, sd := range seeds {
		t.Run(sd[0], func(t *testing.T) {
			ks := keyshares(t)
			var oldX [2]*secp.Scalar
			var oldID, oldSID [2][32]byte
			for i := range 2 {
				oldX[i] = ks[i].Share()
				oldID[i], oldSID[i] = ks[i].KeyID(), ks[i].ShareID()
			}
			Q, cc := ks[0].PublicKey(), ks[0].ChainCode()
			run, err := runRefresh(t, ks, sd, nil)
			require.NoError(t, err)
			n := run.keyshares
			for i := range 2 {
				assert.Equal(t, Q, n[i].PublicKey(), "Q unchanged")
				assert.Equal(t, cc, n[i].ChainCode(), "chain code unchanged")
				assert.Equal(t, oldID[i], n[i].KeyID(), "key_id unchanged")
				assert.NotEqual(t, oldSID[i], n[i].ShareID(), "new share_id")
				assert.Equal(t, run.sid, n[i].GenSID())
				wantSID := transcript.H(transcript.LabelKeyShareID, oldID[i][:], run.sid[:])
				assert.Equal(t, wantSID, n[i].ShareID())
				assert.False(t, n[i].Pending())
				locked, _, _ := n[i].Locked()
				assert.False(t, locked)
				assert.Equal(t, uint8(i), n[i].Index())
				X := new(secp.Point).ScalarBaseMult(n[i].Share())
				enc, err := X.Bytes()
				require.NoError(t, err)
				assert.Equal(t, n[i].PublicShare(uint8(i)), enc)
				assert.Equal(t, n[0].PublicShare(uint8(i)), n[1].PublicShare(uint8(i)))
			}
			// x′_0 + x′_1 = x_0 + x_1, and old/new mixes do not give sk.
			sk := secp.NewScalar().Add(oldX[0], oldX[1])
			assert.Equal(t, 1, secp.NewScalar().Add(n[0].Share(), n[1].Share()).Equal(sk))
			assert.Equal(t, 0, secp.NewScalar().Add(oldX[0], n[1].Share()).Equal(sk))
			assert.Equal(t, 0, secp.NewScalar().Add(n[0].Share(), oldX[1]).Equal(sk))
			skG, err := new(secp.Point).ScalarBaseMult(sk).Bytes()
			require.NoError(t, err)
			assert.Equal(t, Q, skG)

			// τ is not H2S(tau, sid_rf) alone (review finding F1), and neither τ, −τ nor
			// any stored or sent byte string contains it.
			tau := run.tau()
			weak := transcript.H2S(transcript.LabelRefreshTau, run.sid[:]).Bytes()
			assert.NotEqual(t, weak, tau)
			negTau := secp.NewScalar().Negate(mustScalar(t, tau)).Bytes()
			var blobs [][]byte
			for r := range 4 {
				blobs = append(blobs, run.payloads[r][0], run.payloads[r][1])
			}
			blobs = append(blobs, n[0].Marshal(), n[1].Marshal())
			// ζ_i and K_rf, recomputed from the seeds (σ_i is one block, then ζ_i).
			var zeta [2]*secp.Scalar
			for i := range 2 {
				r := testrng.New(sd[i])
				r.RandomBytes(make([]byte, 32))
				zeta[i] = r.RandomScalar()
			}
			Z1 := new(secp.Point).ScalarBaseMult(zeta[1])
			K, err := new(secp.Point).ScalarMult(zeta[0], Z1).Bytes()
			require.NoError(t, err)
			z0, z1 := zeta[0].Bytes(), zeta[1].Bytes()
			for _, b := range blobs {
				for name, secret := range map[string][]byte{"τ": tau[:16], "−τ": negTau[:16], "ζ_0": z0[:16], "ζ_1": z1[:16], "K_rf": K[1:17]} {
					assert.False(t, bytes.Contains(b, secret), "%s in a payload or keyshare", name)
				}
			}
			// τ is the H2S of sid_rf, the Z's and K_rf (§9.1), which only the parties know.
			ptZ0, err := new(secp.Point).ScalarBaseMult(zeta[0]).Bytes()
			require.NoError(t, err)
			ptZ1, err := Z1.Bytes()
			require.NoError(t, err)
			assert.Equal(t, transcript.H2S(transcript.LabelRefreshTau, run.sid[:], ptZ0[:], ptZ1[:], K[:]).Bytes(), tau)

			// New correlations: each party's ChooserSeeds equal the peer's DeltaSeeds except
			// at Δ, and the leaves are new.
			for i := range 2 {
				cs, ds := n[i].ChooserSeeds(), n[1-i].DeltaSeeds()
				differ := 0
				for b := range ot.Blocks {
					for x := range ot.LeavesPerBlock {
						if uint8(x) == ds.Delta()[b] {
							assert.NotEqual(t, cs.Leaves()[b][x], ds.Leaves()[b][x])
							continue
						}
						if cs.Leaves()[b][x] != ds.Leaves()[b][x] {
							differ++
						}
					}
				}
				assert.Zero(t, differ, "ChooserSeeds of P%d vs the peer's DeltaSeeds", i+1)
			}
		})
	}
}

func mustScalar(t testing.TB, b [32]byte) *secp.Scalar {
	t.Helper()
	s, err := secp.NewScalar().SetCanonicalBytes(b[:])
	require.NoError(t, err)
	return s
}

// TestNewCorrelationsReplaceOld checks that the refresh replaced both correlations (new Δ,
// new leaves).
func TestNewCorrelationsReplaceOld(t *testing.T) {
	ks := keyshares(t)
	oldDelta := ks[0].DeltaSeeds().DeltaBytes()
	oldLeaf := ks[0].ChooserSeeds().Leaves()[0][0]
	run, err := runRefresh(t, ks, refreshSeeds, nil)
	require.NoError(t, err)
	assert.NotEqual(t, oldDelta, run.keyshares[0].DeltaSeeds().DeltaBytes())
	assert.NotEqual(t, oldLeaf, run.keyshares[0].ChooserSeeds().Leaves()[0][0])
}

// TestLockedRefreshesUnlocked: a LOCKED keyshare (N10's end state, and N33's Restored) refreshes
// into an unlocked one; the peer's keyshare may be unlocked. EXPORTED is carried over.
func TestLockedRefreshesUnlocked(t *testing.T) {
	cases := []struct {
		name string
		lock func(ks [2]*keyshare.Keyshare)
	}{
		{"N10 OTExtensionCheckFailed", func(ks [2]*keyshare.Keyshare) { ks[0].Lock(engineerr.OTExtensionCheckFailed, 1) }},
		{"N33 Restored", func(ks [2]*keyshare.Keyshare) { ks[1].MarkRestored() }},
		{"both locked", func(ks [2]*keyshare.Keyshare) {
			ks[0].Lock(engineerr.SignatureVerifyFailed, 1)
			ks[1].Lock(engineerr.RVOLECheckFailed, 0)
		}},
		{"exported", func(ks [2]*keyshare.Keyshare) { ks[0].SetExported() }},
	}
	for k, c := range cases {
		if raceEnabled && k%2 == 1 {
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			ks := keyshares(t)
			c.lock(ks)
			exported := ks[0].Exported()
			ps := start(t, ks).upTo(t, 4)
			for i := range 2 {
				// The stored pair during the handover: old (still locked) ACTIVE, new PENDING.
				g := ps.st[i].load(t)
				require.NotNil(t, g.Pending)
				wasLocked, _, _ := ks[i].Locked()
				l, _, _ := g.Active.Locked()
				assert.Equal(t, wasLocked, l)
				l, _, _ = g.Pending.Locked()
				assert.False(t, l)
			}
			for i := range 2 {
				n, err := ps.r4[i].Next(ps.p[4][1-i])
				require.NoError(t, err)
				locked, reason, culprit := n.Locked()
				assert.False(t, locked)
				assert.Zero(t, reason)
				assert.Equal(t, keyshare.NoCulprit, culprit)
				assert.False(t, n.Pending())
				// The stored record agrees and parses.
				g := ps.st[i].load(t)
				require.Nil(t, g.Pending)
				locked, _, _ = g.Active.Locked()
				assert.False(t, locked)
				assert.Equal(t, n.ShareID(), g.Active.ShareID())
			}
			n0 := ps.st[0].load(t).Active
			assert.Equal(t, exported, n0.Exported())
		})
	}
}

// TestHandover covers the generation handover of §9.1: who holds what when one side
// completes and the other does not, and how the pending generation is promoted or discarded.
func TestHandover(t *testing.T) {
	t.Run("both complete", func(t *testing.T) {
		t.Parallel()
		ks := keyshares(t)
		oldSID := ks[0].ShareID()
		ps := start(t, ks).upTo(t, 4)
		for i := range 2 {
			require.Equal(t, 1, ps.st[i].calls, "saved once before RF4")
			n, err := ps.r4[i].Next(ps.p[4][1-i])
			require.NoError(t, err)
			require.Equal(t, 2, ps.st[i].calls)
			g := ps.st[i].load(t)
			require.Nil(t, g.Pending)
			require.Equal(t, n.ShareID(), g.Active.ShareID())
			// The old generation is gone: its share_id is rejected, and its memory wiped.
			_, err = g.Select(oldSID)
			require.ErrorIs(t, err, keyshare.ErrUnknownGeneration)
			assert.Equal(t, 1, ks[i].Share().IsZero(), "old share wiped")
		}
	})

	t.Run("P1 gets RF4, P2 does not; late RF4 promotes", func(t *testing.T) {
		t.Parallel()
		ks := keyshares(t)
		oldSID := ks[1].ShareID()
		ps := start(t, ks).upTo(t, 4)
		n0, err := ps.r4[0].Next(ps.p[4][1])
		require.NoError(t, err)
		late, err := ps.r4[1].Pending()
		require.NoError(t, err)
		require.Equal(t, n0.ShareID(), late.ShareID())
		// P2 keeps both: old ACTIVE (untouched), new PENDING; P1 only the new one.
		g := ps.st[1].load(t)
		require.Equal(t, oldSID, g.Active.ShareID())
		require.Equal(t, n0.ShareID(), g.Pending.ShareID())
		ps.unchanged(t, 1)
		// Either generation can be selected by a sign request naming it.
		_, err = g.Select(oldSID)
		require.NoError(t, err)
		_, err = g.Select(late.ShareID())
		require.NoError(t, err)
		// Late RF4: junk is ignored, a wrong value is ConfirmationMismatch, the real one
		// promotes.
		require.ErrorIs(t, late.Promote([]byte{1, 2, 3}, g, ps.st[1].save), engineerr.ErrIgnore)
		bad := bytes.Clone(ps.p[4][0])
		bad[40] ^= 1
		require.ErrorIs(t, late.Promote(bad, g, ps.st[1].save), engineerr.ConfirmationMismatch)
		require.NotNil(t, g.Pending)
		require.NoError(t, late.Promote(ps.p[4][0], g, ps.st[1].save))
		require.Nil(t, g.Pending)
		require.Equal(t, n0.ShareID(), g.Active.ShareID())
		require.False(t, g.Active.Pending())
		stored := ps.st[1].load(t)
		require.Nil(t, stored.Pending)
		require.Equal(t, n0.ShareID(), stored.Active.ShareID())
		_, err = stored.Select(oldSID)
		require.ErrorIs(t, err, keyshare.ErrUnknownGeneration, "old share_id rejected after promotion")
		// A second late RF4 changes nothing.
		require.NoError(t, late.Promote(ps.p[4][0], g, ps.st[1].save))
	})

	t.Run("P2 missed RF4; first Finish promotes", func(t *testing.T) {
		t.Parallel()
		ks := keyshares(t)
		ps := start(t, ks).upTo(t, 4)
		_, err := ps.r4[0].Next(ps.p[4][1])
		require.NoError(t, err)
		late, err := ps.r4[1].Pending()
		require.NoError(t, err)
		g := ps.st[1].load(t)
		// What signing does after its first successful Finish on the PENDING share_id.
		require.NoError(t, g.Promote(late.ShareID()))
		require.NoError(t, ps.st[1].save(g))
		require.Equal(t, late.ShareID(), ps.st[1].load(t).Active.ShareID())
		// The late RF4 afterwards is accepted and changes nothing.
		require.NoError(t, late.Promote(ps.p[4][0], g, ps.st[1].save))
	})

	t.Run("both miss RF4: both keep both", func(t *testing.T) {
		t.Parallel()
		ks := keyshares(t)
		ps := start(t, ks).upTo(t, 4)
		for i := range 2 {
			_, err := ps.r4[i].Pending()
			require.NoError(t, err)
			g := ps.st[i].load(t)
			require.Equal(t, ks[i].ShareID(), g.Active.ShareID())
			require.NotNil(t, g.Pending)
			ps.unchanged(t, i)
		}
	})

	t.Run("RF4 ConfirmationMismatch discards the new generation", func(t *testing.T) {
		t.Parallel()
		ks := keyshares(t)
		ks[0].Lock(engineerr.OTExtensionCheckFailed, 1)
		ps := start(t, ks).upTo(t, 4)
		bad := bytes.Clone(ps.p[4][1])
		bad[len(bad)-1] ^= 1
		_, err := ps.r4[0].Next(bad)
		var e *engineerr.Error
		require.True(t, errors.As(err, &e))
		require.Equal(t, engineerr.ConfirmationMismatch, e.Code)
		require.Equal(t, 1, e.Culprit)
		require.False(t, e.Locked)
		g := ps.st[0].load(t)
		require.Nil(t, g.Pending)
		require.Equal(t, ks[0].ShareID(), g.Active.ShareID())
		locked, reason, _ := g.Active.Locked()
		require.True(t, locked, "lock state unchanged")
		require.Equal(t, engineerr.OTExtensionCheckFailed, reason)
		ps.unchanged(t, 0)
	})

	t.Run("abort in RF1–RF3 never saves", func(t *testing.T) {
		t.Parallel()
		ks := keyshares(t)
		ps := start(t, ks).upTo(t, 3)
		bad := bytes.Clone(ps.p[3][1])
		bad[len(bad)-1] ^= 1 // s̃
		_, _, err := ps.r3[0].Next(bad)
		require.ErrorIs(t, err, engineerr.PPRFProofInvalid)
		require.Zero(t, ps.st[0].calls)
		ps.unchanged(t, 0)
	})

	t.Run("save failure on RF3 withholds RF4", func(t *testing.T) {
		t.Parallel()
		ks := keyshares(t)
		ps := start(t, ks).upTo(t, 3)
		ps.st[0].fail = errDisk
		r4, rf4, err := ps.r3[0].Next(ps.p[3][1])
		require.ErrorIs(t, err, engineerr.Internal)
		require.ErrorIs(t, err, errDisk)
		require.Nil(t, r4)
		require.Nil(t, rf4)
		ps.unchanged(t, 0)
	})

	t.Run("save failure on RF4 leaves the pair stored", func(t *testing.T) {
		t.Parallel()
		ks := keyshares(t)
		ps := start(t, ks).upTo(t, 4)
		ps.st[0].fail = errDisk
		_, err := ps.r4[0].Next(ps.p[4][1])
		require.ErrorIs(t, err, errDisk)
		ps.st[0].fail = nil
		g := ps.st[0].load(t)
		require.NotNil(t, g.Pending, "the stored pair is still {old, new pending}")
		require.NotNil(t, g.Active)
	})

	t.Run("refresh of a PENDING generation", func(t *testing.T) {
		t.Parallel()
		ks := keyshares(t)
		// A keygen whose K4 never arrived at P2: its keyshare is PENDING.
		enc := ks[1].Marshal()
		enc[7] |= keyshare.FlagPending
		enc = reseal(enc)
		var err error
		ks[1], err = keyshare.Parse(enc)
		require.NoError(t, err)
		require.True(t, ks[1].Pending())
		ps := start(t, ks).upTo(t, 4)
		g := ps.st[1].load(t)
		require.False(t, g.Active.Pending(), "RF1–RF3 under its share_id confirmed the old generation")
		for i := range 2 {
			_, err := ps.r4[i].Next(ps.p[4][1-i])
			require.NoError(t, err)
		}
	})
}

// reseal recomputes the §11.1 checksum after a test edited a keyshare encoding.
func reseal(b []byte) []byte {
	body := b[:len(b)-32]
	sum := transcript.H(transcript.LabelKeyshareChecksum, body)
	return append(bytes.Clone(body), sum[:]...)
}

// TestNewRejects covers New's argument checks.
func TestNewRejects(t *testing.T) {
	ks := keyshares(t)
	save := new(store).save
	r := testrng.New("x")
	for name, f := range map[string]func() (*refresh.Round1, error){
		"nil keyshare": func() (*refresh.Round1, error) { return refresh.New(refreshInstance, nil, r, save) },
		"nil rng":      func() (*refresh.Round1, error) { return refresh.New(refreshInstance, ks[0], nil, save) },
		"nil save":     func() (*refresh.Round1, error) { return refresh.New(refreshInstance, ks[0], r, nil) },
		"wiped": func() (*refresh.Round1, error) {
			k := keyshares(t)[0]
			k.Wipe()
			return refresh.New(refreshInstance, k, r, save)
		},
	} {
		_, err := f()
		require.ErrorIs(t, err, engineerr.Internal, name)
	}
}
