package refresh_test

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/require"
)

// Every round state holds secrets (ζ_i, x′_i, OT state, the new generation) and redacts itself
// under every fmt verb, as value, pointer and nested, and under slog.
func TestSecretsNeverPrint(t *testing.T) {
	ks := keyshares(t)
	old := ks[0].Share().Bytes()
	ps := start(t, ks)
	values := map[string]any{"*Round1": ps.r1[0], "Round1": *ps.r1[0], "nested Round1": struct{ R any }{*ps.r1[0]}}
	ps.round1(t)
	values["*Round2"], values["Round2"] = ps.r2[0], *ps.r2[0]
	ps.round2(t)
	values["*Round3"], values["Round3"] = ps.r3[0], *ps.r3[0]
	ps.round3(t)
	values["*Round4"], values["Round4"] = ps.r4[0], *ps.r4[0]
	values["nested Round4"] = struct{ R any }{*ps.r4[0]}
	pend := ps.st[0].load(t).Pending
	values["pending keyshare"] = pend
	next := pend.Share().Bytes()
	cc := pend.ChainCode()
	var forms []string
	for _, s := range [][]byte{old[:], next[:], cc[:]} {
		forms = append(forms, hex.EncodeToString(s[:6]), fmt.Sprint(s[0], " ", s[1], " ", s[2]), fmt.Sprintf("%X", s[:6]))
	}
	verbs := []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%60v", "%-v"}
	for name, v := range values {
		for _, verb := range verbs {
			out := fmt.Sprintf(verb, v)
			require.Contains(t, out, "REDACTED", "%s %s", name, verb)
			for _, f := range forms {
				require.NotContains(t, out, f, "%s with %s", name, verb)
			}
		}
		var buf bytes.Buffer
		slog.New(slog.NewJSONHandler(&buf, nil)).Info("x", "v", v)
		slog.New(slog.NewTextHandler(&buf, nil)).Info("x", "v", v)
		for _, f := range forms {
			require.NotContains(t, buf.String(), f, name)
		}
	}
}
