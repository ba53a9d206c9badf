package ecdsa2p

import (
	"context"
	"encoding/hex"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tandem-mpc/tandem/mpc"
)

func TestDigestRequest(t *testing.T) {
	var sid, d [32]byte
	for i := range sid {
		sid[i], d[i] = 0x02, byte(i)
	}
	req := DigestRequest(sid, d)
	// Layout of WIRE.md §12.9 (Appendix A's vector differs only in hash code and message).
	require.Equal(t, "0151"+hex.EncodeToString(sid[:])+"00"+"00000020"+hex.EncodeToString(d[:]), hex.EncodeToString(req))

	ctx := context.Background()
	gotSID, gotD, err := AcceptDigest()(ctx, req)
	require.NoError(t, err)
	require.Equal(t, sid, gotSID)
	require.Equal(t, d, gotD)

	class := func(err error) uint8 {
		var c mpc.AbortClassifier
		require.True(t, errors.As(err, &c), "%v", err)
		cl, _ := c.AbortClass()
		return cl
	}
	mut := func(f func([]byte) []byte) []byte { return f(append([]byte(nil), req...)) }
	appA, _ := hex.DecodeString("01510202020202020202020202020202020202020202020202020202020202020202010000000568656c6c6f")
	cases := []struct {
		name  string
		req   []byte
		class uint8
	}{
		{"empty", nil, mpc.ClassPeer},
		{"version", mut(func(b []byte) []byte { b[0] = 2; return b }), mpc.ClassPeer},
		{"type", mut(func(b []byte) []byte { b[1] = 0x50; return b }), mpc.ClassPeer},
		{"length", mut(func(b []byte) []byte { return b[:len(b)-1] }), mpc.ClassPeer},
		{"zero length", mut(func(b []byte) []byte { b[38] = 0; return b[:39] }), mpc.ClassPeer},
		{"raw not 32", mut(func(b []byte) []byte { b[38] = 31; return b[:len(b)-1] }), mpc.ClassPeer},
		{"keccak (Appendix A)", appA, mpc.ClassDeclined},
	}
	for _, c := range cases {
		_, _, err := AcceptDigest()(ctx, c.req)
		require.Error(t, err, c.name)
		require.Equal(t, c.class, class(err), c.name)
	}

}

func FuzzAcceptDigest(f *testing.F) {
	f.Add(DigestRequest([32]byte{1}, [32]byte{2}))
	f.Add([]byte{1, 0x51})
	f.Fuzz(func(t *testing.T, b []byte) {
		sid, d, err := AcceptDigest()(context.Background(), b)
		if err == nil && string(DigestRequest(sid, d)) != string(b) {
			t.Fatal("accepted a request that does not re-encode")
		}
	})
}

// TestFinishApproval: P2's approval hook runs after the pre-signature check; a refusal is
// class 3 (the pre-signature of P2 stays unused), a self-classifying error keeps its class,
// an unknown sign_sid is PresignatureConsumed before any approval is asked.
func TestFinishApproval(t *testing.T) {
	l := newLocal(t)
	l.keygen(t)
	digest := digestOf("approve")
	run := func(sid [32]byte, approve ApproveFunc) (asked bool, errs [2]error) {
		l.a, l.b = fresh(l.a, l.b)
		f0, err := NewFinishP1(l.a, l.ks[0], l.st[0], "k", sid, digest, DigestRequest(sid, digest))
		require.NoError(t, err)
		f1, err := NewFinishP2(l.b, l.ks[1], l.st[1], "k", AcceptDigest())
		require.NoError(t, err)
		f1.WithApproval(func(ctx context.Context, s, e [32]byte) error {
			asked = true
			require.Equal(t, sid, s)
			require.Equal(t, digest, e)
			return approve(ctx, s, e)
		})
		errs = runLocal(context.Background(), [2]mpc.Protocol{f0, f1})
		return asked, errs
	}
	class := func(err error) uint8 {
		var c mpc.AbortClassifier
		require.True(t, errors.As(err, &c), "%v", err)
		cl, _ := c.AbortClass()
		return cl
	}

	sid := l.presign(t)
	asked, errs := run(sid, func(context.Context, [32]byte, [32]byte) error { return errors.New("no") })
	require.True(t, asked)
	require.Equal(t, mpc.ClassDeclined, class(errs[1]))
	b, err := l.st[1].Load(context.Background(), PresignatureKey("k", sid))
	require.NoError(t, err)
	ps, err := loadPresig(b)
	require.NoError(t, err)
	require.False(t, ps.Consumed(), "P2 declined before consuming")

	sid = l.presign(t)
	_, errs = run(sid, func(context.Context, [32]byte, [32]byte) error {
		return &Error{Code: MessageMismatch, Culprit: NoCulprit}
	})
	require.Equal(t, mpc.ClassMismatch, class(errs[1]))

	sid = l.presign(t)
	require.NoError(t, l.st[1].Delete(context.Background(), PresignatureKey("k", sid)))
	asked, errs = run(sid, func(context.Context, [32]byte, [32]byte) error { return nil })
	require.False(t, asked)
	require.ErrorIs(t, errs[1], ErrPresignatureConsumed)

	sid = l.presign(t)
	asked, errs = run(sid, func(context.Context, [32]byte, [32]byte) error { return nil })
	require.True(t, asked)
	require.NoError(t, errs[0])
	require.NoError(t, errs[1])
}
