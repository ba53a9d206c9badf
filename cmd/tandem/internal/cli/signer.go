package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/tandem-mpc/tandem/signer"
)

// runSigner: tandem signer new --type ed25519|p256 --out FILE. It writes a new message key
// (PKCS #8 PEM, mode 0600, never over an existing file) and prints its verifying key in text
// form as the last line.
func runSigner(_ context.Context, e *env, args []string) error {
	if len(args) == 0 || args[0] != "new" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "-help") {
			fmt.Fprintln(e.stdout, "Usage: tandem signer new --type ed25519|p256 --out FILE [--json]")
			return nil
		}
		return errors.New("want `tandem signer new --type ed25519|p256 --out FILE`")
	}
	fset := newFlagSet("signer new")
	typ := fset.String("type", "", "key type: ed25519 or p256")
	out := fset.String("out", "", "file to create (PEM, mode 0600; must not exist)")
	asJSON := fset.Bool("json", false, "print {\"verifying_key\": ...} as the last line of stdout")
	if err := parse(e, fset, args[1:]); err != nil {
		return err
	}
	if err := required("type", *typ, "out", *out); err != nil {
		return err
	}
	var gen func() (*signer.PrivateKey, error)
	switch strings.ToLower(strings.ReplaceAll(*typ, "-", "")) {
	case "ed25519":
		gen = signer.GenerateEd25519
	case "p256", "ecdsap256", "ecdsa_p256", "ecdsa_p256_sec1":
		gen = signer.GenerateP256
	default:
		return fmt.Errorf("--type: want ed25519 or p256, got %q", *typ)
	}
	if err := refuseExisting(*out); err != nil {
		return err
	}
	k, err := gen()
	if err != nil {
		return err
	}
	if err := saveNew(*out, k); err != nil {
		return err
	}
	vk := k.VerifyingKey().String()
	if *asJSON {
		return emit(e, true, struct {
			VerifyingKey string `json:"verifying_key"`
			Path         string `json:"path"`
		}{vk, *out}, nil)
	}
	fmt.Fprintf(e.stderr, "tandem signer: wrote %s; give the other party this verifying key:\n", *out)
	_, err = fmt.Fprintln(e.stdout, vk)
	return err
}

// saveNew writes k to path without ever replacing an existing file: SavePrivateKey writes a
// temporary file in the same directory (0600, synced), which is then hard-linked to path (a
// link fails if path exists) and removed.
func saveNew(path string, k *signer.PrivateKey) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, ".tandem-signer-*")
	if err != nil {
		return fmt.Errorf("--out: %w", err)
	}
	name := tmp.Name()
	_ = tmp.Close()
	defer os.Remove(name)
	if err := signer.SavePrivateKey(name, k); err != nil {
		return err
	}
	if err := os.Link(name, path); err != nil {
		if errors.Is(err, os.ErrExist) {
			return fmt.Errorf("%s exists; refusing to overwrite it", path)
		}
		return fmt.Errorf("--out: %w", err)
	}
	return nil
}
