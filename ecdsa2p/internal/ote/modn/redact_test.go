package modn

import (
	"bytes"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

var verbs = []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%b", "%o", "%T", "%p"}

// TestRedaction formats Scalar and Acc with every verb and through slog and checks that no limb
// appears, in hex or decimal.
func TestRedaction(t *testing.T) {
	s := Scalar{0x1122334455667788, 0x99aabbccddeeff00, 0x0123456789abcdef, 0x7edcba9876543210}
	var acc Acc
	acc.MulAdd(&s, &s)
	b := s.Bytes()
	secrets := []string{"1122334455667788", "99aabbccddeeff00", strconv.FormatUint(s[0], 10),
		fmt.Sprintf("%x", b[:8]), strconv.FormatUint(acc[0], 16), strconv.FormatUint(acc[0], 10)}
	type nested struct {
		S Scalar
		A Acc
	}
	values := map[string]any{"Scalar": s, "*Scalar": &s, "Acc": acc, "*Acc": &acc,
		"[]Scalar": []Scalar{s}, "nested": nested{s, acc}}
	for name, v := range values {
		for _, verb := range verbs {
			if verb == "%p" && !strings.HasPrefix(name, "*") && !strings.HasPrefix(name, "[]") {
				continue // fmt prints %p of a non-pointer itself, without calling Format
			}
			out := strings.ToLower(fmt.Sprintf(verb, v))
			for _, sec := range secrets {
				require.NotContains(t, out, sec, "%s with %s", name, verb)
			}
		}
		var buf bytes.Buffer
		slog.New(slog.NewTextHandler(&buf, nil)).Info("m", "v", v)
		slog.New(slog.NewJSONHandler(&buf, nil)).Info("m", "v", v)
		for _, sec := range secrets {
			require.NotContains(t, strings.ToLower(buf.String()), sec, "%s via slog", name)
		}
	}
}
