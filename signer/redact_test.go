package signer_test

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"log/slog"
	"math/big"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tandem-mpc/tandem/signer"
)

// secretForms returns substrings that must never appear in printed output: 8-byte windows of
// the raw secret, 16-character windows of its hex (both cases), 16-character windows of its
// base64 (standard and URL), and 20-digit windows of its decimal value.
func secretForms(secret []byte) []string {
	var forms []string
	windows := func(s string, n int) {
		for i := 0; i+n <= len(s); i++ {
			forms = append(forms, s[i:i+n])
		}
	}
	windows(string(secret), 8)
	windows(hex.EncodeToString(secret), 16)
	windows(strings.ToUpper(hex.EncodeToString(secret)), 16)
	windows(base64.StdEncoding.EncodeToString(secret), 16)
	windows(base64.RawURLEncoding.EncodeToString(secret), 16)
	windows(new(big.Int).SetBytes(secret).String(), 20)
	return forms
}

func TestPrivateKeyNeverPrints(t *testing.T) {
	type exported struct {
		Name string
		Key  *signer.PrivateKey
		Val  signer.PrivateKey
	}
	for typ, k := range genKeys(t) {
		t.Run(string(typ), func(t *testing.T) {
			forms := secretForms(secretOf(t, k))
			var s signer.Signer = k
			values := map[string]any{
				"pointer":           k,
				"value":             *k,
				"Signer interface":  s,
				"struct":            exported{Name: "x", Key: k, Val: *k},
				"pointer to struct": &exported{Name: "x", Key: k, Val: *k},
				"slice":             []*signer.PrivateKey{k, k},
				"map":               map[string]signer.PrivateKey{"k": *k},
			}
			verbs := []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%08.3v", "%-+#x", "% x"}
			var outputs []string
			for name, v := range values {
				for _, verb := range verbs {
					outputs = append(outputs, name+" "+verb+": "+fmt.Sprintf(verb, v))
				}
				outputs = append(outputs, name+" Sprint: "+fmt.Sprint(v), name+" Sprintln: "+fmt.Sprintln(v))
			}
			outputs = append(outputs, "String: "+k.String(), "GoString: "+k.GoString())

			for _, h := range []func(*bytes.Buffer) slog.Handler{
				func(b *bytes.Buffer) slog.Handler { return slog.NewTextHandler(b, nil) },
				func(b *bytes.Buffer) slog.Handler { return slog.NewJSONHandler(b, nil) },
			} {
				var buf bytes.Buffer
				log := slog.New(h(&buf))
				for name, v := range values {
					log.Info("key", "v", v, slog.Any("any", v), slog.Group("g", "v", v), "name", name)
				}
				log.With("key", k).Info("with")
				outputs = append(outputs, buf.String())
			}

			leaks := func(out string) bool {
				for _, f := range forms {
					if strings.Contains(out, f) {
						return true
					}
				}
				return false
			}
			for _, out := range outputs {
				if leaks(out) {
					t.Fatalf("a secret form appears in output %q", out)
				}
			}
			// The detector itself works: it sees the secret in the unredacted stdlib forms.
			secret := secretOf(t, k)
			assert.True(t, leaks(fmt.Sprintf("%x", secret)))
			assert.True(t, leaks(fmt.Sprintf("%X", secret)))
			assert.True(t, leaks(base64.StdEncoding.EncodeToString(secret)))
			assert.True(t, leaks(fmt.Sprintf("%d", new(big.Int).SetBytes(secret))))
			if typ == signer.ECDSAP256 {
				assert.True(t, leaks(fmt.Sprintf("%+v", ecdsaOf(t, k))))
			}
			// The redacted form is useful: it names the type and the verifying key.
			assert.Contains(t, fmt.Sprint(k), k.VerifyingKey().String())
			assert.Contains(t, fmt.Sprint(k), "REDACTED")
		})
	}
	var zero signer.PrivateKey
	require.NotEmpty(t, zero.String())
	require.Equal(t, zero.String(), fmt.Sprintf("%#v", zero))
}
