// Command relay is the tandem message relay (WIRE.md §2–§9).
//
// Usage:
//
//	relay [serve] [flags]   run the relay (default); SIGINT/SIGTERM shut it down gracefully,
//	                        a second signal exits 1 at once; SIGHUP reloads secrets and TLS
//	relay healthcheck       GET /readyz on the admin address; exit 0 when ready
//	relay version           print the version
//
// Every flag has an environment variable RELAY_<FLAG_IN_UPPER_SNAKE>; run `relay -h` for the
// list.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/tandem-mpc/tandem/cmd/relay/internal/cli"
)

func main() {
	stop := make(chan os.Signal, 2)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-stop
		cancel()
		<-stop
		fmt.Fprintln(os.Stderr, "relay: second signal, exiting now")
		os.Exit(1)
	}()
	code := cli.Main(ctx, os.Args[1:], os.Environ(), os.Stdout, os.Stderr, hup)
	cancel()
	os.Exit(code)
}
