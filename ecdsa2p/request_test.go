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
	gotSID, gotD, err := AcceptDigest(nil)(ctx, req)
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
		_, _, err := AcceptDigest(nil)(ctx, c.req)
		require.Error(t, err, c.name)
		require.Equal(t, c.class, class(err), c.name)
	}

	_, _, err = AcceptDigest(func(context.Context, [32]byte, [32]byte) error { return errors.New("no") })(ctx, req)
	require.Equal(t, mpc.ClassDeclined, class(err))
	_, _, err = AcceptDigest(func(context.Context, [32]byte, [32]byte) error {
		return &Error{Code: MessageMismatch, Culprit: NoCulprit}
	})(ctx, req)
	require.Equal(t, mpc.ClassMismatch, class(err))
}

func FuzzAcceptDigest(f *testing.F) {
	f.Add(DigestRequest([32]byte{1}, [32]byte{2}))
	f.Add([]byte{1, 0x51})
	f.Fuzz(func(t *testing.T, b []byte) {
		sid, d, err := AcceptDigest(nil)(context.Background(), b)
		if err == nil && string(DigestRequest(sid, d)) != string(b) {
			t.Fatal("accepted a request that does not re-encode")
		}
	})
}
