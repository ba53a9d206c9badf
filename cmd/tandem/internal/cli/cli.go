package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"runtime"
	"strings"

	"github.com/tandem-mpc/tandem/internal/buildinfo"
)

// Version is tandem's version, set at build time with
// -ldflags "-X github.com/tandem-mpc/tandem/cmd/tandem/internal/cli.Version=v1.2.3".
var Version = ""

func version() string { return buildinfo.Version(Version) }

// Exit statuses of Main.
const (
	ExitOK         = 0
	ExitError      = 1 // any error: bad flags, I/O, a failed or refused protocol
	ExitIncomplete = 3 // keygen or refresh ended without the peer's confirmation (PENDING)
)

// env is the process environment as Main receives it.
type env struct {
	vars   map[string]string
	stdout io.Writer
	stderr io.Writer
}

func (e *env) lookup(k string) string { return e.vars[k] }

// warnf prints a warning line on stderr.
func (e *env) warnf(format string, args ...any) {
	fmt.Fprintf(e.stderr, "tandem: warning: "+format+"\n", args...)
}

// exitError carries an exit status other than ExitError with its error.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// command is one subcommand.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, e *env, args []string) error
}

func commands() []command {
	return []command{
		{"signer", "signer new --type ed25519|p256 --out FILE: a new message key", runSigner},
		{"instance", "print a fresh instance id (64 hex characters)", runInstance},
		{"keygen", "run key generation with the other party; write the key share", runKeygen},
		{"sign", "sign a message with the other party", runSign},
		{"refresh", "refresh the key share with the other party (same key, new shares)", runRefresh},
		{"address", "print the public key and Ethereum address of a key share", runAddress},
		{"verify", "verify a secp256k1 ECDSA signature", runVerify},
		{"demo", "keygen and one signature between two local parties over an embedded relay", runDemo},
		{"bench", "measure keygen and signing", runBench},
		{"version", "print the version", runVersion},
		{"help", "print this help", nil},
	}
}

// Main runs the tandem command line: args without the program name, environ as os.Environ
// returns it. ctx ends on SIGINT/SIGTERM. It returns the exit status.
func Main(ctx context.Context, args, environ []string, stdout, stderr io.Writer) int {
	e := &env{vars: map[string]string{}, stdout: stdout, stderr: stderr}
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok {
			e.vars[k] = v
		}
	}
	if len(args) == 0 {
		usage(stderr)
		fmt.Fprintln(stderr, "tandem: no command given")
		return ExitError
	}
	name, rest := args[0], args[1:]
	switch name {
	case "help", "-h", "-help", "--help":
		usage(stdout)
		return ExitOK
	}
	for _, c := range commands() {
		if c.name != name || c.run == nil {
			continue
		}
		err := c.run(ctx, e, rest)
		switch {
		case err == nil:
			return ExitOK
		case errors.Is(err, flag.ErrHelp):
			return ExitOK
		}
		fmt.Fprintf(stderr, "tandem %s: %s\n", name, oneLine(err.Error()))
		var xe *exitError
		if errors.As(err, &xe) {
			return xe.code
		}
		return ExitError
	}
	fmt.Fprintf(stderr, "tandem: unknown command %q (run `tandem help`)\n", name)
	return ExitError
}

// oneLine folds a multi-line error (errors.Join) into one line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", "; ")), " ")
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "tandem: two-party ECDSA (secp256k1) wallet over a relay")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Usage: tandem <command> [flags]   (tandem <command> -h for its flags)")
	fmt.Fprintln(w)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "keygen, sign and refresh take the share passphrase from --passphrase-file or")
	fmt.Fprintln(w, "TANDEM_PASSPHRASE. --json prints one JSON object as the last line of stdout.")
	fmt.Fprintln(w, "Exit status: 0 success, 1 error, 3 keygen/refresh incomplete (share PENDING).")
}

func runVersion(_ context.Context, e *env, args []string) error {
	fs := newFlagSet("version")
	if err := parse(e, fs, args); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "tandem %s %s\n", version(), runtime.Version())
	return nil
}
