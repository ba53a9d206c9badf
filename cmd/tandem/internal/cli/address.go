package cli

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/tandem-mpc/tandem/cmd/tandem/internal/sharefile"
	"github.com/tandem-mpc/tandem/ecdsa2p"
)

// runAddress: tandem address --share FILE [--path P]. It prints the public key and address
// of the root key, or of the key at a non-hardened BIP-32 path (CKDpub from the root public
// key and chain code: the key `sign --path P` signs with). No relay, no other party.
func runAddress(ctx context.Context, e *env, args []string) error {
	fset := newFlagSet("address")
	share := fset.String("share", "", "share file")
	path := fset.String("path", "", "non-hardened BIP-32 path (default m, the root key)")
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
	pub, err := ks.DerivePublicKey(p)
	if err != nil {
		return fmt.Errorf("--path %s: %w", p, err)
	}
	addr, err := ecdsa2p.AddressOf(pub)
	if err != nil {
		return fmt.Errorf("internal error: derived key: %w", err)
	}
	r := keyResult{PublicKey: hex.EncodeToString(pub[:]), Address: addr, Path: p}
	return emit(e, *asJSON, r, []field{{"public key", r.PublicKey}, {"address", r.Address}, {"path", r.Path}})
}
