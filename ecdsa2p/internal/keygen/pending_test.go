package keygen_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tandem-mpc/tandem/ecdsa2p/internal/engineerr"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/keygen"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/keyshare"
)

// TestPendingKeyshareBeforeK4: right after Round3.Next, the keyshare can be read (and
// persisted) with status PENDING without consuming Round4 (PROTOCOL.md §7.4); the run then
// completes normally and the same keyshare becomes ACTIVE.
func TestPendingKeyshareBeforeK4(t *testing.T) {
	ps := start(t)
	ps.round1(t)
	ps.round2(t)
	ps.round3(t)
	for i := range 2 {
		ks, err := ps.r4[i].PendingKeyshare()
		require.NoError(t, err)
		require.True(t, ks.Pending(), "party %d", i)
		again, err := ps.r4[i].PendingKeyshare()
		require.NoError(t, err)
		require.Same(t, ks, again, "reading does not consume")

		// What the caller persists round-trips as PENDING.
		stored, err := keyshare.Parse(ks.Marshal())
		require.NoError(t, err)
		require.True(t, stored.Pending())
		require.Equal(t, ks.ShareID(), stored.ShareID())

		final, err := ps.r4[i].Next(ps.p[4][1-i])
		require.NoError(t, err)
		require.False(t, final.Pending())
		require.Equal(t, stored.ShareID(), final.ShareID())
		require.Equal(t, stored.PublicKey(), final.PublicKey())

		_, err = ps.r4[i].PendingKeyshare()
		require.ErrorIs(t, err, engineerr.ErrStateConsumed)
	}
}

// TestPendingKeyshareMatchesKAT: the PENDING keyshare read before K4 is the §12.4(d) one.
func TestPendingKeyshareMatchesKAT(t *testing.T) {
	run := kat(t)
	ps := start(t)
	ps.round1(t)
	ps.round2(t)
	ps.round3(t)
	for i := range 2 {
		ks, err := ps.r4[i].PendingKeyshare()
		require.NoError(t, err)
		require.Equal(t, run.Keyshares[i].ShareID(), ks.ShareID())
		require.Equal(t, run.Keyshares[i].PublicKey(), ks.PublicKey())
	}
}

// TestPendingKeyshareAfterEnd: once Round4 is consumed (Pending, a failed K4 check, or a nil
// state), PendingKeyshare fails with ErrStateConsumed; an ignored K4 leaves it readable.
func TestPendingKeyshareAfterEnd(t *testing.T) {
	ps := start(t)
	ps.round1(t)
	ps.round2(t)
	ps.round3(t)

	// Ignored input (a short payload) consumes nothing.
	_, err := ps.r4[0].Next(ps.p[4][1][:keygen.HeaderSize-1])
	requireIgnored(t, err)
	_, err = ps.r4[0].PendingKeyshare()
	require.NoError(t, err)

	held, _, err := ps.r4[0].Pending()
	require.NoError(t, err)
	require.True(t, held.Pending())
	_, err = ps.r4[0].PendingKeyshare()
	require.ErrorIs(t, err, engineerr.ErrStateConsumed)

	bad := append([]byte(nil), ps.p[4][0]...)
	bad[keygen.HeaderSize] ^= 1
	_, err = ps.r4[1].Next(bad)
	requireAbort(t, err, 4, engineerr.ConfirmationMismatch, 0)
	_, err = ps.r4[1].PendingKeyshare()
	require.ErrorIs(t, err, engineerr.ErrStateConsumed)

	var nilR4 *keygen.Round4
	_, err = nilR4.PendingKeyshare()
	require.ErrorIs(t, err, engineerr.ErrStateConsumed)
}
