package redisstore

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"syscall"
	"testing"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tandem-mpc/tandem/relay"
	"github.com/tandem-mpc/tandem/relay/store"
)

func testFrame(t testing.TB, id relay.MsgID, flags uint16, body string) []byte {
	f, err := relay.PublishFrame(id, 0, flags, []byte(body))
	require.NoError(t, err)
	return f
}

func TestParseInbox(t *testing.T) {
	id := relay.MsgID{7}
	frame := testFrame(t, id, relay.FlagOneReceiver, "body")
	digest := sha256.Sum256([]byte("body"))
	cand := string([]byte{inboxCandidate, 2}) + string(digest[:]) + string(frame)
	nonce := bytes.Repeat([]byte{9}, 16)
	tests := []struct {
		name    string
		payload string
		kind    byte
	}{
		{"candidate", cand, inboxCandidate},
		{"probe", string([]byte{inboxProbe}) + string(nonce), inboxProbe},
		{"empty", "", 0},
		{"unknown kind", "\x07abc", 0},
		{"probe too short", string([]byte{inboxProbe}) + "x", 0},
		{"probe too long", string([]byte{inboxProbe}) + string(nonce) + "x", 0},
		{"candidate without frame", cand[:2+32+35], 0},
		{"slot above N", string([]byte{inboxCandidate, 5}) + cand[2:], 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := parseInbox(tc.payload, 4)
			require.Equal(t, tc.kind, m.kind)
			switch m.kind {
			case inboxCandidate:
				assert.Equal(t, id, m.id)
				assert.Equal(t, frame, m.cand.Frame)
				assert.Equal(t, digest, m.cand.Digest)
				assert.Equal(t, uint8(2), m.cand.Slot)
				assert.True(t, m.cand.OneReceiver)
			case inboxProbe:
				assert.Equal(t, nonce, m.nonce[:])
			}
		})
	}
}

func FuzzParseInbox(f *testing.F) {
	frame := testFrame(f, relay.MsgID{1}, 0, "x")
	f.Add(string([]byte{inboxCandidate, 1}) + string(make([]byte, 32)) + string(frame))
	f.Add(string([]byte{inboxProbe}) + string(make([]byte, 16)))
	f.Add("")
	f.Add("\x01\xff")
	f.Fuzz(func(t *testing.T, payload string) {
		m := parseInbox(payload, 16)
		if m.kind == inboxCandidate {
			if len(m.cand.Frame) < relay.HeaderSize || m.cand.Slot > 16 {
				t.Fatalf("accepted a bad candidate: %d bytes, slot %d", len(m.cand.Frame), m.cand.Slot)
			}
		}
	})
}

func TestParseAskReply(t *testing.T) {
	frame := string(testFrame(t, relay.MsgID{3}, 0, "body"))
	digest := sha256.Sum256([]byte("body"))
	good := []any{int64(2), string(digest[:]), int64(0), frame}
	cs, err := parseAskReply(good, 4)
	require.NoError(t, err)
	require.Len(t, cs, 1)
	assert.Equal(t, uint8(2), cs[0].Slot)
	assert.Equal(t, digest, cs[0].Digest)
	assert.False(t, cs[0].Claimed)

	noDigest := []any{int64(1), "", int64(1), frame}
	cs, err = parseAskReply(noDigest, 4)
	require.NoError(t, err)
	assert.Equal(t, digest, cs[0].Digest, "recomputed when the meta field is gone")
	assert.True(t, cs[0].Claimed)

	cs, err = parseAskReply([]any{}, 4)
	require.NoError(t, err)
	assert.Empty(t, cs)

	for name, bad := range map[string]any{
		"not an array":  "x",
		"ragged":        []any{int64(1), "", int64(0)},
		"slot zero":     []any{int64(0), "", int64(0), frame},
		"slot above N":  []any{int64(5), "", int64(0), frame},
		"short frame":   []any{int64(1), "", int64(0), "short"},
		"wrong types":   []any{"1", "", int64(0), frame},
		"too many":      append(append(append(append([]any{}, good...), good...), good...), append(good, good...)...),
		"frame not str": []any{int64(1), "", int64(0), int64(3)},
	} {
		_, err := parseAskReply(bad, 4)
		assert.Error(t, err, name)
	}
}

// FuzzParseAskReply decodes data into a reply array (a type byte per element: even = integer
// from the next byte, odd = string of the next byte's length) and checks that parseAskReply
// never panics and never accepts a frame shorter than the header.
func FuzzParseAskReply(f *testing.F) {
	f.Add([]byte{0, 1, 1, 0, 0, 0, 1, 40}, uint8(4))
	f.Add([]byte{}, uint8(1))
	f.Fuzz(func(t *testing.T, data []byte, n uint8) {
		var reply []any
		for i := 0; i+1 < len(data); i += 2 {
			if data[i]%2 == 0 {
				reply = append(reply, int64(data[i+1]))
			} else {
				reply = append(reply, string(bytes.Repeat([]byte{0x80}, int(data[i+1]))))
			}
		}
		cs, err := parseAskReply(reply, int(n%17))
		if err != nil {
			return
		}
		for _, c := range cs {
			if len(c.Frame) < relay.HeaderSize || c.Slot == 0 {
				t.Fatalf("accepted candidate %+v", c)
			}
		}
	})
}

func TestParsePublishReply(t *testing.T) {
	ok := []struct {
		reply  []any
		status store.PublishStatus
		slot   uint8
		mine   bool
	}{
		{[]any{int64(1), int64(3), int64(1)}, store.Stored, 3, true},
		{[]any{int64(5), int64(0), int64(0)}, store.DeliveredUnstored, 0, false},
		{[]any{int64(2)}, store.Duplicate, 0, false},
		{[]any{int64(3)}, store.CandidatesFull, 0, false},
		{[]any{int64(4)}, store.ContributorLimit, 0, false},
	}
	for _, tc := range ok {
		st, slot, mine, err := parsePublishReply(tc.reply, 4)
		require.NoError(t, err)
		assert.Equal(t, tc.status, st)
		assert.Equal(t, tc.slot, slot)
		assert.Equal(t, tc.mine, mine)
	}
	for _, bad := range []any{
		"x", []any{}, []any{int64(9)}, []any{int64(1)}, []any{int64(1), int64(0), int64(0)},
		[]any{int64(1), int64(5), int64(0)}, []any{int64(5), int64(2), int64(0)}, []any{"1"},
		[]any{int64(1), int64(1), int64(1), int64(1)},
	} {
		_, _, _, err := parsePublishReply(bad, 4)
		assert.Error(t, err, "%v", bad)
	}
}

func TestClassify(t *testing.T) {
	tests := []struct {
		err  error
		kind string
		is   error
	}{
		{context.DeadlineExceeded, kindTimeout, store.ErrUnavailable},
		{os.ErrDeadlineExceeded, kindTimeout, store.ErrUnavailable},
		{&net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}, kindConn, store.ErrUnavailable},
		{io.EOF, kindConn, store.ErrUnavailable},
		{redis.ErrClosed, kindConn, store.ErrUnavailable},
		{errors.New("weird"), kindOther, store.ErrUnavailable},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.kind, classify(tc.err), "%v", tc.err)
		be := &BackendError{Op: "ask", Kind: classify(tc.err), Err: tc.err}
		assert.ErrorIs(t, be, tc.is)
	}
	oom := &BackendError{Op: "publish", Kind: kindOOM, Err: errors.New("OOM command not allowed")}
	assert.ErrorIs(t, oom, store.ErrStoreFull)
	script := &BackendError{Op: "publish", Kind: kindScript, Err: errors.New("WRONGTYPE")}
	assert.False(t, errors.Is(script, store.ErrUnavailable) || errors.Is(script, store.ErrStoreFull))
}

func TestPasswordRedacted(t *testing.T) {
	p := Password("hunter2")
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%T"} {
		out := fmt.Sprintf(verb, p)
		assert.NotContains(t, out, "hunter2", verb)
	}
	cfg := Config{Password: p, URL: "redis://user:hunter2@db:6379/0", Prefix: "pfx:"}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"} {
		out := fmt.Sprintf(verb, cfg)
		assert.NotContains(t, out, "hunter2", verb)
		assert.Contains(t, out, "db:6379", verb)
	}
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("x", "password", p, "cfg", cfg)
	assert.NotContains(t, buf.String(), "hunter2")
	assert.Equal(t, "hunter2", p.Reveal())
}
