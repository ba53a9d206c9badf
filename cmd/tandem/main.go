// Command tandem is one party of a two-party ECDSA (secp256k1) wallet: message keys, key
// generation, signing and refresh with the other party over a relay, addresses, signature
// verification, a self-contained demo and a benchmark.
//
// Usage:
//
//	tandem signer new --type ed25519|p256 --out FILE
//	tandem instance
//	tandem keygen  --relay URL --party 1|2 --signer FILE --other VK --instance HEX --out SHARE
//	tandem sign    --relay URL --party 1|2 --signer FILE --other VK --instance HEX --share SHARE
//	               [--path m/0/1] [--message HEX --hash keccak256|sha256] [--expect HEX]
//	tandem refresh --relay URL --party 1|2 --signer FILE --other VK --instance HEX --share SHARE
//	tandem address --share SHARE [--path m/0/1]
//	tandem verify  --pub HEX --message HEX --hash keccak256|sha256 --sig HEX
//	tandem demo
//	tandem bench [--n N] [--json]
//	tandem version | help
//
// The share passphrase comes from --passphrase-file or TANDEM_PASSPHRASE. --json prints one
// JSON object as the last line of stdout. Exit status: 0 success, 1 error, 3 keygen or
// refresh incomplete (the share is stored PENDING). SIGINT/SIGTERM cancel the running
// command; a second signal exits 1 at once.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/tandem-mpc/tandem/cmd/tandem/internal/cli"
)

func main() {
	stop := make(chan os.Signal, 2)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-stop
		cancel()
		<-stop
		fmt.Fprintln(os.Stderr, "tandem: second signal, exiting now")
		os.Exit(1)
	}()
	code := cli.Main(ctx, os.Args[1:], os.Environ(), os.Stdout, os.Stderr)
	cancel()
	os.Exit(code)
}
