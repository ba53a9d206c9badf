package server_test

// Compatibility tests that speak the ORIGINAL relay framing (WIRE.md §2) over a raw gorilla
// connection, with every frame built by hand from the byte tables: 32 id bytes, the TTL code as
// u16le, the flags as u16le, then the body. No tandem client code is used, so these tests pin
// what an existing Silent Shard client sees on the wire (§13.2 W02, W03, W05, W06, W13, W15).

import (
	"bytes"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tandem-mpc/tandem/relay/server"
)

// compatWait bounds every wait for a frame that must arrive; compatHang is how long a W15
// party waits before the test calls the exchange hung.
const (
	compatWait = 5 * time.Second
	compatHang = 800 * time.Millisecond
)

// Ids written out byte by byte.
var (
	compatIDA = []byte{
		0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
		0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f,
	}
	compatIDB = []byte{
		0xff, 0xee, 0xdd, 0xcc, 0xbb, 0xaa, 0x99, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11, 0x00,
		0xde, 0xad, 0xbe, 0xef, 0xca, 0xfe, 0xba, 0xbe, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	}
	compatIDMarker = []byte{
		0x4d, 0x41, 0x52, 0x4b, 0x45, 0x52, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x4d,
	}
)

// compatFrame concatenates hand-written parts: id ‖ ttl (2 bytes) ‖ flags (2 bytes) ‖ body.
func compatFrame(parts ...[]byte) []byte {
	var b []byte
	for _, p := range parts {
		b = append(b, p...)
	}
	return b
}

// compatIDWithLast returns a copy of id with its last byte replaced, for families of ids.
func compatIDWithLast(id []byte, last byte) []byte {
	out := append([]byte(nil), id...)
	out[31] = last
	return out
}

// compatRelay starts the real server behind httptest and returns the ws:// URL.
func compatRelay(t *testing.T, cfg server.Config) string {
	t.Helper()
	cfg.Logger = slog.New(slog.DiscardHandler)
	s, err := server.New(cfg, nil)
	require.NoError(t, err)
	srv := httptest.NewServer(s)
	t.Cleanup(func() {
		_ = s.Close()
		srv.Close()
	})
	return "ws" + strings.TrimPrefix(srv.URL, "http") + server.PathRelay
}

// compatConn is a raw WebSocket connection. Every read goes through NextReader and fails the
// test on any data frame that is not binary (W06); unsolicited pongs are counted.
type compatConn struct {
	t      *testing.T
	ws     *websocket.Conn
	header http.Header
	pongs  atomic.Int64
	frames int
}

// compatDial connects from the loopback source address 127.0.0.src.
func compatDial(t *testing.T, url string, src byte) *compatConn {
	t.Helper()
	nd := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, src)}, Timeout: compatWait}
	d := websocket.Dialer{NetDialContext: nd.DialContext, HandshakeTimeout: compatWait}
	ws, resp, err := d.Dial(url, nil)
	require.NoError(t, err)
	c := &compatConn{t: t, ws: ws, header: resp.Header}
	ws.SetPongHandler(func(string) error { c.pongs.Add(1); return nil })
	t.Cleanup(func() { _ = ws.Close() })
	return c
}

func (c *compatConn) send(frame []byte) {
	c.t.Helper()
	require.NoError(c.t, c.ws.WriteMessage(websocket.BinaryMessage, frame))
}

// next reads the next data frame within d; it returns nil on timeout. A timeout leaves the
// gorilla connection unusable, so callers treat it as final.
func (c *compatConn) next(d time.Duration) []byte {
	c.t.Helper()
	require.NoError(c.t, c.ws.SetReadDeadline(time.Now().Add(d)))
	mt, r, err := c.ws.NextReader()
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return nil
	}
	require.NoError(c.t, err)
	var buf bytes.Buffer
	_, err = buf.ReadFrom(r)
	require.NoError(c.t, err)
	require.Equal(c.t, websocket.BinaryMessage, mt, "the relay sent a data frame that is not binary (W06)")
	c.frames++
	return buf.Bytes()
}

// must reads the next data frame, which must arrive within compatWait.
func (c *compatConn) must() []byte {
	c.t.Helper()
	f := c.next(compatWait)
	require.NotNil(c.t, f, "no frame within %s", compatWait)
	return f
}

func TestCompatAskBeforePublish(t *testing.T) {
	url := compatRelay(t, server.Config{})
	asker, pub := compatDial(t, url, 1), compatDial(t, url, 2)
	asker.send(compatFrame(compatIDA, []byte{0x3c, 0x00}, []byte{0x00, 0x00})) // ASK, TTL 60 s
	// The ASK is registered before the asker's next frame is read (§3.2): a marker exchange on
	// the asker's own connection proves it without sleeping.
	compatSync(t, asker, pub)
	p := compatFrame(compatIDA, []byte{0x2c, 0x01}, []byte{0x05, 0x00}, []byte("hello relay")) // TTL code 0x012c, app flags 5
	pub.send(p)
	assert.Equal(t, p, asker.must(), "delivered frame must be byte-identical, TTL field included (W05)")
}

func TestCompatPublishBeforeAsk(t *testing.T) {
	url := compatRelay(t, server.Config{})
	asker, pub := compatDial(t, url, 1), compatDial(t, url, 2)
	p := compatFrame(compatIDA, []byte{0x64, 0x00}, []byte{0x00, 0x00}, []byte{0x01, 0x02, 0x03}) // TTL 100 s
	pub.send(p)
	compatSync(t, pub, asker) // the PUB is stored once the publisher's next frame is handled
	asker.send(compatFrame(compatIDA, []byte{0x0a, 0x00}, []byte{0x00, 0x00}))
	assert.Equal(t, p, asker.must())
}

// compatSync makes sure every frame a sent so far has been handled: a asks for a marker id that
// b then publishes; the marker's arrival at a proves a's earlier frames were processed.
var compatSyncN byte

func compatSync(t *testing.T, a, b *compatConn) {
	t.Helper()
	compatSyncN++
	id := compatIDWithLast(compatIDMarker, compatSyncN)
	a.send(compatFrame(id, []byte{0x3c, 0x00}, []byte{0x00, 0x00}))
	// b's PUB may reach the relay before a's ASK is registered only if a's earlier frames are
	// still queued; either way the candidate is stored and a's ASK returns it.
	m := compatFrame(id, []byte{0x3c, 0x00}, []byte{0x00, 0x00}, []byte("marker"))
	b.send(m)
	require.Equal(t, m, a.must(), "marker")
}

func TestCompatRepeatedAskRedelivers(t *testing.T) {
	url := compatRelay(t, server.Config{})
	asker, pub := compatDial(t, url, 1), compatDial(t, url, 2)
	p := compatFrame(compatIDB, []byte{0x3c, 0x00}, []byte{0x00, 0x00}, []byte("once published"))
	pub.send(p)
	compatSync(t, pub, asker)
	ask := compatFrame(compatIDB, []byte{0x3c, 0x00}, []byte{0x00, 0x00})
	for range 3 {
		asker.send(ask)
		assert.Equal(t, p, asker.must(), "every ASK re-delivers the stored candidate (§3.3)")
	}
}

func TestCompatDuplicatePublishNotDeliveredTwice(t *testing.T) {
	url := compatRelay(t, server.Config{})
	asker, pub := compatDial(t, url, 1), compatDial(t, url, 2)
	asker.send(compatFrame(compatIDA, []byte{0x3c, 0x00}, []byte{0x00, 0x00}))
	marker := compatIDWithLast(compatIDMarker, 0xee)
	asker.send(compatFrame(marker, []byte{0x3c, 0x00}, []byte{0x00, 0x00}))
	compatSync(t, asker, pub)
	body := []byte("same body every time")
	first := compatFrame(compatIDA, []byte{0x3c, 0x00}, []byte{0x00, 0x00}, body)
	pub.send(first)
	pub.send(first)                                                                // identical
	pub.send(compatFrame(compatIDA, []byte{0x1e, 0x00}, []byte{0x00, 0x00}, body)) // same body, other TTL
	pub.send(compatFrame(compatIDA, []byte{0x3c, 0x00}, []byte{0x01, 0x00}, body)) // same body, other flags
	// Frames of one connection are handled in order and deliveries to one connection are
	// written in order, so the marker published last arrives after any duplicate would have.
	m := compatFrame(marker, []byte{0x3c, 0x00}, []byte{0x00, 0x00}, []byte("end"))
	pub.send(m)
	assert.Equal(t, first, asker.must(), "the first header wins")
	assert.Equal(t, m, asker.must(), "no second delivery of an identical body (§3.3)")
}

// The TTL codes of the §2.4 table travel through the relay unchanged (the relay clamps its
// own bookkeeping to --max-ttl but never rewrites the header).
func TestCompatTTLCodesUnchanged(t *testing.T) {
	url := compatRelay(t, server.Config{})
	asker, pub := compatDial(t, url, 1), compatDial(t, url, 2)
	codes := [][]byte{
		{0x00, 0x00},                             // 0: delivered to the live waiter, not stored
		{0x01, 0x00}, {0x64, 0x00}, {0xff, 0x00}, // 1, 100, 255 s
		{0x00, 0x01}, {0x01, 0x01}, {0x02, 0x01}, {0x04, 0x01}, // 260, 270, 280, 300 s
		{0x22, 0x01}, {0x4e, 0x02}, {0xff, 0xff}, // 600, 3600, 653 050 s (clamped inside)
	}
	for i := range codes {
		asker.send(compatFrame(compatIDWithLast(compatIDA, byte(0x80+i)), []byte{0x3c, 0x00}, []byte{0x00, 0x00}))
	}
	compatSync(t, asker, pub)
	var sent [][]byte
	for i, code := range codes {
		f := compatFrame(compatIDWithLast(compatIDA, byte(0x80+i)), code, []byte{0x00, 0x00}, []byte{'t', byte(i)})
		sent = append(sent, f)
		pub.send(f)
	}
	for i := range codes {
		assert.Equal(t, sent[i], asker.must(), "TTL code % x", codes[i])
	}
	// The stored ones are returned unchanged to a later asker too (code 0 was not stored).
	late := compatDial(t, url, 3)
	for i := 1; i < len(codes); i++ {
		late.send(compatFrame(compatIDWithLast(compatIDA, byte(0x80+i)), []byte{0x01, 0x00}, []byte{0x00, 0x00}))
		assert.Equal(t, sent[i], late.must(), "stored TTL code % x", codes[i])
	}
}

// W02/W03: a 35-byte frame and a text frame are ignored, and the connection stays usable.
func TestCompatShortAndTextFramesIgnored(t *testing.T) {
	url := compatRelay(t, server.Config{})
	c, pub := compatDial(t, url, 1), compatDial(t, url, 2)
	short := compatFrame(compatIDA[:31], []byte{0x3c, 0x00}, []byte{0x00, 0x00}) // 35 bytes
	require.Len(t, short, 35)
	c.send(short)
	require.NoError(t, c.ws.WriteMessage(websocket.TextMessage, []byte("not a relay frame")))
	require.NoError(t, c.ws.WriteMessage(websocket.TextMessage, compatFrame(compatIDA, []byte{0x3c, 0x00}, []byte{0x00, 0x00})))
	// Still open and still a relay connection: an ordinary exchange works.
	c.send(compatFrame(compatIDB, []byte{0x3c, 0x00}, []byte{0x00, 0x00}))
	p := compatFrame(compatIDB, []byte{0x3c, 0x00}, []byte{0x00, 0x00}, []byte("after junk frames"))
	pub.send(p)
	assert.Equal(t, p, c.must())
	// The text frame that looked like an ASK for compatIDA registered nothing.
	marker := compatIDWithLast(compatIDMarker, 0xf0)
	c.send(compatFrame(marker, []byte{0x3c, 0x00}, []byte{0x00, 0x00}))
	pub.send(compatFrame(compatIDA, []byte{0x3c, 0x00}, []byte{0x00, 0x00}, []byte("not asked")))
	m := compatFrame(marker, []byte{0x3c, 0x00}, []byte{0x00, 0x00}, []byte("m"))
	pub.send(m)
	assert.Equal(t, m, c.must(), "a text frame is never an ASK")
}

// W06 and W13: a whole exchange, with pings every 20 ms, read opcode by opcode; the 101
// response carries a parseable Tandem-Relay header.
func TestCompatBinaryOnlyAndFeaturesHeader(t *testing.T) {
	url := compatRelay(t, server.Config{PingInterval: 20 * time.Millisecond})
	a, b := compatDial(t, url, 1), compatDial(t, url, 2)

	hv := a.header.Get("Tandem-Relay")
	require.NotEmpty(t, hv)
	dict := map[string]string{}
	for _, m := range strings.Split(hv, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(m), "=")
		require.NotEmpty(t, k, "member %q", m)
		dict[k] = v
	}
	assert.Equal(t, "1", dict["v"])
	for _, k := range []string{"candidates", "max-frame", "max-ttl", "max-asks"} {
		n, err := strconv.Atoi(dict[k])
		require.NoError(t, err, "%s=%q", k, dict[k])
		assert.Positive(t, n, k)
	}
	_, unask := dict["unask"]
	assert.True(t, unask)
	assert.Empty(t, a.header.Get("Sec-WebSocket-Protocol"))
	assert.Empty(t, a.header.Get("Sec-WebSocket-Extensions"), "no permessage-deflate")

	var pings atomic.Int64
	a.ws.SetPingHandler(func(data string) error {
		pings.Add(1)
		return a.ws.WriteControl(websocket.PongMessage, []byte(data), time.Now().Add(time.Second))
	})
	// Five rounds in both directions, mixing ask-first and publish-first.
	for r := range 5 {
		ab := compatIDWithLast(compatIDA, byte(r))
		ba := compatIDWithLast(compatIDB, byte(r))
		ttl, flags := []byte{0x1e, 0x00}, []byte{0x00, 0x00}
		pa := compatFrame(ab, ttl, flags, bytes.Repeat([]byte{byte(r)}, 100+r))
		pb := compatFrame(ba, ttl, flags, bytes.Repeat([]byte{0xf0 | byte(r)}, 9000+r))
		if r%2 == 0 {
			b.send(compatFrame(ab, ttl, flags))
			a.send(compatFrame(ba, ttl, flags))
			a.send(pa)
			b.send(pb)
		} else {
			a.send(pa)
			b.send(pb)
			b.send(compatFrame(ab, ttl, flags))
			a.send(compatFrame(ba, ttl, flags))
		}
		assert.Equal(t, pa, b.must())
		assert.Equal(t, pb, a.must())
		time.Sleep(15 * time.Millisecond) // let pings interleave with data
	}
	// The exchange is over: nothing else may arrive but control frames.
	assert.Nil(t, a.next(100*time.Millisecond))
	assert.Positive(t, pings.Load(), "pings are control frames, handled, never data")
	assert.Zero(t, a.pongs.Load()+b.pongs.Load(), "no unsolicited pongs (§2.2)")
	assert.Equal(t, 5, a.frames)
	assert.Equal(t, 5, b.frames)
}
