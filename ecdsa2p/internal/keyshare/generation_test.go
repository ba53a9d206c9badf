package keyshare_test

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/engineerr"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/keyshare"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/testrng"
	"github.com/tandem-mpc/tandem/internal/secp"
)

// nextGen refreshes ks locally with offset τ from the seed (what refresh §9.1 computes
// jointly) and fresh synthetic seeds.
func nextGen(t *testing.T, ks *keyshare.Keyshare, seed string) (*keyshare.Keyshare, error) {
	t.Helper()
	r := testrng.New(seed)
	tau := r.RandomScalar()
	var sid [32]byte
	r.RandomBytes(sid[:])
	T := new(secp.Point).ScalarBaseMult(tau)
	X0 := new(secp.Point).Add(point(t, ks.PublicShare(0)), T)
	X1 := new(secp.Point).Subtract(point(t, ks.PublicShare(1)), T)
	x := ks.Share()
	if ks.Index() == 0 {
		x.Add(x, tau)
	} else {
		x.Sub(x, tau)
	}
	fresh := synthetic(t, seed, ks.Index(), ks.ID(0), ks.ID(1))
	return ks.NextGeneration(sid, X0, X1, x, fresh.ChooserSeeds(), fresh.DeltaSeeds())
}

func TestNextGeneration(t *testing.T) {
	for idx := range uint8(2) {
		ks := synthetic(t, "gen", idx, id(1, 33), id(2, 33))
		ks.Lock(engineerr.OTExtensionCheckFailed, 1-idx)
		ks.SetExported()
		before := ks.Marshal()
		n, err := nextGen(t, ks, "next")
		require.NoError(t, err)
		require.True(t, bytes.Equal(before, ks.Marshal()), "the old generation is not modified")
		require.Equal(t, ks.KeyID(), n.KeyID())
		require.Equal(t, ks.PublicKey(), n.PublicKey())
		require.Equal(t, ks.ChainCode(), n.ChainCode())
		require.Equal(t, ks.ID(0), n.ID(0))
		require.Equal(t, idx, n.Index())
		require.NotEqual(t, ks.ShareID(), n.ShareID())
		require.True(t, n.Pending())
		locked, reason, culprit := n.Locked()
		require.False(t, locked, "refresh clears the lock")
		require.Zero(t, reason)
		require.Equal(t, keyshare.NoCulprit, culprit)
		require.True(t, n.Exported(), "EXPORTED is carried over")
		back, err := keyshare.Parse(n.Marshal())
		require.NoError(t, err)
		require.Equal(t, n.Marshal(), back.Marshal())
	}
}

func TestNextGenerationRejects(t *testing.T) {
	ks := synthetic(t, "gen", 0, id(1, 33), id(2, 33))
	fresh := synthetic(t, "fresh", 0, id(1, 33), id(2, 33))
	X0, X1 := point(t, ks.PublicShare(0)), point(t, ks.PublicShare(1))
	G := secp.NewGeneratorPoint()
	one := secp.NewScalar().SetUint64(1)
	var sid [32]byte
	sid[0] = 9
	cases := map[string]func() (*keyshare.Keyshare, error){
		"X′_0 + X′_1 ≠ Q": func() (*keyshare.Keyshare, error) {
			// x′_0 = x_0 + 1 but X′_1 unchanged.
			x := ks.Share()
			x.Add(x, one)
			return ks.NextGeneration(sid, new(secp.Point).Add(X0, G), X1, x, fresh.ChooserSeeds(), fresh.DeltaSeeds())
		},
		"x′·G ≠ X′_0": func() (*keyshare.Keyshare, error) {
			return ks.NextGeneration(sid, new(secp.Point).Add(X0, G), new(secp.Point).Subtract(X1, G), ks.Share(), fresh.ChooserSeeds(), fresh.DeltaSeeds())
		},
		"same gen_sid": func() (*keyshare.Keyshare, error) {
			return ks.NextGeneration(ks.GenSID(), X0, X1, ks.Share(), fresh.ChooserSeeds(), fresh.DeltaSeeds())
		},
		"nil seeds": func() (*keyshare.Keyshare, error) {
			return ks.NextGeneration(sid, X0, X1, ks.Share(), nil, fresh.DeltaSeeds())
		},
	}
	for name, f := range cases {
		_, err := f()
		require.ErrorIs(t, err, keyshare.ErrInvalid, name)
	}
}

// TestGenerations covers the handover bookkeeping of §9.1: select by share_id, promote
// (deleting the old generation), discard (keeping the old one, lock unchanged), and Check.
func TestGenerations(t *testing.T) {
	old := synthetic(t, "gens", 1, id(1, 33), id(2, 33))
	old.Lock(engineerr.KeyConsistencyFailed, 0)
	next, err := nextGen(t, old, "n1")
	require.NoError(t, err)
	g := &keyshare.Generations{Active: old, Pending: next}
	require.NoError(t, g.Check())
	for _, k := range []*keyshare.Keyshare{old, next} {
		got, err := g.Select(k.ShareID())
		require.NoError(t, err)
		require.Same(t, k, got)
	}
	_, err = g.Select([32]byte{1})
	require.ErrorIs(t, err, keyshare.ErrUnknownGeneration)

	// Discard: the pending generation goes, the old one stays LOCKED.
	require.ErrorIs(t, g.Discard(old.ShareID()), keyshare.ErrUnknownGeneration)
	require.NoError(t, g.Discard(next.ShareID()))
	require.Nil(t, g.Pending)
	locked, _, _ := g.Active.Locked()
	require.True(t, locked)
	require.Equal(t, 1, next.Share().IsZero(), "discarded generation wiped")

	// Promote: the pending generation becomes ACTIVE, the old one is wiped and unknown.
	next, err = nextGen(t, old, "n2")
	require.NoError(t, err)
	g.Pending = next
	require.ErrorIs(t, g.Promote([32]byte{1}), keyshare.ErrUnknownGeneration)
	require.NoError(t, g.Promote(next.ShareID()))
	require.Same(t, next, g.Active)
	require.Nil(t, g.Pending)
	require.False(t, g.Active.Pending())
	locked, _, _ = g.Active.Locked()
	require.False(t, locked)
	require.Equal(t, 1, old.Share().IsZero(), "old generation wiped")
	_, err = g.Select(old.ShareID())
	require.ErrorIs(t, err, keyshare.ErrUnknownGeneration)
	require.NoError(t, g.Promote(next.ShareID()), "promoting the ACTIVE generation again is a no-op")
	require.NoError(t, g.Check())

	// A keygen PENDING keyshare alone, promoted.
	kg := synthetic(t, "kg", 0, id(1, 33), id(2, 33))
	enc := kg.Marshal()
	enc[offFlags] = keyshare.FlagPending
	kg, err = keyshare.Parse(reseal(enc))
	require.NoError(t, err)
	g = &keyshare.Generations{Pending: kg}
	require.NoError(t, g.Check())
	require.NoError(t, g.Promote(kg.ShareID()))
	require.Same(t, kg, g.Active)

	// Check rejects inconsistent pairs.
	a := synthetic(t, "a", 0, id(1, 33), id(2, 33))
	b, err := nextGen(t, a, "b")
	require.NoError(t, err)
	other := synthetic(t, "other", 0, id(1, 33), id(2, 33))
	otherNext, err := nextGen(t, other, "o")
	require.NoError(t, err)
	for name, g := range map[string]*keyshare.Generations{
		"empty":              {},
		"active is pending":  {Active: b},
		"pending not marked": {Active: a, Pending: a},
		"different keys":     {Active: a, Pending: otherNext},
	} {
		require.ErrorIs(t, g.Check(), keyshare.ErrInvalid, name)
	}
	var nilG *keyshare.Generations
	require.ErrorIs(t, nilG.Check(), keyshare.ErrInvalid)
	_, err = nilG.Select([32]byte{})
	require.ErrorIs(t, err, keyshare.ErrUnknownGeneration)
}
