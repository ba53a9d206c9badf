package transcript

import (
	"bytes"
	"fmt"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestHasherRedaction(t *testing.T) {
	h := NewHasher()
	h.Reset(labelTest)
	h.Field([]byte("SECRETSEED"))
	type nested struct{ H *Hasher }
	for _, v := range []any{h, nested{h}, []*Hasher{h}} {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%T"} {
			out := fmt.Sprintf(verb, v)
			require.NotContains(t, out, "SECRETSEED", verb)
			require.NotContains(t, out, "5345435245545345", verb) // hex of "SECRETSE"
			require.NotContains(t, out, "83 69 67 82", verb)      // %d of the bytes
		}
		var buf bytes.Buffer
		slog.New(slog.NewTextHandler(&buf, nil)).Info("m", "v", v)
		slog.New(slog.NewJSONHandler(&buf, nil)).Info("m", "v", v)
		require.NotContains(t, buf.String(), "SECRETSEED")
		require.NotContains(t, buf.String(), "U0VDUkVUU0VFRA") // base64
	}
}
