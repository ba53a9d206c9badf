package testvec_test

import (
	"encoding/hex"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/engineerr"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/keyshare"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/testvec"
)

// TestSignAfterRefreshPromotesPending is §12.1 item 11's "signing works after refresh,
// including a PENDING → ACTIVE promotion; the old share_id is rejected after promotion" and
// N32's refresh analogue: P2 never sees P1's RF4, so it holds {old ACTIVE, new PENDING}; sign 2
// of §12.4(d) names the new share_id, succeeds with P2's PENDING generation (the signature is
// sign 2's), reports Promote, and the promotion deletes P2's old generation.
func TestSignAfterRefreshPromotesPending(t *testing.T) {
	if raceEnabled {
		t.Skip("a keygen, a refresh and a signature: covered without -race")
	}
	kg := mustKeygen(t)
	in := testvec.DefaultRefresh(kg.Keyshares)
	in.Tamper = func(r int, from uint8, p []byte) []byte {
		if r == 4 && from == 0 {
			p[2] ^= 1 // a wrong binding: P2 ignores it and keeps waiting, then times out
		}
		return p
	}
	run, err := testvec.RunRefresh(in)
	require.ErrorIs(t, err, engineerr.ErrIgnore)
	p1 := run.Keyshares[0]
	require.NotNil(t, p1)
	require.False(t, p1.Pending())

	// P2's stored pair after the timeout: what its save function last saw.
	require.Len(t, run.Saved[1], 1)
	saved := run.Saved[1][0]
	old, err := keyshare.Parse(saved.ActiveEnc)
	require.NoError(t, err)
	pending, err := keyshare.Parse(saved.PendingEnc)
	require.NoError(t, err)
	require.True(t, pending.Pending())
	require.Equal(t, p1.ShareID(), pending.ShareID())
	g := &keyshare.Generations{Active: old, Pending: pending}
	named, err := g.Select(p1.ShareID()) // the sign request names the new share_id
	require.NoError(t, err)

	sr, err := testvec.RunSign(testvec.DefaultSign2([2]*keyshare.Keyshare{p1, named}))
	require.NoError(t, err)
	require.Equal(t, "3db58669696c44df7471d361fd1b1540782e26f5d2c809cc065e830560a471e9", hex.EncodeToString(sr.Signatures[0].R[:]))
	require.Equal(t, "1023ab12c73d6dc26657088abf0ed975685d1e7518c44018436764dfce792fd7", hex.EncodeToString(sr.Signatures[0].S[:]))
	require.False(t, sr.Signatures[0].Promote)
	require.True(t, sr.Signatures[1].Promote)

	require.NoError(t, g.Promote(pending.ShareID()))
	require.False(t, g.Active.Pending())
	_, err = g.Select(run.OldShareID[1])
	require.True(t, errors.Is(err, keyshare.ErrUnknownGeneration), "the old share_id is rejected after promotion")
}
