package gf128

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

var verbs = []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%b", "%o", "%T", "%p"}

func TestRedaction(t *testing.T) {
	e := Element{0x1122334455667788, 0x99aabbccddeeff00}
	var acc Accumulator
	acc.MulAdd(e, e)
	type nested struct{ E Element }
	values := map[string]any{
		"Element": e, "*Element": &e, "Accumulator": acc, "*Accumulator": &acc,
		"[]Element": []Element{e}, "nested": nested{e},
	}
	secrets := []string{"1122334455667788", "99aabbccddeeff00", "1234605616436508552", "11068046444225730816"}
	for name, v := range values {
		for _, verb := range verbs {
			if verb == "%p" && !strings.HasPrefix(name, "*") && !strings.HasPrefix(name, "[]") {
				continue
			}
			out := fmt.Sprintf(verb, v)
			for _, s := range secrets {
				require.NotContains(t, strings.ToLower(out), s, "%s with %s: %s", name, verb, out)
			}
		}
		var buf bytes.Buffer
		slog.New(slog.NewTextHandler(&buf, nil)).Info("m", "v", v)
		slog.New(slog.NewJSONHandler(&buf, nil)).Info("m", "v", v)
		for _, s := range secrets {
			require.NotContains(t, strings.ToLower(buf.String()), s, "%s via slog: %s", name, buf.String())
		}
	}
	require.Contains(t, fmt.Sprint(e), "REDACTED")
}
