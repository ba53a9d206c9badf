package ecdsa2p

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tandem-mpc/tandem/mpc"
)

// step drives two protocols round by round in memory. With dropFrom1 = r > 0, P1 never
// receives P2's round-r payload: its run stops before Next(r+1), as after a timeout.
func step(t *testing.T, p [2]mpc.Protocol, dropFrom1 int) [2]error {
	t.Helper()
	ctx := context.Background()
	rounds := len(p[0].Plan().Rounds)
	var in [2][]mpc.Inbound
	var errs [2]error
	for r := 1; r <= rounds+1; r++ {
		var out [2][][]byte
		for i := range 2 {
			if errs[i] != nil {
				continue
			}
			if i == 0 && dropFrom1 > 0 && r == dropFrom1+1 {
				errs[0] = context.DeadlineExceeded // P1 never receives P2's round dropFrom1 payload
				continue
			}
			out[i], errs[i] = p[i].Next(ctx, r, in[i])
		}
		for i := range 2 {
			in[1-i] = nil
			for _, b := range out[i] {
				in[1-i] = append(in[1-i], mpc.Inbound{Round: r, Payload: b})
			}
		}
	}
	return errs
}

// TestKeygenPending: P1 never receives P2's K4. P1's keyshare is stored PENDING with
// ErrIncomplete; P2's is ACTIVE. Both sign, and the first signature promotes P1's.
func TestKeygenPending(t *testing.T) {
	l := newLocal(t)
	var kg [2]*Keygen
	for i := range 2 {
		var err error
		kg[i], err = NewKeygen(l.cfg(i), i, l.st[i], "k")
		require.NoError(t, err)
	}
	errs := step(t, [2]mpc.Protocol{kg[0], kg[1]}, 4)
	require.NoError(t, errs[1])
	ks0, err := kg[0].Result(context.Background())
	require.ErrorIs(t, err, ErrIncomplete)
	ks1, err := kg[1].Result(context.Background())
	require.NoError(t, err)
	require.Equal(t, StatusPending, ks0.Status())
	require.Equal(t, StatusActive, ks1.Status())
	stored, err := LoadKeyshare(context.Background(), l.st[0], "k")
	require.NoError(t, err)
	require.Equal(t, StatusPending, stored.Status())

	l.ks = [2]*Keyshare{ks0, ks1}
	digest := digestOf("promote")
	verifySig(t, l.finish(t, l.presign(t), digest), digest)
	require.Equal(t, StatusActive, ks0.Status())
	stored, err = LoadKeyshare(context.Background(), l.st[0], "k")
	require.NoError(t, err)
	require.Equal(t, StatusActive, stored.Status())
}

// TestRefreshPending: P1 never receives P2's RF4. P1 holds both generations, durably, with
// ErrIncomplete; signing uses the new generation and promotes it.
func TestRefreshPending(t *testing.T) {
	l := newLocal(t)
	l.keygen(t)
	oldShare := l.ks[0].ShareID()
	l.a, l.b = fresh(l.a, l.b)
	var rf [2]*Refresh
	for i := range 2 {
		var err error
		rf[i], err = NewRefresh(l.cfg(i), l.ks[i], l.st[i], "k")
		require.NoError(t, err)
	}
	errs := step(t, [2]mpc.Protocol{rf[0], rf[1]}, 4)
	require.NoError(t, errs[1])
	_, err := rf[0].Result()
	require.ErrorIs(t, err, ErrIncomplete)
	_, err = rf[1].Result()
	require.NoError(t, err)
	require.True(t, l.ks[0].RefreshPending())
	require.Equal(t, oldShare, l.ks[0].ShareID())
	require.NotEqual(t, oldShare, l.ks[1].ShareID())
	pending, ok := l.ks[0].PendingShareID()
	require.True(t, ok)
	require.Equal(t, l.ks[1].ShareID(), pending)
	require.Equal(t, StatusActive, l.ks[0].Status())
	stored, err := LoadKeyshare(context.Background(), l.st[0], "k")
	require.NoError(t, err)
	require.True(t, stored.RefreshPending())

	// The coordinator names the pending share_id (§9.1); the old one no longer matches P2.
	l.opts[0] = []Option{WithShareID(pending)}
	digest := digestOf("after pending refresh")
	verifySig(t, l.finish(t, l.presign(t), digest), digest)
	l.opts[0] = nil
	require.False(t, l.ks[0].RefreshPending())
	require.Equal(t, l.ks[1].ShareID(), l.ks[0].ShareID())
	stored, err = LoadKeyshare(context.Background(), l.st[0], "k")
	require.NoError(t, err)
	require.False(t, stored.RefreshPending())
	require.Equal(t, l.ks[1].ShareID(), stored.ShareID())
}

// TestRefreshAfterIncompleteRefresh: a refresh that starts while the previous one is still
// PENDING on this side refreshes the generation named with WithShareID.
func TestRefreshAfterIncompleteRefresh(t *testing.T) {
	l := newLocal(t)
	l.keygen(t)
	l.a, l.b = fresh(l.a, l.b)
	var rf [2]*Refresh
	for i := range 2 {
		var err error
		rf[i], err = NewRefresh(l.cfg(i), l.ks[i], l.st[i], "k")
		require.NoError(t, err)
	}
	step(t, [2]mpc.Protocol{rf[0], rf[1]}, 4)
	_, err := rf[0].Result()
	require.ErrorIs(t, err, ErrIncomplete)
	require.True(t, l.ks[0].RefreshPending())

	pending, ok := l.ks[0].PendingShareID()
	require.True(t, ok)
	l.opts[0] = []Option{WithShareID(pending)}
	l.refresh(t)
	l.opts[0] = nil
	require.False(t, l.ks[0].RefreshPending())
	require.Equal(t, l.ks[1].ShareID(), l.ks[0].ShareID())
	digest := digestOf("twice")
	verifySig(t, l.finish(t, l.presign(t), digest), digest)
}

func TestWithShareIDUnknown(t *testing.T) {
	l := newLocal(t)
	l.keygen(t)
	_, err := NewPresign(l.a, l.ks[0], l.st[0], "k", "m", WithShareID([32]byte{1}))
	require.Error(t, err)
	_, err = NewRefresh(l.a, l.ks[0], l.st[0], "k", WithShareID([32]byte{1}))
	require.Error(t, err)
	_, ok := l.ks[0].PendingShareID()
	require.False(t, ok)
}
