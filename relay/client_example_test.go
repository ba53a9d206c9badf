package relay_test

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/tandem-mpc/tandem/relay"
	"github.com/tandem-mpc/tandem/relay/relaytest"
	"github.com/tandem-mpc/tandem/relay/server"
)

// Two parties exchange one frame through a relay. Bob asks for the id through a Scope (one per
// session), Alice publishes under it. In production the clients come from relay.Dial with the
// relay's ws:// or wss:// URL; here an in-process relay serves in-memory links.
func ExampleClient_Scope() {
	r, err := relaytest.New(server.Config{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		panic(err)
	}
	defer r.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	alice, err := r.Dial(ctx, nil)
	if err != nil {
		panic(err)
	}
	defer alice.Close()
	bob, err := r.Dial(ctx, nil)
	if err != nil {
		panic(err)
	}
	defer bob.Close()

	session := bob.Scope()
	defer session.Close()
	until := time.Now().Add(time.Minute) // the session deadline plus some grace
	id := relay.MsgID{1, 2, 3}
	if err := session.Ask(ctx, id, until); err != nil {
		panic(err)
	}

	frame, err := relay.PublishFrame(id, alice.HeaderTTLLimit(), 0, []byte("hello"))
	if err != nil {
		panic(err)
	}
	if err := alice.Publish(ctx, frame, until); err != nil {
		panic(err)
	}

	got := <-session.Messages()
	session.Forget(id)
	fmt.Printf("%s: %s\n", relay.MsgID(got[:32]).Short(), got[relay.HeaderSize:])
	// Output: 0102030000000000: hello
}

// transport is mpc.Transport (WIRE.md §12.1), which both *Client and *Scope satisfy.
type transport interface {
	Publish(ctx context.Context, frame []byte, until time.Time) error
	Ask(ctx context.Context, id relay.MsgID, until time.Time) error
	Forget(ids ...relay.MsgID)
	Release(ids ...relay.MsgID)
	Resend(ctx context.Context) error
	Messages() <-chan []byte
	Events() <-chan relay.Event
	HeaderTTLLimit() time.Duration
}

var (
	_ transport = (*relay.Client)(nil)
	_ transport = (*relay.Scope)(nil)
)
