package keyshare_test

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/keyshare"
)

// A Keyshare never prints x_i, the chain code or a seed, under any fmt verb, as a value, a
// pointer or nested in a struct, and under slog.
func TestSecretsNeverPrint(t *testing.T) {
	ks := synthetic(t, "redact", 0, id(0xaa, 33), id(0xbb, 33))
	x := ks.Share().Bytes()
	cc := ks.ChainCode()
	secrets := [][]byte{secretMarker[:], x[:6], cc[:4]}
	values := map[string]any{
		"*Keyshare":    ks,
		"Keyshare":     *ks,
		"nested ptr":   struct{ K *keyshare.Keyshare }{ks},
		"nested value": struct{ K keyshare.Keyshare }{*ks},
		"slice":        []*keyshare.Keyshare{ks},
	}
	verbs := []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%T %v", "%60v", "%-v"}
	for name, v := range values {
		for _, verb := range verbs {
			out := fmt.Sprintf(verb, v)
			for _, s := range secrets {
				for _, form := range []string{hex.EncodeToString(s), strings.ToUpper(hex.EncodeToString(s)), string(s),
					fmt.Sprint(s[0], " ", s[1], " ", s[2]), fmt.Sprintf("%#x", s[:3])} {
					require.NotContains(t, out, form, "%s with %s: %s", name, verb, out)
				}
			}
		}
		var buf bytes.Buffer
		slog.New(slog.NewJSONHandler(&buf, nil)).Info("x", "v", v)
		slog.New(slog.NewTextHandler(&buf, nil)).Info("x", "v", v)
		for _, s := range secrets {
			require.NotContains(t, buf.String(), hex.EncodeToString(s), name)
			require.NotContains(t, buf.String(), fmt.Sprint(s[0], " ", s[1], " ", s[2]), name)
		}
	}
	require.Contains(t, fmt.Sprint(ks), "REDACTED")
	kid := ks.KeyID()
	require.Contains(t, fmt.Sprint(ks), hex.EncodeToString(kid[:4]), "public ids are shown")
}
