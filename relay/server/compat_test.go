package server_test

// Compatibility tests that speak the ORIGINAL relay framing (WIRE.md §2) over a raw gorilla
// connection, with every frame built by hand from the byte tables: 32 id bytes, the TTL code as
// u16le, the flags as u16le, then the body. No tandem client code is used, so these tests pin
// what an existing Silent Shard client sees on the wire (§13.2 W02, W03, W05, W06, W13, W15).

import (
	"bytes"
	"errors"
	"fmt"
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

// errCompatHang reports a bounded wait that ran out: the exchange hung.
var errCompatHang = errors.New("compat: no frame before the deadline")

// read returns the next data frame within d, errCompatHang on timeout, or an error for any data
// frame that is not binary (W06). A timeout leaves the gorilla connection unusable, so callers
// treat it as final. Safe to call from any goroutine.
func (c *compatConn) read(d time.Duration) ([]byte, error) {
	if err := c.ws.SetReadDeadline(time.Now().Add(d)); err != nil {
		return nil, err
	}
	mt, r, err := c.ws.NextReader()
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return nil, errCompatHang
	}
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(r); err != nil {
		return nil, err
	}
	if mt != websocket.BinaryMessage {
		return nil, fmt.Errorf("the relay sent a data frame of type %d, not binary (W06)", mt)
	}
	c.frames++
	return buf.Bytes(), nil
}

// next reads the next data frame within d; it returns nil on timeout.
func (c *compatConn) next(d time.Duration) []byte {
	c.t.Helper()
	f, err := c.read(d)
	if errors.Is(err, errCompatHang) {
		return nil
	}
	require.NoError(c.t, err)
	return f
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
// b then publishes. Whether b's PUB or a's ASK is handled first, the marker reaches a only
// after a's ASK, which the relay handles after a's earlier frames (§3.2 processing order).
func compatSync(t *testing.T, a, b *compatConn) {
	t.Helper()
	id := compatIDWithLast(compatIDMarker, 0x01)
	a.send(compatFrame(id, []byte{0x3c, 0x00}, []byte{0x00, 0x00}))
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

// ---- W15: the legacy-client model (WIRE.md §3.4) ----

// compatLegacy models how SL's protocol code reads the relay: it ASKs every id it will need up
// front, and a filter takes a frame only for an id in its expected set (removing the id and
// buffering the frame), dropping frames for any other id. When a frame fails the protocol's
// check, the id is put back into the expected set; nothing is re-asked.
type compatLegacy struct {
	c        *compatConn
	expected map[string]bool
	buffered map[string][]byte
	dropped  int

	// Hooks of the scripted exchange; nil means none. They run on the party's goroutine.
	enter     func(p *compatLegacy, round int) // before the round starts
	beforePub func(round int)
	afterPub  func(round int)
	took      func(id string) // the filter took a frame for id
}

const compatRounds = 5

// compatLegacyIDs returns the ids of the messages from A to B and from B to A, per round.
func compatLegacyIDs() (ab, ba [compatRounds][]byte) {
	for r := range compatRounds {
		ab[r] = compatIDWithLast(compatIDA, byte(0x50+r))
		ba[r] = compatIDWithLast(compatIDB, byte(0x50+r))
	}
	return ab, ba
}

// compatGenuine is the body the protocol's check accepts for a round's message from a sender.
func compatGenuine(from string, round int) []byte {
	return []byte(fmt.Sprintf("genuine %s round %d", from, round))
}

// take returns the frame for id through the filter, reading from the relay as needed.
func (p *compatLegacy) take(id string, deadline time.Time) ([]byte, error) {
	for {
		if f, ok := p.buffered[id]; ok {
			delete(p.buffered, id)
			return f, nil
		}
		f, err := p.c.read(time.Until(deadline))
		if err != nil {
			return nil, err
		}
		fid := string(f[:32])
		if !p.expected[fid] {
			p.dropped++
			continue
		}
		delete(p.expected, fid)
		p.buffered[fid] = f
		if p.took != nil {
			p.took(fid)
		}
	}
}

// pumpUntil reads through the filter until a frame for marker arrives (the marker is a test
// device, not counted as dropped).
func (p *compatLegacy) pumpUntil(marker []byte, deadline time.Time) error {
	for {
		f, err := p.c.read(time.Until(deadline))
		if err != nil {
			return err
		}
		fid := string(f[:32])
		switch {
		case fid == string(marker):
			return nil
		case p.expected[fid]:
			delete(p.expected, fid)
			p.buffered[fid] = f
			if p.took != nil {
				p.took(fid)
			}
		default:
			p.dropped++
		}
	}
}

// run plays one party: ask all peer ids up front, then per round publish its own message and
// wait (at most compatHang) for the peer's, putting the id back after a failed check.
func (p *compatLegacy) run(self, peer string, mine, theirs [compatRounds][]byte) error {
	ttl, flags := []byte{0x3c, 0x00}, []byte{0x00, 0x00} // 60 s, no flags
	p.expected, p.buffered = map[string]bool{}, map[string][]byte{}
	for r := range compatRounds {
		p.expected[string(theirs[r])] = true
		if err := p.c.ws.WriteMessage(websocket.BinaryMessage, compatFrame(theirs[r], ttl, flags)); err != nil {
			return err
		}
	}
	for r := range compatRounds {
		if p.enter != nil {
			p.enter(p, r)
		}
		if p.beforePub != nil {
			p.beforePub(r)
		}
		if err := p.c.ws.WriteMessage(websocket.BinaryMessage, compatFrame(mine[r], ttl, flags, compatGenuine(self, r))); err != nil {
			return err
		}
		if p.afterPub != nil {
			p.afterPub(r)
		}
		deadline := time.Now().Add(compatHang)
		for {
			f, err := p.take(string(theirs[r]), deadline)
			if err != nil {
				return fmt.Errorf("%s round %d: %w", self, r, err)
			}
			if bytes.Equal(f[36:], compatGenuine(peer, r)) {
				break
			}
			p.expected[string(theirs[r])] = true // bad check: put the id back, no re-ask
		}
	}
	return nil
}

func TestCompatLegacyClientModel(t *testing.T) {
	const (
		noJunk = iota
		junkCurrentRound
		junkLaterRound
	)
	tests := []struct {
		name          string
		maxCandidates int
		junk          int
		wantHang      bool
		wantBDropped  int // frames B's filter dropped as unexpected
	}{
		{"no junk, default candidates", 0, noJunk, false, 0},
		{"no junk, first writer wins", 1, noJunk, false, 0},
		{"junk first in the current round, default candidates", 0, junkCurrentRound, false, 0},
		{"junk first in the current round, first writer wins", 1, junkCurrentRound, true, 0},
		// Default candidates: the genuine message is delivered but dropped as unexpected;
		// first writer wins: it is never delivered. Either way B hangs.
		{"junk for a later round, default candidates", 0, junkLaterRound, true, 1},
		{"junk for a later round, first writer wins", 1, junkLaterRound, true, 0},
	}
	const attackRound, laterRound = 1, 3
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			url := compatRelay(t, server.Config{MaxCandidates: tt.maxCandidates})
			ab, ba := compatLegacyIDs()
			a := &compatLegacy{c: compatDial(t, url, 1)}
			b := &compatLegacy{c: compatDial(t, url, 2)}
			attacker := compatDial(t, url, 3) // another IP prefix, so per-IP limits do not stop it
			ttl, flags := []byte{0x3c, 0x00}, []byte{0x00, 0x00}
			junk := func(id []byte) []byte { return compatFrame(id, ttl, flags, []byte("junk, fails the check")) }
			marker := compatIDWithLast(compatIDMarker, 0x77)

			bTook := make(chan string, 16)
			b.took = func(id string) { bTook <- id }
			waitTook := func(id []byte) error { // A's hooks wait for B's filter, never forever
				timeout := time.After(compatWait)
				for {
					select {
					case got := <-bTook:
						if got == string(id) {
							return nil
						}
					case <-timeout:
						return errCompatHang
					}
				}
			}
			var hookErr atomic.Value
			bEntered := make(chan int, compatRounds)
			b.enter = func(p *compatLegacy, r int) {
				bEntered <- r
				if tt.junk == junkLaterRound && r == laterRound {
					// Make the race of §3.4 point 2 deterministic: A's genuine message for
					// this round reaches B's filter while the id is out of the expected set.
					if err := p.pumpUntil(marker, time.Now().Add(compatWait)); err != nil {
						hookErr.CompareAndSwap(nil, fmt.Errorf("B pump: %w", err))
					}
				}
			}
			switch tt.junk {
			case junkCurrentRound:
				a.beforePub = func(r int) {
					if r != attackRound {
						return
					}
					timeout := time.After(compatWait)
				wait: // until B is in the attacked round, waiting for A's message
					for {
						select {
						case got := <-bEntered:
							if got == attackRound {
								break wait
							}
						case <-timeout:
							hookErr.CompareAndSwap(nil, errors.New("B never reached the attacked round"))
							return
						}
					}
					_ = attacker.ws.WriteMessage(websocket.BinaryMessage, junk(ab[r]))
					if err := waitTook(ab[r]); err != nil {
						hookErr.CompareAndSwap(nil, fmt.Errorf("junk not seen by B: %w", err))
					}
				}
			case junkLaterRound:
				// B asks the marker up front, like its own ids (it is only a test device).
				require.NoError(t, b.c.ws.WriteMessage(websocket.BinaryMessage, compatFrame(marker, ttl, flags)))
				a.beforePub = func(r int) {
					if r != attackRound {
						return
					}
					_ = attacker.ws.WriteMessage(websocket.BinaryMessage, junk(ab[laterRound]))
					if err := waitTook(ab[laterRound]); err != nil {
						hookErr.CompareAndSwap(nil, fmt.Errorf("junk not seen by B: %w", err))
					}
				}
				a.afterPub = func(r int) {
					if r == laterRound { // after the genuine message, on the same connection
						_ = a.c.ws.WriteMessage(websocket.BinaryMessage, compatFrame(marker, ttl, flags, []byte("m")))
					}
				}
			}

			errs := make(chan error, 2)
			go func() { errs <- a.run("A", "B", ab, ba) }()
			go func() { errs <- b.run("B", "A", ba, ab) }()
			err1, err2 := <-errs, <-errs
			if v, _ := hookErr.Load().(error); v != nil {
				t.Fatalf("script: %v", v)
			}
			assert.Equal(t, tt.wantBDropped, b.dropped, "frames B's filter dropped")
			if tt.wantHang {
				assert.True(t, errors.Is(err1, errCompatHang) || errors.Is(err2, errCompatHang),
					"want a hang (bounded wait ran out), got %v / %v", err1, err2)
				for _, err := range []error{err1, err2} {
					if err != nil {
						assert.ErrorIs(t, err, errCompatHang, "only timeouts, never another failure")
					}
				}
				return
			}
			require.NoError(t, err1)
			require.NoError(t, err2)
		})
	}
}
