package sharefile

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReadPassphrase(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string, mode os.FileMode) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(content), mode))
		require.NoError(t, os.Chmod(p, mode))
		return p
	}
	env := func(v string) func(string) string {
		return func(k string) string {
			if k == EnvPassphrase {
				return v
			}
			return ""
		}
	}
	for _, tt := range []struct {
		name    string
		file    string
		env     string
		want    string
		warn    bool
		wantErr error
		anyErr  bool
	}{
		{name: "file with newline", file: write("a", "s3cret\n", 0o600), want: "s3cret"},
		{name: "file with crlf", file: write("b", "s3cret\r\nsecond line\n", 0o600), want: "s3cret"},
		{name: "file without newline", file: write("c", "s3cret", 0o600), want: "s3cret"},
		{name: "spaces kept", file: write("d", " s3 cret \n", 0o600), want: " s3 cret "},
		{name: "file beats env", file: write("e", "fromfile\n", 0o600), env: "fromenv", want: "fromfile"},
		{name: "group readable warns", file: write("f", "s3cret\n", 0o640), want: "s3cret", warn: true},
		{name: "empty file", file: write("g", "", 0o600), wantErr: ErrEmptyPassphrase},
		{name: "empty first line", file: write("h", "\nsecond\n", 0o600), wantErr: ErrEmptyPassphrase},
		{name: "missing file", file: filepath.Join(dir, "nope"), wantErr: os.ErrNotExist},
		{name: "directory", file: dir, anyErr: true},
		{name: "env", env: "fromenv", want: "fromenv"},
		{name: "neither", want: ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p, warn, err := ReadPassphrase(tt.file, env(tt.env))
			switch {
			case tt.wantErr != nil:
				require.ErrorIs(t, err, tt.wantErr)
				require.True(t, p.IsZero())
				return
			case tt.anyErr:
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, string(p.Bytes()))
			assert.Equal(t, tt.want == "", p.IsZero())
			assert.Equal(t, tt.warn, warn != "", warn)
			assert.NotContains(t, warn, "s3cret")
		})
	}
}

func TestPassphraseNeverPrints(t *testing.T) {
	secret := "hunter2-very-secret"
	p := NewPassphrase([]byte(secret))
	opts := Options{Passphrase: p}
	f, err := Open(filepath.Join(t.TempDir(), "s"), opts)
	require.NoError(t, err)
	defer f.Close()
	// A pre-signature's bytes in memory must not print either.
	f.presigs["k"] = []byte(secret)
	values := []any{p, &p, opts, &opts, struct{ P Passphrase }{p}, f, f.Store(), struct{ F *File }{f}}
	verbs := []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%T", "%p", "%10v", "%-8s", "%08x"}
	for _, v := range values {
		for _, verb := range verbs {
			out := fmt.Sprintf(verb, v)
			assert.NotContains(t, out, secret, verb)
			assert.NotContains(t, out, fmt.Sprintf("%x", secret), verb)
		}
	}
	var sb strings.Builder
	slog.New(slog.NewJSONHandler(&sb, nil)).Info("x", "p", p, "opts", opts, "f", f, "st", f.Store())
	slog.New(slog.NewTextHandler(&sb, nil)).Info("x", "p", p, "opts", opts, "f", f, "st", f.Store())
	assert.NotContains(t, sb.String(), secret)
	assert.Contains(t, p.String(), "REDACTED")
	assert.Contains(t, Passphrase{}.String(), "none")
}
