package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"time"

	"github.com/tandem-mpc/tandem/cmd/tandem/internal/sharefile"
	"github.com/tandem-mpc/tandem/ecdsa2p"
	"github.com/tandem-mpc/tandem/mpc"
	"github.com/tandem-mpc/tandem/relay"
	"github.com/tandem-mpc/tandem/signer"
)

// DefaultTimeout bounds keygen, sign and refresh (dial included) unless --timeout says
// otherwise.
const DefaultTimeout = 2 * time.Minute

// partyFlags are the flags every two-party command (keygen, sign, refresh) takes.
type partyFlags struct {
	relays   relayURLs
	party    string
	signer   string
	other    string
	instance string
	passFile string
	insecure bool
	timeout  time.Duration
	json     bool
}

func (p *partyFlags) register(fs *flag.FlagSet) {
	fs.Var(&p.relays, "relay", "relay `URL`, ws[s]://host[:port][/v1/msg-relay] (repeat for fallbacks)")
	fs.StringVar(&p.party, "party", "", "this party: 1 or 2")
	fs.StringVar(&p.signer, "signer", "", "this party's message key (PEM written by tandem signer new)")
	fs.StringVar(&p.other, "other", "", "the other party's verifying key (ED25519:... or ECDSA_P256_SEC1:...)")
	fs.StringVar(&p.instance, "instance", "", "instance id agreed with the other party (64 hex characters)")
	fs.StringVar(&p.passFile, "passphrase-file", "", "file whose first line is the share passphrase (else $"+sharefile.EnvPassphrase+")")
	fs.BoolVar(&p.insecure, "insecure-plaintext", false, "allow an unencrypted share file")
	fs.DurationVar(&p.timeout, "timeout", DefaultTimeout, "deadline of the whole command")
	fs.BoolVar(&p.json, "json", false, "print one JSON object as the last line of stdout")
}

// party is one side of a two-party command, validated.
type party struct {
	index   int // 1 or 2
	key     *signer.PrivateKey
	other   signer.VerifyingKey
	id      mpc.InstanceID
	relays  []string
	share   sharefile.Options
	timeout time.Duration
	json    bool
}

// resolve checks the flag syntax first (party, instance, relay, other key, timeout), then
// reads the files (passphrase, message key).
func (p *partyFlags) resolve(e *env) (*party, error) {
	idx, err := parseParty(p.party)
	if err != nil {
		return nil, err
	}
	if p.instance == "" {
		return nil, errors.New("--instance is required (64 hex characters; `tandem instance` makes one)")
	}
	id, err := ParseInstanceHex(p.instance)
	if err != nil {
		return nil, err
	}
	if len(p.relays) == 0 {
		return nil, errors.New("--relay is required")
	}
	if err := required("signer", p.signer, "other", p.other); err != nil {
		return nil, err
	}
	other, err := signer.ParseVerifyingKey(p.other)
	if err != nil {
		return nil, fmt.Errorf("--other: %w", err)
	}
	if p.timeout <= 0 {
		return nil, fmt.Errorf("--timeout: want a positive duration, got %s", p.timeout)
	}
	pass, warning, err := sharefile.ReadPassphrase(p.passFile, e.lookup)
	if err != nil {
		return nil, err
	}
	if warning != "" {
		e.warnf("%s", warning)
	}
	key, err := signer.LoadPrivateKey(p.signer)
	if err != nil {
		return nil, fmt.Errorf("--signer: %w", err)
	}
	if key.VerifyingKey() == other {
		return nil, errors.New("--other is this party's own verifying key")
	}
	return &party{
		index:   idx,
		key:     key,
		other:   other,
		id:      id,
		relays:  p.relays,
		share:   sharefile.Options{Passphrase: pass, InsecurePlaintext: p.insecure},
		timeout: p.timeout,
		json:    p.json,
	}, nil
}

// canWrite refuses before any message leaves when the share file could not be written.
func (pt *party) canWrite() error {
	if pt.share.Passphrase.IsZero() && !pt.share.InsecurePlaintext {
		return errors.New("no passphrase for the share file: use --passphrase-file or " +
			sharefile.EnvPassphrase + " (or --insecure-plaintext)")
	}
	return nil
}

// dial connects to the primary relay, with the other URLs as fallbacks.
func (pt *party) dial(ctx context.Context) (*relay.Client, error) {
	c, err := relay.Dial(ctx, pt.relays[0], &relay.ClientOptions{FallbackURLs: pt.relays[1:]})
	if err != nil {
		return nil, err // "relay: dial: ..."
	}
	return c, nil
}

// session returns the SDK session of this party on c, keeping its keyshare in f.
func (pt *party) session(c *relay.Client, f *sharefile.File) *ecdsa2p.Session {
	return ecdsa2p.NewSession(c, pt.key, ecdsa2p.WithStore(f.Store()), ecdsa2p.WithTimeout(pt.timeout))
}

// openShare opens (and locks) the share file at path, loads the keyshare and warns if
// sharefile marked it as a restored copy.
func openShare(ctx context.Context, e *env, path string, opts sharefile.Options) (*sharefile.File, *ecdsa2p.Keyshare, error) {
	f, err := sharefile.Open(path, opts)
	if err != nil {
		return nil, nil, err
	}
	ks, err := f.Load(ctx)
	if err != nil {
		_ = f.Close()
		return nil, nil, err
	}
	if restored, reason := f.Restored(); restored {
		e.warnf("the key share %s was marked LOCKED (%s); it signs again only after `tandem refresh` with the other party", path, reason)
	}
	return f, ks, nil
}

// withShare runs fn within the party's --timeout with the keyshare of the share file at
// path (opened and flock'ed until fn returns, checked to be this party's) and a Session on a
// relay client that keeps its state in that file.
func (pt *party) withShare(ctx context.Context, e *env, path string, fn func(context.Context, *ecdsa2p.Session, *ecdsa2p.Keyshare) error) error {
	if path == "" {
		return errors.New("--share is required")
	}
	ctx, cancel := pt.withTimeout(ctx)
	defer cancel()
	f, ks, err := openShare(ctx, e, path, pt.share)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := checkIndex(ks, pt.index); err != nil {
		return err
	}
	c, err := pt.dial(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	return fn(ctx, pt.session(c, f), ks)
}

// withTimeout returns ctx bounded by the party's --timeout.
func (pt *party) withTimeout(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, pt.timeout)
}

// runErr wraps a protocol error for the user: a timeout says so plainly.
func runErr(op string, err error) error {
	if errors.Is(err, ecdsa2p.ErrKeyshareLocked) {
		return fmt.Errorf("%s: the key share is LOCKED; run `tandem refresh` with the other party: %w", op, err)
	}
	var pa *mpc.PeerAbortedError
	if errors.As(err, &pa) {
		if pa.Detail == uint8(ecdsa2p.KeyshareLocked) {
			return fmt.Errorf("%s: the other party's key share is LOCKED; run `tandem refresh` together: %w", op, err)
		}
		switch pa.Code {
		case mpc.AbortRejected:
			return fmt.Errorf("%s: the other party refused: %w", op, err)
		case mpc.AbortInputMismatch:
			return fmt.Errorf("%s: the parties' inputs disagree (same --path? same share?): %w", op, err)
		case mpc.AbortTimeout:
			return fmt.Errorf("%s: the other party timed out: %w", op, err)
		}
	}
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, mpc.ErrTimeout):
		return fmt.Errorf("%s: timed out waiting for the other party (same --instance, relay and keys?): %w", op, err)
	case errors.Is(err, context.Canceled):
		return fmt.Errorf("%s: interrupted: %w", op, err)
	}
	return fmt.Errorf("%s: %w", op, err)
}
