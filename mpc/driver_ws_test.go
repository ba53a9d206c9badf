package mpc_test

import (
	"context"
	"net/netip"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tandem-mpc/tandem/mpc/mpctest"
	"github.com/tandem-mpc/tandem/relay"
	"github.com/tandem-mpc/tandem/relay/relaytest"
)

// wsDialer dials the relay's loopback WebSocket (the address argument is ignored: every
// connection comes from 127.0.0.1).
func wsDialer(rl *relaytest.Relay) func(context.Context, netip.Addr, *relay.ClientOptions) (*relay.Client, error) {
	url := rl.ServeWebSocket()
	return func(ctx context.Context, _ netip.Addr, opts *relay.ClientOptions) (*relay.Client, error) {
		return relay.Dial(ctx, url, opts)
	}
}

// D01 over a real loopback WebSocket (relay.Dial against relaytest's httptest server).
func TestRunHappyPathWebSocket(t *testing.T) {
	rl := mpctest.NewRelay(t, nil)
	s := mpctest.NewSession(t, rl, mpctest.WithDialer(wsDialer(rl)))
	pa, pb := mpctest.Pair(mpctest.FiveRounds(), seed(50))
	pa.Size, pb.Size = 1024, 1024
	cfgA, cfgB := s.Configs()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	errA, errB := mpctest.RunPair(ctx, cfgA, cfgB, pa, pb)
	require.NoError(t, errA)
	require.NoError(t, errB)
	requireSameTranscript(t, pa, pb)
}
