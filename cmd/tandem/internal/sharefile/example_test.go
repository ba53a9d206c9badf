package sharefile_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/tandem-mpc/tandem/cmd/tandem/internal/sharefile"
	"github.com/tandem-mpc/tandem/ecdsa2p"
)

// The CLI's start of every command: read the passphrase, take the share's lock, load it and
// warn about a restored copy. Keygen passes f.Store() to ecdsa2p.RunKeygen instead of
// loading.
func Example() {
	dir, _ := os.MkdirTemp("", "tandem")
	defer os.RemoveAll(dir)
	pass, warning, err := sharefile.ReadPassphrase("", func(string) string { return "correct horse" })
	if err != nil {
		fmt.Println(err)
		return
	}
	if warning != "" {
		fmt.Println("warning:", warning)
	}
	f, err := sharefile.Open(filepath.Join(dir, "wallet.share"), sharefile.Options{Passphrase: pass})
	if err != nil {
		fmt.Println(err) // ErrInUse: another tandem process holds the share
		return
	}
	defer f.Close()
	ks, err := f.Load(context.Background())
	switch {
	case errors.Is(err, ecdsa2p.ErrNotFound):
		fmt.Println("no share yet: run keygen")
		return
	case err != nil:
		fmt.Println(err)
		return
	}
	if restored, why := f.Restored(); restored {
		fmt.Println("warning: share locked as a restored copy:", why)
	}
	fmt.Println(ks)
	// Output: no share yet: run keygen
}
