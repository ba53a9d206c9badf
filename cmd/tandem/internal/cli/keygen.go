package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/tandem-mpc/tandem/cmd/tandem/internal/sharefile"
	"github.com/tandem-mpc/tandem/ecdsa2p"
	"github.com/tandem-mpc/tandem/mpc"
)

// Statuses printed by keygen and refresh.
const (
	statusActive     = "active"
	statusIncomplete = "incomplete"
)

// runKeygen: tandem keygen --relay URL --party 1|2 --signer FILE --other VK --instance HEX
// --out SHARE. The share file is written through the share store (PENDING before this
// party's last message leaves, ACTIVE after the peer's); an incomplete keygen exits 3 with
// the PENDING share written.
func runKeygen(ctx context.Context, e *env, args []string) error {
	fset := newFlagSet("keygen")
	var pf partyFlags
	pf.register(fset)
	out := fset.String("out", "", "share file to create (must not exist)")
	if err := parse(e, fset, args); err != nil {
		return err
	}
	pt, err := pf.resolve(e)
	if err != nil {
		return err
	}
	if *out == "" {
		return errors.New("--out is required")
	}
	if err := refuseExisting(*out); err != nil {
		return err
	}
	if err := pt.canWrite(); err != nil {
		return err
	}
	f, err := sharefile.Open(*out, pt.share)
	if err != nil {
		return fmt.Errorf("--out: %w", err)
	}
	defer f.Close()
	if f.Exists() {
		return fmt.Errorf("--out %s: file exists; refusing to overwrite a key share", *out)
	}
	ctx, cancel := pt.withTimeout(ctx)
	defer cancel()
	c, err := pt.dial(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	s := pt.session(c, f)
	var ks *ecdsa2p.Keyshare
	if pt.index == 1 {
		ks, err = s.KeygenP1(ctx, pt.id, pt.other)
	} else {
		ks, err = s.KeygenP2(ctx, pt.id, pt.other)
	}
	return keyDone(e, pt, "keygen", ks, err)
}

// keyDone reports the outcome of keygen or refresh: active (exit 0), incomplete with the
// PENDING share written (exit 3), or an error (exit 1).
func keyDone(e *env, pt *party, op string, ks *ecdsa2p.Keyshare, err error) error {
	switch {
	case err == nil:
		return keyOutput(e, pt.json, ks, statusActive)
	case ks != nil && errors.Is(err, ecdsa2p.ErrIncomplete):
		if perr := keyOutput(e, pt.json, ks, statusIncomplete); perr != nil {
			return perr
		}
		return &exitError{code: ExitIncomplete, err: fmt.Errorf(
			"%s incomplete: the other party's confirmation never arrived; the share is stored PENDING "+
				"and its first successful signature confirms it (%v)", op, err)}
	}
	return runErr(op, err)
}

// refuseExisting fails if path exists (as anything, even a dangling symlink).
func refuseExisting(path string) error {
	_, err := os.Lstat(path)
	switch {
	case err == nil:
		return fmt.Errorf("%s exists; refusing to overwrite it", path)
	case errors.Is(err, fs.ErrNotExist):
		return nil
	}
	return err
}

// runRefresh: tandem refresh --relay URL --party 1|2 --signer FILE --other VK --instance HEX
// --share SHARE. The share is refreshed in place through the share store.
func runRefresh(ctx context.Context, e *env, args []string) error {
	fset := newFlagSet("refresh")
	var pf partyFlags
	pf.register(fset)
	share := fset.String("share", "", "share file to refresh in place")
	if err := parse(e, fset, args); err != nil {
		return err
	}
	pt, err := pf.resolve(e)
	if err != nil {
		return err
	}
	return pt.withShare(ctx, e, *share, func(ctx context.Context, s *ecdsa2p.Session, ks *ecdsa2p.Keyshare) error {
		ks, err := s.Refresh(ctx, pt.id, ks, pt.other)
		return keyDone(e, pt, "refresh", ks, err)
	})
}

// checkIndex refuses a share of the other party.
func checkIndex(ks *ecdsa2p.Keyshare, party int) error {
	if got := ks.Index() + 1; got != party {
		return fmt.Errorf("--party %d but the share file is party %d's", party, got)
	}
	return nil
}

// runInstance prints a fresh instance id.
func runInstance(_ context.Context, e *env, args []string) error {
	fset := newFlagSet("instance")
	asJSON := fset.Bool("json", false, "print {\"instance\": HEX}")
	if err := parse(e, fset, args); err != nil {
		return err
	}
	id := mpc.RandomInstanceID()
	if !*asJSON {
		_, err := fmt.Fprintln(e.stdout, id.Hex())
		return err
	}
	return emit(e, true, struct {
		Instance string `json:"instance"`
	}{id.Hex()}, nil)
}
