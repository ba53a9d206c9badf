package ecdsa2p

import (
	"bytes"
	"context"
	"encoding/hex"
	"fmt"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/sign"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestRedaction formats every secret-holding type with every verb and through slog and
// checks that no secret byte string (the share, the chain code, the marshalled records)
// appears.
func TestRedaction(t *testing.T) {
	l := newLocal(t)
	l.keygen(t)
	sid := l.presign(t)
	ks := l.ks[0]
	pb, err := l.st[0].Load(context.Background(), PresignatureKey("k", sid))
	require.NoError(t, err)
	ps, err := loadPresig(pb)
	require.NoError(t, err)

	share := ks.cur().Share().Bytes()
	cc := ks.ChainCode()
	rec, _ := ks.MarshalBinary()
	secrets := [][]byte{share[:], cc[:], rec[40:72], pb[100:132]}

	kg, err := NewKeygen(l.a, 0, l.st[0], "k2")
	require.NoError(t, err)
	pr, err := NewPresign(l.a, ks, l.st[0], "k", "m")
	require.NoError(t, err)
	fi, err := NewFinishP2(l.b, l.ks[1], l.st[1], "k", AcceptDigest())
	require.NoError(t, err)
	rf, err := NewRefresh(l.a, ks, l.st[0], "k")
	require.NoError(t, err)
	protos := []any{kg, pr, fi, rf}

	values := map[string]any{
		"keyshare":     ks,
		"presignature": ps,
		"memory store": l.st[0],
		"struct": struct {
			K *Keyshare
			P *Presignature
		}{ks, ps},
		"keyshare value": []*Keyshare{ks},
		"protocols":      protos,
	}
	verbs := []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%T", "%p"}
	for name, v := range values {
		for _, verb := range verbs {
			out := fmt.Sprintf(verb, v)
			for _, s := range secrets {
				require.NotContains(t, strings.ToLower(out), hex.EncodeToString(s), "%s %s", name, verb)
				require.NotContains(t, out, string(s), "%s %s", name, verb)
			}
		}
		var buf bytes.Buffer
		slog.New(slog.NewJSONHandler(&buf, nil)).Info("x", "v", v)
		slog.New(slog.NewTextHandler(&buf, nil)).Info("x", "v", v)
		for _, s := range secrets {
			require.NotContains(t, strings.ToLower(buf.String()), hex.EncodeToString(s), name)
		}
	}
}

// loadPresig parses a stored pre-signature.
func loadPresig(b []byte) (*Presignature, error) {
	p, err := sign.ParsePresignature(b)
	if err != nil {
		return nil, err
	}
	return &Presignature{p: p}, nil
}
