package testvec_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/engineerr"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/testvec"
)

// The refresh block of PROTOCOL.md §12.4(d), in RefreshValues order.
var refreshKAT = []testvec.Value{
	{Name: "refresh.sid_rf", Hex: "fd139a535d9d724e47189f1c476792d9efc9aebc3936410196679bed63456cca"},
	{Name: "refresh.tau", Hex: "77d75315ec1ba78d33647796aab29c0682a33563e38b93c8a4a59c9ce6969168"},
	{Name: "refresh.rf1.p1.sha256", Hex: "dee54d8972cd30c21b857ee705f8406ade1215f8c02115ba8be5ef0d0c5f05a6"},
	{Name: "refresh.rf1.p2.sha256", Hex: "0b92aa312d330da26c15df9159e3c015ba55e3ec3943967fd2d3d19456171edf"},
	{Name: "refresh.rf2.p1.sha256", Hex: "35684cc8e5765ec2bcc71e90522602080a847e9a9108b77b55194c24bc5b7769"},
	{Name: "refresh.rf2.p2.sha256", Hex: "7c1d2d38b64bfc1b4a364e7de46cc2a255f80a6792cdd46ae163de4a19f08f83"},
	{Name: "refresh.rf3.p1.sha256", Hex: "7be06e8445d4ca854fbf54c54159a9da140677ac3fdb17078df0831a26f46ad7"},
	{Name: "refresh.rf3.p2.sha256", Hex: "81eb3fd62c3b28269ac2fd7eefc9d3f97ffd5739e71f70f1d37d2d2911699c28"},
	{Name: "refresh.rf4.p1.sha256", Hex: "bf28f614cfef8c9030a55b0e3719e9652707186e4e56e2c42e7d3c8b30e5b1b9"},
	{Name: "refresh.rf4.p2.sha256", Hex: "0f0fe4978441616817e44f8d6d875ca41242a9df14379168a4d001d427057981"},
	{Name: "refresh.share_id", Hex: "d5720ec9cc286919976feb2be02c4d51a0702240abb328e596c905f0599c0b6a"},
}

// TestKnownAnswerRefresh reproduces the refresh block of §12.4(d), payload hash by payload
// hash, from the keyshares of the §12.4(d) keygen.
func TestKnownAnswerRefresh(t *testing.T) {
	kg, err := testvec.RunKeygen(testvec.DefaultKeygen())
	require.NoError(t, err)
	run, err := testvec.RunRefresh(testvec.DefaultRefresh(kg.Keyshares))
	require.NoError(t, err)
	got := run.RefreshValues()
	require.Len(t, got, len(refreshKAT))
	for k, want := range refreshKAT {
		assert.Equal(t, want, got[k], want.Name)
	}
	require.Equal(t, run.SessionID[0], run.SessionID[1])
	require.Len(t, run.Payloads[0][0], 99)
}

// TestRunRefreshRecordsHandover checks RunRefresh's save records (two per party: the pending
// pair before RF4, then the promoted generation), the sign-2 handoff (new keyshares are
// ACTIVE, the old share_id is gone), and that a tampered run ends in a typed error.
func TestRunRefreshRecordsHandover(t *testing.T) {
	kg, err := testvec.RunKeygen(testvec.DefaultKeygen())
	require.NoError(t, err)
	kg.Keyshares[0].Lock(engineerr.OTExtensionCheckFailed, 1)
	run, err := testvec.RunRefresh(testvec.DefaultRefresh(kg.Keyshares))
	require.NoError(t, err)
	for i := range 2 {
		s := run.Saved[i]
		require.Len(t, s, 2)
		require.Equal(t, run.OldShareID[i], s[0].Active)
		require.Equal(t, run.Keyshares[i].ShareID(), s[0].Pending)
		require.Equal(t, run.Keyshares[i].ShareID(), s[1].Active)
		require.Equal(t, [32]byte{}, s[1].Pending)
		require.False(t, run.Keyshares[i].Pending())
		locked, _, _ := run.Keyshares[i].Locked()
		require.False(t, locked)
	}

	in := testvec.DefaultRefresh(mustKeygen(t).Keyshares)
	in.Tamper = func(r int, from uint8, p []byte) []byte {
		if r == 4 && from == 1 {
			p[40] ^= 1
		}
		return p
	}
	run, err = testvec.RunRefresh(in)
	var e *engineerr.Error
	require.True(t, errors.As(err, &e))
	require.Equal(t, engineerr.ConfirmationMismatch, e.Code)
	require.Equal(t, 1, e.Culprit)
	require.False(t, e.Locked)
	require.Len(t, run.Saved[0], 2)
	require.Equal(t, run.OldShareID[0], run.Saved[0][1].Active, "P1 keeps the old generation")
	require.Equal(t, [32]byte{}, run.Saved[0][1].Pending, "and discards the new one")
}

func mustKeygen(t *testing.T) *testvec.KeygenRun {
	t.Helper()
	kg, err := testvec.RunKeygen(testvec.DefaultKeygen())
	require.NoError(t, err)
	return kg
}
