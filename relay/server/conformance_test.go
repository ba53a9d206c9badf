package server_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tandem-mpc/tandem/relay"
	"github.com/tandem-mpc/tandem/relay/server"
)

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

// Second loopback source address: a distinct client IP for the per-IP limits (§13.2).
const (
	ip1 = "127.0.0.1"
	ip2 = "127.0.0.2"
	ip3 = "127.0.0.3"
)

// conformanceCase is one §13.2 case. It returns a transcript that must be the same over every
// transport (W16).
type conformanceCase struct {
	name string
	cfg  func(*server.Config)
	run  func(t *testing.T, e *env) []string
}

var conformanceCases = []conformanceCase{
	{name: "ask_before_publish", run: func(t *testing.T, e *env) []string {
		a, b := e.dial(ip1), e.dial(ip2)
		id := testID(1)
		send(t, a, ask(id, 30*time.Second))
		syncLink(t, a)
		p := pub(t, id, 100*time.Second, 0, "hello")
		send(t, b, p)
		got := recv(t, a)
		require.Equal(t, p, got, "W05: byte-identical, TTL field unchanged")
		return []string{label(got)}
	}},
	{name: "publish_before_ask", run: func(t *testing.T, e *env) []string {
		a, b := e.dial(ip1), e.dial(ip2)
		id := testID(2)
		p := pub(t, id, 30*time.Second, 0x0123, "stored")
		send(t, b, p)
		syncLink(t, b)
		send(t, a, ask(id, 30*time.Second))
		got := recv(t, a)
		require.Equal(t, p, got)
		return []string{label(got)}
	}},
	{name: "repeated_ask_redelivers", run: func(t *testing.T, e *env) []string {
		a, b := e.dial(ip1), e.dial(ip2)
		id := testID(3)
		send(t, b, pub(t, id, 30*time.Second, 0, "x"))
		syncLink(t, b)
		send(t, a, ask(id, 30*time.Second))
		first := recv(t, a)
		send(t, a, ask(id, 30*time.Second))
		second := recv(t, a)
		require.Equal(t, first, second)
		nothing(t, a)
		return []string{label(first), label(second)}
	}},
	{name: "identical_duplicate_publish", run: func(t *testing.T, e *env) []string {
		a, b, c := e.dial(ip1), e.dial(ip2), e.dial(ip3)
		id := testID(4)
		send(t, a, ask(id, 30*time.Second))
		syncLink(t, a)
		send(t, b, pub(t, id, 30*time.Second, 0, "same body"))
		got := recv(t, a)
		// Same body, different TTL and flags: a duplicate (§3.3 identity is the body digest).
		send(t, c, pub(t, id, 50*time.Second, 0x0001, "same body"))
		syncLink(t, c)
		nothing(t, a)
		d := e.dial(ip1)
		send(t, d, ask(id, 30*time.Second))
		later := recv(t, d)
		require.Equal(t, got, later, "the first header wins")
		nothing(t, d)
		return []string{label(got), label(later)}
	}},
	{name: "junk_then_real_from_two_addresses", run: func(t *testing.T, e *env) []string {
		victim, attacker, sender := e.dial(ip1), e.dial(ip2), e.dial(ip3)
		id := testID(5)
		send(t, victim, ask(id, 30*time.Second))
		syncLink(t, victim)
		junk := pub(t, id, 30*time.Second, 0, "junk")
		real := pub(t, id, 30*time.Second, 0, "real")
		send(t, attacker, junk)
		require.Equal(t, junk, recv(t, victim))
		send(t, sender, real)
		require.Equal(t, real, recv(t, victim), "the waiter stays subscribed after the junk")
		late := e.dial(ip1)
		send(t, late, ask(id, 30*time.Second))
		f1, f2 := recv(t, late), recv(t, late)
		require.ElementsMatch(t, [][]byte{junk, real}, [][]byte{f1, f2})
		return []string{"junk", "real", "late:2"}
	}},
	{name: "contributor_limits", run: func(t *testing.T, e *env) []string {
		a, b, b2 := e.dial(ip1), e.dial(ip2), e.dial(ip2)
		id := testID(6)
		send(t, a, ask(id, 30*time.Second))
		syncLink(t, a)
		p1 := pub(t, id, 30*time.Second, 0, "one")
		send(t, b, p1, pub(t, id, 30*time.Second, 0, "two")) // same connection: ignored
		require.Equal(t, p1, recv(t, a))
		send(t, b2, pub(t, id, 30*time.Second, 0, "three")) // same IP, other connection: ignored at limit 1
		syncLink(t, b2)
		nothing(t, a)
		return []string{label(p1)}
	}},
	{name: "candidates_full", cfg: func(c *server.Config) { c.MaxCandidates = 2 }, run: func(t *testing.T, e *env) []string {
		pubs := []relay.Link{e.dial(ip1), e.dial(ip2), e.dial(ip3)}
		id := testID(7)
		for i, l := range pubs {
			send(t, l, pub(t, id, 30*time.Second, 0, fmt.Sprint("body", i)))
			syncLink(t, l)
		}
		a := e.dial(ip1)
		send(t, a, ask(id, 30*time.Second))
		out := []string{label(recv(t, a)), label(recv(t, a))}
		nothing(t, a)
		return out
	}},
	{name: "ttl0_publish_reaches_current_waiters_only", run: func(t *testing.T, e *env) []string {
		a, b := e.dial(ip1), e.dial(ip2)
		id := testID(8)
		send(t, a, ask(id, 30*time.Second))
		syncLink(t, a)
		p := pub(t, id, 0, 0, "now only")
		send(t, b, p)
		require.Equal(t, p, recv(t, a))
		c := e.dial(ip3)
		send(t, c, ask(id, 30*time.Second))
		nothing(t, c)
		return []string{label(p)}
	}},
	{name: "ttl0_ask_registers_nothing", run: func(t *testing.T, e *env) []string {
		a, b := e.dial(ip1), e.dial(ip2)
		id := testID(9)
		send(t, a, ask(id, 0))
		syncLink(t, a)
		send(t, b, pub(t, id, 30*time.Second, 0, "later"))
		syncLink(t, b)
		nothing(t, a)
		send(t, a, ask(id, 0))
		return []string{label(recv(t, a))}
	}},
	{name: "one_receiver", run: func(t *testing.T, e *env) []string {
		a, b, p := e.dial(ip1), e.dial(ip2), e.dial(ip3)
		id := testID(10)
		send(t, a, ask(id, 30*time.Second))
		syncLink(t, a)
		send(t, b, ask(id, 30*time.Second))
		syncLink(t, b)
		f := pub(t, id, 30*time.Second, relay.FlagOneReceiver, "once")
		send(t, p, f)
		require.Equal(t, f, recv(t, a), "the earliest-registered waiter gets it")
		nothing(t, b)
		// Stored with no waiter: the first asker claims it, the second gets nothing.
		id2 := testID(11)
		f2 := pub(t, id2, 30*time.Second, relay.FlagOneReceiver, "once more")
		send(t, p, f2)
		syncLink(t, p)
		c, d := e.dial(ip1), e.dial(ip2)
		send(t, c, ask(id2, 30*time.Second))
		require.Equal(t, f2, recv(t, c))
		send(t, d, ask(id2, 30*time.Second))
		nothing(t, d)
		return []string{"a", "c"}
	}},
	{name: "unask", run: func(t *testing.T, e *env) []string {
		a, b := e.dial(ip1), e.dial(ip2)
		id := testID(12)
		send(t, a, ask(id, 30*time.Second), relay.UnaskFrame(id))
		syncLink(t, a)
		send(t, b, pub(t, id, 30*time.Second, 0, "x"))
		syncLink(t, b)
		nothing(t, a)
		return []string{"none"}
	}},
	{name: "short_frame_dropped", run: func(t *testing.T, e *env) []string {
		a, b := e.dial(ip1), e.dial(ip2)
		id := testID(13)
		send(t, a, make([]byte, 35), []byte{}, ask(id, 30*time.Second))
		syncLink(t, a)
		p := pub(t, id, 30*time.Second, 0, "x") // 37 bytes: a PUB
		require.Len(t, p, 37)
		send(t, b, p)
		require.Equal(t, p, recv(t, a), "the connection survived the short frames")
		require.Equal(t, float64(2), metric(t, e.srv.Registry(), "tandem_relay_frames_received_total", "kind", "short"))
		return []string{label(p)}
	}},
	{name: "stored_candidate_expires", run: func(t *testing.T, e *env) []string {
		b := e.dial(ip2)
		id := testID(14)
		send(t, b, pub(t, id, time.Second, 0, "short-lived"))
		syncLink(t, b)
		time.Sleep(1500 * time.Millisecond)
		a := e.dial(ip1)
		send(t, a, ask(id, 30*time.Second))
		nothing(t, a)
		eventually(t, func() bool { return e.srv.Store().Stats().StoredCandidates == 0 }, "swept")
		return []string{"none"}
	}},
	{name: "waiter_expires", run: func(t *testing.T, e *env) []string {
		a, b := e.dial(ip1), e.dial(ip2)
		id := testID(15)
		send(t, a, ask(id, time.Second))
		syncLink(t, a)
		time.Sleep(1500 * time.Millisecond)
		send(t, b, pub(t, id, 30*time.Second, 0, "too late"))
		syncLink(t, b)
		nothing(t, a)
		eventually(t, func() bool {
			return metric(t, e.srv.Registry(), "tandem_relay_expired_total", "kind", "waiter") >= 1
		}, "waiter expiry counted")
		return []string{"none"}
	}},
	{name: "too_many_asks", cfg: func(c *server.Config) { c.MaxPendingAsks = 3 }, run: func(t *testing.T, e *env) []string {
		a := e.dial(ip1)
		send(t, a, ask(testID(1), 30*time.Second), ask(testID(2), 30*time.Second),
			relay.UnaskFrame(testID(1)), ask(testID(3), 30*time.Second)) // UNASK frees a slot
		syncLink(t, a) // needs the third slot for a moment: fails if the UNASK did not free one
		send(t, a, ask(testID(4), 30*time.Second), ask(testID(5), 30*time.Second))
		code := closeCode(t, a)
		require.Equal(t, relay.CloseTooManyAsks, code)
		eventually(t, func() bool {
			return metric(t, e.srv.Registry(), "tandem_relay_disconnects_total", "reason", "ask_limit") == 1
		}, "ask_limit counted")
		return []string{fmt.Sprint(code)}
	}},
	{name: "store_full", cfg: func(c *server.Config) { c.MaxStoredBytes = 1000 }, run: func(t *testing.T, e *env) []string {
		a, b := e.dial(ip1), e.dial(ip2)
		send(t, a, pub(t, testID(1), 30*time.Second, 0, string(make([]byte, 600))))
		syncLink(t, a)
		send(t, b, pub(t, testID(2), 30*time.Second, 0, string(make([]byte, 601))))
		code := closeCode(t, b)
		require.Equal(t, relay.CloseStoreFull, code)
		eventually(t, func() bool {
			return metric(t, e.srv.Registry(), "tandem_relay_publish_total", "result", "store_full") == 1
		}, "store_full counted")
		return []string{fmt.Sprint(code)}
	}},
	{name: "ip_quota", cfg: func(c *server.Config) { c.MaxStoredBytesPerIP = 1000 }, run: func(t *testing.T, e *env) []string {
		a, other := e.dial(ip1), e.dial(ip2)
		send(t, a, pub(t, testID(1), 30*time.Second, 0, string(make([]byte, 600))))
		syncLink(t, a)
		send(t, other, pub(t, testID(2), 30*time.Second, 0, string(make([]byte, 600)))) // another IP: fine
		syncLink(t, other)
		a2 := e.dial(ip1)
		send(t, a2, pub(t, testID(3), 30*time.Second, 0, string(make([]byte, 600))))
		code := closeCode(t, a2)
		require.Equal(t, relay.CloseIPQuota, code)
		eventually(t, func() bool {
			return metric(t, e.srv.Registry(), "tandem_relay_disconnects_total", "reason", "ip_quota") == 1
		}, "ip_quota counted")
		return []string{fmt.Sprint(code)}
	}},
	{name: "frame_too_big", cfg: func(c *server.Config) { c.MaxFrameBytes = 1024 }, run: func(t *testing.T, e *env) []string {
		a := e.dial(ip1)
		send(t, a, make([]byte, 1025))
		code := closeCode(t, a)
		require.Equal(t, relay.CloseMessageTooBig, code)
		eventually(t, func() bool {
			return metric(t, e.srv.Registry(), "tandem_relay_disconnects_total", "reason", "frame_too_big") == 1
		}, "frame_too_big counted")
		return []string{fmt.Sprint(code)}
	}},
	{name: "conn_rate", cfg: func(c *server.Config) { c.ConnRate = 1; c.ConnBurst = 3 }, run: func(t *testing.T, e *env) []string {
		a := e.dial(ip1)
		for i := range 5 { // the relay may close before the last writes
			_ = a.WriteFrame(context.Background(), ask(testID(byte(i)), 30*time.Second))
		}
		code := closeCode(t, a)
		require.Equal(t, relay.CloseRateLimited, code)
		require.Equal(t, float64(1), metric(t, e.srv.Registry(), "tandem_relay_ratelimited_total", "scope", "conn"))
		return []string{fmt.Sprint(code)}
	}},
	{name: "idle", cfg: func(c *server.Config) { c.IdleTimeout = 300 * time.Millisecond }, run: func(t *testing.T, e *env) []string {
		a := e.dial(ip1)
		send(t, a, ask(testID(1), 30*time.Second))
		code := closeCode(t, a)
		require.Equal(t, relay.CloseIdle, code)
		return []string{fmt.Sprint(code)}
	}},
}

// syncLink makes sure the relay has processed every frame l sent so far: frames of one
// connection are handled in order, so a TTL-0 ASK for a fresh id, answered by nothing, is not
// enough; instead it publishes a TTL-0 frame to a private id it asks for and waits for it.
func syncLink(t *testing.T, l relay.Link) {
	t.Helper()
	id := testID(0xEE)
	binary.BigEndian.PutUint64(id[1:], syncSeq.Add(1))
	f := pub(t, id, 0, 0, "sync")
	send(t, l, ask(id, time.Second), f, relay.UnaskFrame(id))
	for {
		got := recv(t, l)
		if bytes.Equal(got, f) {
			return
		}
		t.Fatalf("syncLink: unexpected frame %s", label(got))
	}
}

var syncSeq atomic.Uint64

func TestConformance(t *testing.T) {
	for _, tc := range conformanceCases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := testConfig()
			if tc.cfg != nil {
				tc.cfg(&cfg)
			}
			transcripts := map[string][]string{}
			for _, tr := range transports {
				t.Run(tr.name, func(t *testing.T) {
					tr.run(t, cfg, func(e *env) { transcripts[tr.name] = tc.run(t, e) })
				})
			}
			if len(transcripts) == len(transports) {
				require.Equal(t, transcripts["websocket"], transcripts["memory"], "W16: same transcript on both links")
			}
		})
	}
}
