package relay

import (
	"encoding/binary"
	"testing"
	"time"
)

// BenchmarkClientPublishAsk measures one round trip through two Clients over the in-memory fake
// relay: B asks for a fresh id, A publishes a 1 KiB frame under it, B receives it, then both
// drop their retained state.
func BenchmarkClientPublishAsk(b *testing.B) {
	r := newFakeRelay(Features{Version: 1, MaxTTL: time.Hour, Unask: true})
	opts := &ClientOptions{MessageBuffer: 16}
	pub, err := NewClient(b.Context(), r.dialer(), opts)
	if err != nil {
		b.Fatal(err)
	}
	defer pub.Close()
	sub, err := NewClient(b.Context(), r.dialer(), opts)
	if err != nil {
		b.Fatal(err)
	}
	defer sub.Close()
	scope := sub.Scope()
	body := make([]byte, 1024)
	until := time.Now().Add(time.Hour)
	ctx := b.Context()
	var n uint64
	b.ReportAllocs()
	for b.Loop() {
		n++
		var id MsgID
		binary.BigEndian.PutUint64(id[:], n)
		frame, err := PublishFrame(id, time.Minute, 0, body)
		if err != nil {
			b.Fatal(err)
		}
		if err := scope.Ask(ctx, id, until); err != nil {
			b.Fatal(err)
		}
		if err := pub.Publish(ctx, frame, until); err != nil {
			b.Fatal(err)
		}
		<-scope.Messages()
		scope.Forget(id)
		pub.Release(id)
		if n%4096 == 0 {
			r.wipe()
		}
	}
}
