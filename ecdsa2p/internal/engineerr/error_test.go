package engineerr_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/engineerr"
)

// The interfaces the driver (package mpc) finds with errors.As, restated here: the internal
// packages must not import mpc.
type (
	abortClassifier interface{ AbortClass() (class, detail uint8) }
	peerFaulter     interface{ PeerFault() bool }
)

func TestMessages(t *testing.T) {
	cases := []struct {
		err  error
		want string
	}{
		{engineerr.Peer("keygen", 2, engineerr.SchnorrProofInvalid, 1, nil),
			"ecdsa2p: keygen round 2: schnorr proof invalid (culprit: party 1)"},
		{engineerr.Local("keygen", 1, engineerr.SetupMismatch, errors.New("the peer's setup digest differs")),
			"ecdsa2p: keygen round 1: setup mismatch: the peer's setup digest differs"},
		{engineerr.Consumed("keygen", 3), "ecdsa2p: keygen round 3: internal error: state already consumed"},
		{engineerr.Local("keyshare", 0, engineerr.KeyshareLocked, nil), "ecdsa2p: keyshare: keyshare locked"},
		{&engineerr.Error{Op: "sign", Round: 3, Code: engineerr.OTExtensionCheckFailed, Culprit: 0, Locked: true},
			"ecdsa2p: sign round 3: OT extension check failed (culprit: party 0) (keyshare locked)"},
		{engineerr.Ignored("keygen", 2, "wrong session binding"), "ecdsa2p: keygen round 2: input ignored: wrong session binding"},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, c.err.Error())
	}
}

// AbortClass and PeerFault drive the driver's ABORT (mpc.AbortClassifier / PeerFaulter).
func TestAbortClass(t *testing.T) {
	cases := []struct {
		err    *engineerr.Error
		class  uint8
		detail uint8
		peer   bool
	}{
		{engineerr.Peer("keygen", 2, engineerr.CommitmentMismatch, 1, nil), engineerr.ClassPeer, 0x10, true},
		{engineerr.Peer("keygen", 3, engineerr.PPRFProofInvalid, 0, nil), engineerr.ClassPeer, 0x14, true},
		{engineerr.Peer("keygen", 2, engineerr.Equivocation, 0, nil), engineerr.ClassPeer, 0x03, true},
		{engineerr.Local("keygen", 1, engineerr.SetupMismatch, nil), engineerr.ClassMismatch, 0x01, false},
		{engineerr.Local("sign", 4, engineerr.MessageMismatch, nil), engineerr.ClassMismatch, 0x26, false},
		{engineerr.Local("sign", 1, engineerr.PresignatureConsumed, nil), engineerr.ClassMismatch, 0x31, false},
		{engineerr.Local("sign", 2, engineerr.KeyshareLocked, nil), engineerr.ClassDeclined, 0x30, false},
		{engineerr.Local("export", 1, engineerr.ExportRejected, nil), engineerr.ClassDeclined, 0x40, false},
		{engineerr.Local("keygen", 2, engineerr.Internal, nil), engineerr.ClassLocal, 0xFF, false},
		{engineerr.Local("keygen", 2, engineerr.Cancelled, nil), engineerr.ClassLocal, 0xFE, false},
	}
	for _, c := range cases {
		wrapped := fmt.Errorf("ecdsa2p: %w", c.err)
		var ac abortClassifier
		require.True(t, errors.As(wrapped, &ac))
		class, detail := ac.AbortClass()
		assert.Equal(t, c.class, class, "%v", c.err)
		assert.Equal(t, c.detail, detail, "%v", c.err)
		var pf peerFaulter
		require.True(t, errors.As(wrapped, &pf))
		assert.Equal(t, c.peer, pf.PeerFault(), "%v", c.err)
		assert.ErrorIs(t, wrapped, c.err.Code)
		assert.NotErrorIs(t, wrapped, engineerr.ErrIgnore)
	}
}

func TestIgnored(t *testing.T) {
	err := fmt.Errorf("wrapped: %w", engineerr.Ignored("keygen", 3, "duplicate"))
	require.ErrorIs(t, err, engineerr.ErrIgnore)
	var ac abortClassifier
	require.False(t, errors.As(err, &ac), "an ignored input is not an abort")
}

func TestErrorIsMatchesCodeAndCause(t *testing.T) {
	cause := errors.New("cause")
	err := engineerr.Peer("keygen", 2, engineerr.MalformedPayload, 1, cause)
	require.ErrorIs(t, err, engineerr.MalformedPayload)
	require.NotErrorIs(t, err, engineerr.CommitmentMismatch)
	require.ErrorIs(t, err, cause)
	require.ErrorIs(t, engineerr.Consumed("keygen", 1), engineerr.ErrStateConsumed)
}

// Every §10.4 code has a name and text; codes are unique.
func TestCodes(t *testing.T) {
	want := map[engineerr.Code]string{
		0x01: "SetupMismatch", 0x02: "MalformedPayload", 0x03: "Equivocation",
		0x10: "CommitmentMismatch", 0x11: "SchnorrProofInvalid", 0x12: "PublicKeyInvalid",
		0x13: "BaseOTInvalid", 0x14: "PPRFProofInvalid", 0x15: "ConfirmationMismatch",
		0x20: "NonceCommitmentMismatch", 0x21: "OTExtensionCheckFailed", 0x22: "RVOLECheckFailed",
		0x23: "NonceConsistencyFailed", 0x24: "KeyConsistencyFailed", 0x25: "DegenerateNonce",
		0x26: "MessageMismatch", 0x27: "DegenerateSignature", 0x28: "SignatureVerifyFailed",
		0x30: "KeyshareLocked", 0x31: "PresignatureConsumed", 0x32: "Restored",
		0x40: "ExportRejected", 0x41: "ExportInvalid", 0xFE: "Cancelled", 0xFF: "Internal",
	}
	for c := range 256 {
		code := engineerr.Code(c)
		name, ok := want[code]
		require.Equal(t, ok, code.Known(), "0x%02x", c)
		if ok {
			require.Equal(t, name, code.String())
			require.NotEmpty(t, code.Text())
		} else {
			require.Equal(t, fmt.Sprintf("Code(0x%02x)", c), code.String())
		}
	}
}
