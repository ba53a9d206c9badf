package sign_test

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/sign"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/testrng"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/testvec"
	"github.com/tandem-mpc/tandem/internal/transcript"
)

func katPresignatures(t testing.TB) [2]*sign.Presignature {
	t.Helper()
	pre, err := runPresign(t, testvec.DefaultSign1(katKeyshares(t)))
	require.NoError(t, err)
	return pre
}

// reseal recomputes the checksum of a modified encoding.
func reseal(b []byte) []byte {
	sum := transcript.H(transcript.LabelPresigChecksum, b[:len(b)-32])
	copy(b[len(b)-32:], sum[:])
	return b
}

func TestPresignatureRoundTrip(t *testing.T) {
	t.Parallel()
	pre := katPresignatures(t)
	ks := katKeyshares(t)
	for i, p := range pre {
		enc := p.Marshal()
		require.Len(t, enc, sign.PresigFixedSize+4*2)
		require.Equal(t, "TNDP", string(enc[:4]))
		q, err := sign.ParsePresignature(enc)
		require.NoError(t, err)
		require.Equal(t, enc, q.Marshal())
		require.Equal(t, p.SignSID(), q.SignSID())
		require.Equal(t, p.Path(), q.Path())
		// A decoded pre-signature finishes like the original.
		_, s4, err := sign.Finish(ks[i], q, testvec.Sign1Digest)
		require.NoError(t, err)
		require.Len(t, s4, sign.SizeS4)
		require.True(t, q.Consumed())
		tomb := q.Marshal()
		require.Equal(t, byte(1), tomb[7])
		require.Equal(t, make([]byte, 96), tomb[len(tomb)-32-96:len(tomb)-32], "a tombstone has zero secrets")
	}
}

func TestParsePresignatureRejects(t *testing.T) {
	t.Parallel()
	enc := katPresignatures(t)[0].Marshal()
	n := len(enc)
	mod := func(f func(b []byte) []byte) []byte { return f(bytes.Clone(enc)) }
	tests := map[string][]byte{
		"empty":            nil,
		"short":            enc[:n-1],
		"long":             append(bytes.Clone(enc), 0),
		"magic":            mod(func(b []byte) []byte { b[0] = 'X'; return reseal(b) }),
		"index 2":          mod(func(b []byte) []byte { b[6] = 2; return reseal(b) }),
		"flag bit 1":       mod(func(b []byte) []byte { b[7] = 2; return reseal(b) }),
		"depth":            mod(func(b []byte) []byte { b[104] = 3; return reseal(b) }),
		"hardened index":   mod(func(b []byte) []byte { b[105] |= 0x80; return reseal(b) }),
		"Q' prefix":        mod(func(b []byte) []byte { b[113] = 0x04; return reseal(b) }),
		"R off curve":      mod(func(b []byte) []byte { copy(b[147:179], bytes.Repeat([]byte{0xff}, 32)); return reseal(b) }),
		"phi non-canon":    mod(func(b []byte) []byte { copy(b[179:211], bytes.Repeat([]byte{0xff}, 32)); return reseal(b) }),
		"consumed+secrets": mod(func(b []byte) []byte { b[7] = 1; return reseal(b) }),
		"checksum":         mod(func(b []byte) []byte { b[n-1] ^= 1; return b }),
	}
	for name, b := range tests {
		_, err := sign.ParsePresignature(b)
		require.ErrorIs(t, err, sign.ErrInvalidPresignature, name)
	}
	v2 := mod(func(b []byte) []byte { binary.BigEndian.PutUint16(b[4:], 2); return reseal(b) })
	_, err := sign.ParsePresignature(v2)
	require.ErrorIs(t, err, sign.ErrUnsupportedVersion)

	// §12.1 item 13: every single-byte flip and every truncation is rejected.
	for k := range n {
		b := bytes.Clone(enc)
		b[k] ^= 0x01
		_, err := sign.ParsePresignature(b)
		require.Error(t, err, "flip at %d", k)
		_, err = sign.ParsePresignature(enc[:k])
		require.Error(t, err, "truncation to %d", k)
	}
}

func FuzzParsePresignature(f *testing.F) {
	pre := katPresignatures(f)
	f.Add(pre[0].Marshal())
	f.Add(pre[1].Marshal())
	pre[0].Wipe()
	f.Add(pre[0].Marshal())
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := sign.ParsePresignature(b)
		if err != nil {
			return
		}
		require.Equal(t, b, p.Marshal(), "parse→marshal must reproduce the input")
	})
}

// TestSecretsNeverPrint formats every type that holds a secret with every verb and with slog.
func TestSecretsNeverPrint(t *testing.T) {
	t.Parallel()
	ks := katKeyshares(t)
	pre := katPresignatures(t)
	_, u, _ := sign.PresigSecrets(pre[0])
	secret := fmt.Sprintf("%x", u.Bytes())
	r1, err := sign.NewPresign(ks[0], testvec.Sign1Instance, testvec.Sign1Path, testrng.New("redact"))
	require.NoError(t, err)
	r4, _, err := sign.Finish(ks[1], pre[1], testvec.Sign1Digest)
	require.NoError(t, err)
	values := []any{pre[0], *pre[0], r1, *r1, r4, *r4}
	verbs := []string{"%v", "%+v", "%#v", "%s", "%x", "%X", "%q", "%d", "%T"}
	for _, v := range values {
		for _, verb := range verbs {
			out := fmt.Sprintf(verb, v)
			require.NotContains(t, strings.ToLower(out), secret[:16], verb)
		}
		var buf bytes.Buffer
		slog.New(slog.NewJSONHandler(&buf, nil)).Info("x", "v", v)
		require.NotContains(t, buf.String(), secret[:16])
	}
	require.Contains(t, fmt.Sprint(pre[0]), "REDACTED")
}
