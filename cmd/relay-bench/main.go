// Command relay-bench is the relay's load generator (WIRE.md §13.6). It runs as a separate
// process from the relay, dials loopback only, and every run is bounded by --duration.
//
//	relay-bench --spawn --relay-bin /tmp/relay --rate 1000,5000,10000,20000 --size 1024
//	relay-bench --targets ws://127.0.0.1:8000 --sessions 32 --shape sign --duration 20s
//	relay-bench --spawn --relay-bin /tmp/relay --idle 10000 --duration 30s
//
// The relay under test must run with --max-conns-per-ip 0 --handshake-rate 0 (--spawn does so).
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/tandem-mpc/tandem/cmd/relay-bench/internal/bench"
)

type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, " ") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

func main() {
	os.Exit(run())
}

func run() int {
	var (
		targets   = flag.String("targets", "", "comma-separated relay URLs (loopback only); parties of a session go to different targets")
		shape     = flag.String("shape", "", "payload shape: sign, keygen or flat (default: flat with --rate, sign otherwise)")
		size      = flag.Int("size", 1024, "body bytes per message for --shape flat")
		rates     = flag.String("rate", "", "open-loop mode: comma-separated message rates per step (msgs/s)")
		step      = flag.Duration("step", 10*time.Second, "open-loop mode: length of one rate step")
		stopP99   = flag.Duration("stop-p99", 10*time.Millisecond, "open-loop mode: stop after a step whose p99 passes this (negative: never)")
		duration  = flag.Duration("duration", 30*time.Second, "hard cap of the run (idle mode: how long connections are held)")
		sessions  = flag.Int("sessions", 16, "closed-loop mode: concurrent two-party sessions (two connections each)")
		conns     = flag.Int("conns", 64, "open-loop mode: connections (in pairs)")
		idle      = flag.Int("idle", 0, "soak mode: hold N idle connections for --duration and read the relay's RSS")
		ttl       = flag.Duration("ttl", 2*time.Second, "TTL of asks and publishes")
		unask     = flag.Bool("unask", true, "send UNASK after each delivery when the relay advertises it")
		msgTO     = flag.Duration("msg-timeout", 5*time.Second, "closed-loop mode: wait for one peer message")
		dialConc  = flag.Int("dial-concurrency", 64, "concurrent dials")
		srcIPs    = flag.Int("source-ips", 8, "spread connections over source addresses 127.0.0.1..127.0.0.N")
		relayPID  = flag.Int("relay-pid", 0, "PID of the relay, to read its RSS and CPU from /proc")
		adminAddr = flag.String("relay-admin", "", "admin host:port of the relay, to read Go heap and goroutines from /metrics")
		spawn     = flag.Bool("spawn", false, "start the relay binary (--relay-bin) with per-IP limits off on free loopback ports")
		relayBin  = flag.String("relay-bin", "", "relay binary for --spawn (build it with: go build -o /tmp/relay ./cmd/relay)")
		jsonOut   = flag.Bool("json", false, "print the result as JSON instead of text")
		quiet     = flag.Bool("q", false, "no progress lines on stderr")
		profOut   = flag.String("relay-profile", "", "write a CPU profile of the relay to this file (needs the admin address and --admin-pprof on the relay)")
		profDelay = flag.Duration("relay-profile-delay", 5*time.Second, "start the relay profile this long after the load starts")
		profSecs  = flag.Int("relay-profile-seconds", 10, "length of the relay profile")
		relayArgs multiFlag
	)
	flag.Var(&relayArgs, "relay-arg", "extra flag for the spawned relay (repeatable), e.g. --relay-arg=--admin-pprof")
	flag.Parse()

	fdLimit, err := bench.RaiseFDLimit()
	if err != nil {
		fmt.Fprintf(os.Stderr, "relay-bench: raising the fd limit: %v\n", err)
	}
	fmt.Fprintf(os.Stderr, "relay-bench: file descriptor limit %d\n", fdLimit)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	cfg := bench.Config{
		Duration: *duration, Sessions: *sessions, Conns: *conns, Idle: *idle, Step: *step, StopP99: *stopP99,
		TTL: *ttl, Unask: *unask, MsgTimeout: *msgTO, DialConc: *dialConc, SourceIPs: *srcIPs,
	}
	if !*quiet {
		cfg.Log = func(format string, args ...any) {
			fmt.Fprintf(os.Stderr, "relay-bench: "+format+"\n", args...)
		}
	}
	switch {
	case *idle > 0:
		cfg.Mode = bench.ModeIdle
	case *rates != "":
		cfg.Mode = bench.ModeRate
	default:
		cfg.Mode = bench.ModeSessions
	}
	if cfg.Rates, err = bench.ParseRates(*rates); err != nil {
		return fail(err)
	}
	if *shape != "" {
		if cfg.Shape, err = bench.ParseShape(*shape, *size); err != nil {
			return fail(err)
		}
	} else if cfg.Mode == bench.ModeRate {
		cfg.Shape = bench.ShapeFlat(*size)
	}
	if *targets != "" {
		cfg.Targets = strings.Split(*targets, ",")
	}
	obs := &bench.Observer{PID: *relayPID, Admin: *adminAddr}

	if *spawn {
		if *relayBin == "" {
			return fail(fmt.Errorf("--spawn needs --relay-bin"))
		}
		extra := []string(relayArgs)
		if *idle > 9000 && !hasFlag(extra, "--max-conns") {
			extra = append(extra, "--max-conns", strconv.Itoa(*idle+1000)) // default 10000 per instance
		}
		if !hasFlag(extra, "--log-level") {
			extra = append(extra, "--log-level", "warn")
		}
		sp, err := bench.Spawn(ctx, *relayBin, extra, os.Stderr)
		if err != nil {
			return fail(err)
		}
		defer func() {
			if err := sp.Stop(); err != nil {
				fmt.Fprintf(os.Stderr, "relay-bench: %v\n", err)
			}
		}()
		fmt.Fprintf(os.Stderr, "relay-bench: spawned relay pid %d on %s (admin %s)\n", sp.PID(), sp.Public, sp.Admin)
		cfg.Targets = append(cfg.Targets, "ws://"+sp.Public+"/v1/msg-relay")
		obs = &bench.Observer{PID: sp.PID(), Admin: sp.Admin}
	}
	if obs.PID != 0 || obs.Admin != "" {
		cfg.Observer = obs
	}

	profDone := make(chan struct{})
	if *profOut != "" {
		if obs.Admin == "" {
			return fail(fmt.Errorf("--relay-profile needs --relay-admin or --spawn"))
		}
		go func() {
			defer close(profDone)
			select {
			case <-time.After(*profDelay):
			case <-ctx.Done():
				return
			}
			f, err := os.Create(*profOut)
			if err != nil {
				fmt.Fprintf(os.Stderr, "relay-bench: profile: %v\n", err)
				return
			}
			defer f.Close()
			if err := bench.FetchProfile(ctx, obs.Admin, *profSecs, f); err != nil {
				fmt.Fprintf(os.Stderr, "relay-bench: profile: %v\n", err)
				return
			}
			fmt.Fprintf(os.Stderr, "relay-bench: relay CPU profile written to %s\n", *profOut)
		}()
	} else {
		close(profDone)
	}

	res, err := bench.Run(ctx, cfg)
	select { // a profile still being taken when the load ends is cut short by the relay's stop
	case <-profDone:
	case <-time.After(time.Second):
	}
	if res != nil {
		res.FDLimit = fdLimit
		if *jsonOut {
			enc := json.NewEncoder(os.Stdout)
			enc.SetIndent("", "  ")
			_ = enc.Encode(res)
		} else {
			res.WriteText(os.Stdout)
		}
	}
	if err != nil {
		return fail(err)
	}
	return 0
}

func hasFlag(args []string, name string) bool {
	for _, a := range args {
		if a == name || strings.HasPrefix(a, name+"=") {
			return true
		}
	}
	return false
}

func fail(err error) int {
	fmt.Fprintf(os.Stderr, "relay-bench: %v\n", err)
	return 1
}
