package cli

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/tandem-mpc/tandem/cmd/tandem/internal/sharefile"
)

// ErrDerivationUnavailable: `address --path` with a non-root path. BIP-32 public derivation
// lives in ecdsa2p/internal/bip32, which this command cannot import; it needs an exported
// ecdsa2p function (see the package report).
var ErrDerivationUnavailable = errors.New("derived addresses are not available yet: only the root path m is supported (sign prints the derived key and address)")

// runAddress: tandem address --share FILE [--path P]. It prints the root public key and
// address (no relay, no other party).
func runAddress(ctx context.Context, e *env, args []string) error {
	fset := newFlagSet("address", e)
	share := fset.String("share", "", "share file")
	path := fset.String("path", "", "BIP-32 path (only m, the root key, for now)")
	passFile := fset.String("passphrase-file", "", "file whose first line is the share passphrase (else $"+sharefile.EnvPassphrase+")")
	insecure := fset.Bool("insecure-plaintext", false, "allow an unencrypted share file")
	asJSON := fset.Bool("json", false, "print one JSON object as the last line of stdout")
	if err := parse(e, fset, args); err != nil {
		return err
	}
	if *share == "" {
		return errors.New("--share is required")
	}
	p, err := checkPath(*path)
	if err != nil {
		return err
	}
	if p != "m" {
		return fmt.Errorf("--path %s: %w", p, ErrDerivationUnavailable)
	}
	pass, warning, err := sharefile.ReadPassphrase(*passFile, e.lookup)
	if err != nil {
		return err
	}
	if warning != "" {
		e.warnf("%s", warning)
	}
	f, ks, err := openShare(ctx, e, *share, sharefile.Options{Passphrase: pass, InsecurePlaintext: *insecure})
	if err != nil {
		return err
	}
	defer f.Close()
	pub := ks.PublicKey()
	r := keyResult{PublicKey: hex.EncodeToString(pub[:]), Address: ks.AddressHex(), Path: p}
	return emit(e, *asJSON, r, []field{{"public key", r.PublicKey}, {"address", r.Address}, {"path", r.Path}})
}
