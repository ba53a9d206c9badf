package cli

import (
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"

	"github.com/tandem-mpc/tandem/ecdsa2p"
	"github.com/tandem-mpc/tandem/mpc"
	"github.com/tandem-mpc/tandem/relay/server"
)

// newFlagSet returns a flag set that reports nothing itself: parse turns its errors into
// one-line errors and prints the flags for -h.
func newFlagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet("tandem "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

// parse parses args and refuses positional arguments. -h prints the flags on stdout and
// returns flag.ErrHelp (exit 0). Flag errors name flags with two dashes, as the usage does.
func parse(e *env, fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printFlags(e.stdout, fs)
			return err
		}
		msg := strings.ReplaceAll(err.Error(), "flag -", "flag --")
		return errors.New(strings.ReplaceAll(msg, "defined: -", "defined: --"))
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	return nil
}

// printFlags prints fs's flags with two dashes, as the documentation writes them.
func printFlags(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprintf(w, "Usage of %s:\n", fs.Name())
	fs.VisitAll(func(f *flag.Flag) {
		arg, usage := flag.UnquoteUsage(f)
		line := "  --" + f.Name
		if arg != "" {
			line += " " + arg
		}
		fmt.Fprintf(w, "%s\n    \t%s", line, usage)
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" {
			fmt.Fprintf(w, " (default %s)", f.DefValue)
		}
		fmt.Fprintln(w)
	})
}

// required returns an error naming the first empty flag of names (pairs of name, value).
func required(pairs ...string) error {
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i+1] == "" {
			return fmt.Errorf("--%s is required", pairs[i])
		}
	}
	return nil
}

// ParseInstanceHex parses an instance id given on the command line: exactly 64 hex
// characters (WIRE.md Appendix Y.9), not the all-zero id.
func ParseInstanceHex(s string) (mpc.InstanceID, error) {
	if len(s) != 64 {
		return mpc.InstanceID{}, fmt.Errorf("--instance: want 64 hex characters, got %d characters", len(s))
	}
	if _, err := hex.DecodeString(s); err != nil {
		return mpc.InstanceID{}, errors.New("--instance: want 64 hex characters (0-9, a-f)")
	}
	id, err := mpc.ParseInstanceID(s)
	if err != nil {
		return mpc.InstanceID{}, fmt.Errorf("--instance: %w", err)
	}
	return id, nil
}

// parseParty parses --party: 1 or 2.
func parseParty(s string) (int, error) {
	switch s {
	case "1":
		return 1, nil
	case "2":
		return 2, nil
	case "":
		return 0, errors.New("--party is required (1 or 2)")
	}
	return 0, fmt.Errorf("--party: want 1 or 2, got %q", s)
}

// ParseHash parses --hash: keccak256 or sha256 (case-insensitive; "keccak-256" and
// "sha-256" too).
func ParseHash(s string) (ecdsa2p.HashAlg, error) {
	switch strings.ReplaceAll(strings.ToLower(s), "-", "") {
	case "keccak256", "keccak":
		return ecdsa2p.Keccak256, nil
	case "sha256":
		return ecdsa2p.SHA256, nil
	}
	return 0, fmt.Errorf("--hash: want keccak256 or sha256, got %q", s)
}

// ParseHex decodes a hex flag value (an optional 0x prefix, either case, even length).
func ParseHex(name, s string) ([]byte, error) {
	t := s
	if strings.HasPrefix(s, "0x") || strings.HasPrefix(s, "0X") {
		t = s[2:]
	}
	b, err := hex.DecodeString(t)
	if err != nil {
		return nil, fmt.Errorf("--%s: not hex: %v", name, err)
	}
	return b, nil
}

// checkPath does the syntax check of a non-hardened BIP-32 path (PROTOCOL.md §9.2) before
// anything is sent; the Session parses it again. "" is "m".
func checkPath(p string) (string, error) {
	if p == "" {
		return "m", nil
	}
	parts := strings.Split(p, "/")
	if parts[0] != "m" {
		return "", fmt.Errorf("--path %q: must start with m (for example m/0/1)", p)
	}
	if len(parts) > 256 {
		return "", fmt.Errorf("--path %q: too deep", p)
	}
	for _, c := range parts[1:] {
		if strings.HasSuffix(c, "'") || strings.HasSuffix(c, "h") || strings.HasSuffix(c, "H") {
			return "", fmt.Errorf("--path %q: hardened components cannot be derived by two parties", p)
		}
		n, err := strconv.ParseUint(c, 10, 32)
		if err != nil || c != strconv.FormatUint(n, 10) {
			return "", fmt.Errorf("--path %q: component %q is not a decimal index", p, c)
		}
		if n >= 1<<31 {
			return "", fmt.Errorf("--path %q: component %s is hardened (≥ 2^31)", p, c)
		}
	}
	return p, nil
}

// relayURLs is the repeatable --relay flag: the first URL is the primary, later ones are
// fallbacks.
type relayURLs []string

func (r *relayURLs) String() string { return strings.Join(*r, ",") }

func (r *relayURLs) Set(v string) error {
	u, err := normalizeRelayURL(v)
	if err != nil {
		return err
	}
	*r = append(*r, u)
	return nil
}

// normalizeRelayURL checks a relay URL: ws:// or wss:// (http:// and https:// are mapped),
// with a host; an empty path becomes the relay's /v1/msg-relay.
func normalizeRelayURL(v string) (string, error) {
	u, err := url.Parse(v)
	if err != nil {
		return "", fmt.Errorf("relay URL %q: %v", v, err)
	}
	switch u.Scheme {
	case "ws", "wss":
	case "http":
		u.Scheme = "ws"
	case "https":
		u.Scheme = "wss"
	default:
		return "", fmt.Errorf("relay URL %q: want ws:// or wss://", v)
	}
	if u.Host == "" {
		return "", fmt.Errorf("relay URL %q: no host", v)
	}
	if u.Path == "" || u.Path == "/" {
		u.Path = server.PathRelay
	}
	return u.String(), nil
}
