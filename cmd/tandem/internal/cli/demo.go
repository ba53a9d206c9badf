package cli

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/tandem-mpc/tandem/ecdsa2p"
	"github.com/tandem-mpc/tandem/relay"
	"github.com/tandem-mpc/tandem/relay/server"
	"github.com/tandem-mpc/tandem/signer"
)

// demoMessage is what `tandem demo` signs.
const demoMessage = "hello from tandem demo"

// demoResult is demo's JSON output.
type demoResult struct {
	Relay     string `json:"relay"`
	PublicKey string `json:"public_key"`
	Address   string `json:"address"`
	Message   string `json:"message"`
	Signature string `json:"signature"`
	Verified  bool   `json:"verified"`
}

// runDemo: tandem demo. An embedded relay (relay/server with its memory store) on a free
// loopback port, two parties with fresh Ed25519 and P-256 message keys and in-memory key
// stores, keygen and one Keccak-256 signature over real WebSockets, and a check of the
// signature.
func runDemo(ctx context.Context, e *env, args []string) error {
	fset := newFlagSet("demo")
	timeout := fset.Duration("timeout", DefaultTimeout, "deadline of the whole demo")
	asJSON := fset.Bool("json", false, "print one JSON object as the last line of stdout")
	if err := parse(e, fset, args); err != nil {
		return err
	}
	if *timeout <= 0 {
		return fmt.Errorf("--timeout: want a positive duration, got %s", *timeout)
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	say := func(format string, a ...any) {
		if !*asJSON {
			fmt.Fprintf(e.stdout, format+"\n", a...)
		}
	}

	url, stop, err := startRelay()
	if err != nil {
		return err
	}
	defer stop()
	say("relay        %s (embedded, memory store)", url)

	k1, err := signer.GenerateEd25519()
	if err != nil {
		return err
	}
	k2, err := signer.GenerateP256()
	if err != nil {
		return err
	}
	say("party 1 key  %s", k1.VerifyingKey())
	say("party 2 key  %s", k2.VerifyingKey())
	c1, err := relay.Dial(ctx, url, nil)
	if err != nil {
		return fmt.Errorf("relay: %w", err)
	}
	defer c1.Close()
	c2, err := relay.Dial(ctx, url, nil)
	if err != nil {
		return fmt.Errorf("relay: %w", err)
	}
	defer c2.Close()
	s1, s2 := ecdsa2p.NewSession(c1, k1), ecdsa2p.NewSession(c2, k2)

	id := ecdsa2p.RandomInstanceID()
	say("instance     %s", id.Hex())
	var ks1, ks2 *ecdsa2p.Keyshare
	var e1, e2 error
	var wg sync.WaitGroup
	wg.Go(func() { ks1, e1 = s1.KeygenP1(ctx, id, k2.VerifyingKey()) })
	wg.Go(func() { ks2, e2 = s2.KeygenP2(ctx, id, k1.VerifyingKey()) })
	wg.Wait()
	if err := errors.Join(e1, e2); err != nil {
		return runErr("keygen", err)
	}
	if ks1.PublicKey() != ks2.PublicKey() {
		return errors.New("internal error: the parties' public keys differ")
	}
	pub := ks1.PublicKey()
	say("keygen done  address %s, public key %s", ks1.AddressHex(), hex.EncodeToString(pub[:]))

	msg := []byte(demoMessage)
	say("message      %s (%q), keccak256", hex.EncodeToString(msg), demoMessage)
	sid := ecdsa2p.RandomInstanceID()
	var sig1, sig2 *ecdsa2p.Signature
	var seen []byte
	wg.Go(func() {
		sig1, e1 = s1.SigngenP1(ctx, ecdsa2p.SignRequest{InstanceID: sid, Keyshare: ks1, OtherVK: k2.VerifyingKey(),
			Message: msg, Hash: ecdsa2p.Keccak256})
	})
	wg.Go(func() {
		sig2, e2 = s2.SigngenP2(ctx, ecdsa2p.SignRequest{InstanceID: sid, Keyshare: ks2, OtherVK: k1.VerifyingKey(),
			Approve: func(_ context.Context, m ecdsa2p.MessageToSign) error { seen = m.Message; return nil }})
	})
	wg.Wait()
	if err := errors.Join(e1, e2); err != nil {
		return runErr("sign", err)
	}
	if string(seen) != demoMessage || sig1.Bytes65() != sig2.Bytes65() {
		return errors.New("internal error: the parties disagree on the message or the signature")
	}
	b := sig1.Bytes65()
	say("signature    %s", hex.EncodeToString(b[:]))
	d, err := Digest(ecdsa2p.Keccak256, msg)
	if err != nil {
		return err
	}
	if err := VerifyDigest(pub[:], d, b[:]); err != nil {
		return fmt.Errorf("the signature does not verify: %w", err)
	}
	say("verified     the signature verifies under the public key (recovery id %d)", sig1.RecID)
	if *asJSON {
		return emit(e, true, demoResult{Relay: url, PublicKey: hex.EncodeToString(pub[:]), Address: ks1.AddressHex(),
			Message: hex.EncodeToString(msg), Signature: hex.EncodeToString(b[:]), Verified: true}, nil)
	}
	return nil
}

// startRelay serves an embedded relay on a free loopback port over a real WebSocket and
// returns its URL and the function that shuts it down.
func startRelay() (string, func(), error) {
	cfg := server.DefaultConfig()
	cfg.Logger = slog.New(slog.DiscardHandler)
	cfg.DrainWindow = 100 * time.Millisecond
	srv, err := server.New(cfg, nil)
	if err != nil {
		return "", nil, fmt.Errorf("embedded relay: %w", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		_ = srv.Close()
		return "", nil, fmt.Errorf("embedded relay: %w", err)
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second,
		ErrorLog: slog.NewLogLogger(slog.DiscardHandler, slog.LevelError)}
	srv.RegisterOnShutdown(hs.Shutdown)
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = hs.Serve(ln)
	}()
	stop := func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			_ = srv.Close()
		}
		_ = hs.Close()
		<-done
	}
	return "ws://" + ln.Addr().String() + server.PathRelay, stop, nil
}
