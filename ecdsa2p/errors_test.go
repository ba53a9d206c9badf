package ecdsa2p

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tandem-mpc/tandem/ecdsa2p/internal/engineerr"
	"github.com/tandem-mpc/tandem/mpc"
)

func TestErrorClass(t *testing.T) {
	cases := []struct {
		err   *Error
		class uint8
		peer  bool
		text  string
	}{
		{&Error{Op: "presign", Round: 2, Code: OTExtensionCheckFailed, Culprit: 0, Locked: true}, mpc.ClassPeer, true,
			"ecdsa2p: presign round 2: OT extension check failed (culprit: party 0) (keyshare locked)"},
		{&Error{Op: "finish", Round: 1, Code: PresignatureConsumed, Culprit: NoCulprit}, mpc.ClassMismatch, false, ""},
		{&Error{Op: "presign", Code: KeyshareLocked, Culprit: NoCulprit}, mpc.ClassDeclined, false, ""},
		{&Error{Op: "keygen", Round: 1, Code: SetupMismatch, Culprit: NoCulprit}, mpc.ClassMismatch, false, ""},
		{&Error{Op: "keygen", Round: 3, Code: Internal, Culprit: NoCulprit, Err: errors.New("x")}, mpc.ClassLocal, false,
			"ecdsa2p: keygen round 3: internal error: x"},
	}
	for _, c := range cases {
		class, detail := c.err.AbortClass()
		assert.Equal(t, c.class, class, c.err.Error())
		assert.Equal(t, uint8(c.err.Code), detail)
		assert.Equal(t, c.peer, c.err.PeerFault())
		assert.True(t, errors.Is(c.err, c.err.Code))
		if c.text != "" {
			assert.Equal(t, c.text, c.err.Error())
		}
		wrapped := &mpc.AbortError{Err: c.err}
		var e *Error
		require.True(t, errors.As(wrapped, &e))
		var ac mpc.AbortClassifier
		require.True(t, errors.As(wrapped, &ac))
	}
	require.ErrorIs(t, &Error{Code: KeyshareLocked}, ErrKeyshareLocked)
	require.NotErrorIs(t, &Error{Code: KeyshareLocked}, ErrPresignatureConsumed)
}

func TestConvert(t *testing.T) {
	require.NoError(t, convert("x", 1, nil))
	ig := convert("keygen", 2, engineerr.Ignored("keygen", 2, "wrong version"))
	require.ErrorIs(t, ig, mpc.ErrIgnoreInput)
	require.ErrorIs(t, ig, engineerr.ErrIgnore)
	var ii mpc.IgnoredInputer
	require.True(t, errors.As(ig, &ii))
	require.Equal(t, 0, ii.IgnoredInput())

	e := engineErr(t, convert("presign", 3, engineerr.Peer("sign", 3, engineerr.RVOLECheckFailed, 1, nil)))
	require.Equal(t, "presign", e.Op)
	require.Equal(t, RVOLECheckFailed, e.Code)
	require.Equal(t, 1, e.Culprit)
	other := errors.New("plain")
	require.Equal(t, other, convert("x", 1, other))
}

// TestIgnoredInput: a wrong-version payload is ignored without touching the state; the
// genuine payload is accepted afterwards.
func TestIgnoredInput(t *testing.T) {
	a, b := localConfigs(t)
	ka, err := NewKeygen(a, 0, &MemoryStore{}, "k")
	require.NoError(t, err)
	kb, err := NewKeygen(b, 1, &MemoryStore{}, "k")
	require.NoError(t, err)
	ctx := context.Background()
	outA, err := ka.Next(ctx, 1, nil)
	require.NoError(t, err)
	outB, err := kb.Next(ctx, 1, nil)
	require.NoError(t, err)

	bad := append([]byte(nil), outA[0]...)
	bad[0] = 0x7f
	_, err = kb.Next(ctx, 2, []mpc.Inbound{{Round: 1, Payload: bad}})
	require.ErrorIs(t, err, mpc.ErrIgnoreInput)
	_, err = kb.Next(ctx, 2, []mpc.Inbound{{Round: 1, Payload: outA[0]}})
	require.NoError(t, err)

	// Wrong input count is a local error that ends the session.
	_, err = ka.Next(ctx, 2, nil)
	require.Error(t, err)
	_, err = ka.Next(ctx, 2, []mpc.Inbound{{Round: 1, Payload: outB[0]}})
	require.Error(t, err, "state consumed after an error")

	cctx, cancel := context.WithCancel(ctx)
	cancel()
	_, err = kb.Next(cctx, 3, nil)
	require.ErrorIs(t, err, context.Canceled)
}
