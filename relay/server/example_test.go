package server_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/tandem-mpc/tandem/relay"
	"github.com/tandem-mpc/tandem/relay/server"
)

// A relay behind an httptest server, and two clients exchanging one frame through it.
func Example() {
	cfg := server.DefaultConfig()
	cfg.Logger = slog.New(slog.DiscardHandler)
	srv, err := server.New(cfg, nil) // nil: the memory store
	if err != nil {
		panic(err)
	}
	hs := httptest.NewServer(srv)
	defer hs.Close()
	defer srv.Close()
	url := "ws" + strings.TrimPrefix(hs.URL, "http") + server.PathRelay

	ctx := context.Background()
	alice, _ := relay.Dial(ctx, url, nil)
	defer alice.Close()
	bob, _ := relay.Dial(ctx, url, nil)
	defer bob.Close()

	var id relay.MsgID
	id[0] = 1
	until := time.Now().Add(time.Minute)
	frame, _ := relay.PublishFrame(id, time.Minute, 0, []byte("hello"))
	_ = bob.Ask(ctx, id, until)
	_ = alice.Publish(ctx, frame, until)
	got := <-bob.Messages()
	fmt.Println(string(got[relay.HeaderSize:]))
	// Output: hello
}
