package ecdsa2p

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestKeyshareGenerationsAndMarkRestored(t *testing.T) {
	n := newTestNet(t)
	a, b := n.keygen(t)
	for _, ks := range []*Keyshare{a, b} {
		g := ks.Generations()
		require.Equal(t, []Generation{{ShareID: ks.ShareID(), Status: StatusActive}}, g)
	}
	a.MarkRestored()
	require.Equal(t, []Generation{{ShareID: a.ShareID(), Status: StatusLocked, LockReason: Restored}}, a.Generations())
	locked, reason := a.Locked()
	require.True(t, locked)
	require.Equal(t, Restored, reason)
	// The lock survives the stored form, and a second MarkRestored keeps it.
	bs, err := a.MarshalBinary()
	require.NoError(t, err)
	back, err := ParseKeyshare(bs)
	require.NoError(t, err)
	back.MarkRestored()
	require.Equal(t, a.Generations(), back.Generations())
	// A locked share is refused for presign; a refresh clears the lock.
	cfgA, _ := n.configs(LabelPresign)
	_, err = NewPresign(cfgA, a, n.stA, n.keyA, "m")
	require.ErrorIs(t, err, ErrKeyshareLocked)
	n.refresh(t, a, b)
	require.Equal(t, StatusActive, a.Status())
	require.Len(t, a.Generations(), 1)
	require.Equal(t, StatusActive, a.Generations()[0].Status)
}
