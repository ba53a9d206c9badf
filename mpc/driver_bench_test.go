package mpc_test

import (
	"context"
	"crypto/rand"
	"testing"
	"time"

	"github.com/tandem-mpc/tandem/mpc"
	"github.com/tandem-mpc/tandem/mpc/mpctest"
)

// benchExchange runs one 4-round signed+encrypted toy session per iteration (both parties,
// 1 KiB payloads) over s's clients, one Scope per party and session.
func benchExchange(b *testing.B, s *mpctest.Session) {
	rounds := mpctest.FourRounds()
	ctx := context.Background()
	for b.Loop() {
		sa, sb := s.A.Client.Scope(), s.B.Client.Scope()
		cfgA, cfgB := s.Configs()
		_, _ = rand.Read(cfgA.Instance[:])
		cfgB.Instance = cfgA.Instance
		cfgA.Transport, cfgB.Transport = sa, sb
		cfgA.DefaultTimeout, cfgB.DefaultTimeout = 10*time.Second, 10*time.Second
		pa, pb := mpctest.Pair(rounds, cfgA.Instance)
		pa.Size, pb.Size = 1024, 1024
		errA, errB := mpctest.RunPair(ctx, cfgA, cfgB, pa, pb)
		_ = sa.Close()
		_ = sb.Close()
		if errA != nil || errB != nil {
			b.Fatalf("session failed: %v / %v", errA, errB)
		}
	}
}

var _ mpc.Protocol = (*mpctest.Toy)(nil)

func BenchmarkToyExchange4RoundsRelaytest(b *testing.B) {
	rl := mpctest.NewRelay(b, nil)
	benchExchange(b, mpctest.NewSession(b, rl))
}

func BenchmarkToyExchange4RoundsWebSocket(b *testing.B) {
	rl := mpctest.NewRelay(b, nil)
	benchExchange(b, mpctest.NewSession(b, rl, mpctest.WithDialer(wsDialer(rl))))
}
