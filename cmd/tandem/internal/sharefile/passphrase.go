package sharefile

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
)

// EnvPassphrase is the environment variable ReadPassphrase falls back to.
const EnvPassphrase = "TANDEM_PASSPHRASE"

// maxPassphraseFile bounds what ReadPassphrase reads from a passphrase file.
const maxPassphraseFile = 64 << 10

// ErrEmptyPassphrase: the passphrase file's first line (or the environment variable) is
// empty.
var ErrEmptyPassphrase = errors.New("sharefile: empty passphrase")

// Passphrase is the secret that encrypts a share file. It never prints: String, GoString,
// Format and LogValue redact it. The zero value means "no passphrase".
type Passphrase struct {
	b []byte
}

// NewPassphrase returns a Passphrase holding a copy of b (the zero value if b is empty).
func NewPassphrase(b []byte) Passphrase {
	if len(b) == 0 {
		return Passphrase{}
	}
	return Passphrase{b: bytes.Clone(b)}
}

// IsZero reports whether p holds no passphrase.
func (p Passphrase) IsZero() bool { return len(p.b) == 0 }

// Bytes returns a copy of the passphrase. SECRET.
func (p Passphrase) Bytes() []byte { return bytes.Clone(p.b) }

// String returns "sharefile.Passphrase(REDACTED)" (or "(none)" for the zero value).
func (p Passphrase) String() string {
	if p.IsZero() {
		return "sharefile.Passphrase(none)"
	}
	return "sharefile.Passphrase(REDACTED)"
}

// GoString is String.
func (p Passphrase) GoString() string { return p.String() }

// Format writes String for every verb.
func (p Passphrase) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, p.String()) }

// LogValue logs String.
func (p Passphrase) LogValue() slog.Value { return slog.StringValue(p.String()) }

// ReadPassphrase returns the passphrase from file (the --passphrase-file flag) if file is
// not empty, else from the TANDEM_PASSPHRASE variable looked up with env (os.Getenv if
// nil), else the zero Passphrase and no error.
//
// From a file, the passphrase is the first line with its trailing "\n" or "\r\n" removed;
// it must not be empty (ErrEmptyPassphrase). A file that group or others may read is
// accepted (container secret mounts are often 0644) but reported in warning, which the
// CLI should print; warning is empty otherwise. An empty TANDEM_PASSPHRASE counts as unset.
func ReadPassphrase(file string, env func(string) string) (p Passphrase, warning string, err error) {
	if file != "" {
		return readPassphraseFile(file)
	}
	if env == nil {
		env = os.Getenv
	}
	if v := env(EnvPassphrase); v != "" {
		return Passphrase{b: []byte(v)}, "", nil
	}
	return Passphrase{}, "", nil
}

func readPassphraseFile(file string) (Passphrase, string, error) {
	f, err := os.Open(file)
	if err != nil {
		return Passphrase{}, "", fmt.Errorf("sharefile: passphrase file: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return Passphrase{}, "", fmt.Errorf("sharefile: passphrase file: %w", err)
	}
	if !st.Mode().IsRegular() && st.Mode()&os.ModeNamedPipe == 0 && st.Mode()&os.ModeCharDevice == 0 {
		return Passphrase{}, "", fmt.Errorf("sharefile: passphrase file %s: not a regular file", file)
	}
	r := bufio.NewReader(io.LimitReader(f, maxPassphraseFile))
	line, err := r.ReadBytes('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return Passphrase{}, "", fmt.Errorf("sharefile: passphrase file: %w", err)
	}
	line = bytes.TrimSuffix(line, []byte("\n"))
	line = bytes.TrimSuffix(line, []byte("\r"))
	if len(line) == 0 {
		return Passphrase{}, "", fmt.Errorf("%w: first line of %s", ErrEmptyPassphrase, file)
	}
	p := Passphrase{b: bytes.Clone(line)}
	clear(line)
	var warning string
	if st.Mode().IsRegular() && st.Mode().Perm()&0o077 != 0 {
		warning = fmt.Sprintf("passphrase file %s is accessible by group or others (mode %04o); chmod 600 it", file, st.Mode().Perm())
	}
	return p, warning, nil
}
