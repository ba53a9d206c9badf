package relaytest_test

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/tandem-mpc/tandem/relay"
	"github.com/tandem-mpc/tandem/relay/relaytest"
	"github.com/tandem-mpc/tandem/relay/server"
)

// A relay without sockets. Inside synctest.Test the same code runs on virtual time.
func Example() {
	r, _ := relaytest.New(server.Config{Logger: slog.New(slog.DiscardHandler)})
	defer r.Close()
	ctx := context.Background()
	a, _ := r.Dial(ctx, nil)
	defer a.Close()
	var id relay.MsgID
	frame, _ := relay.PublishFrame(id, time.Hour, 0, []byte("stored"))
	_ = a.Publish(ctx, frame, time.Now().Add(time.Hour))
	_ = a.Ask(ctx, id, time.Now().Add(time.Hour))
	fmt.Println(string((<-a.Messages())[relay.HeaderSize:]))
	// Output: stored
}
