package bench

import (
	"crypto/sha256"
	"encoding/binary"
	"net/http"
	"sync"

	"github.com/gorilla/websocket"
)

// fakeRelay is a minimal in-process relay for the smoke test when no real server is wired in:
// length-classified ASK/PUB/UNASK, candidates de-duplicated by body digest, waiters that stay
// registered until UNASK or close. No TTL expiry (tests are short).
type fakeRelay struct {
	mu      sync.Mutex
	stored  map[MsgID][][]byte
	digests map[MsgID]map[[32]byte]bool
	waiters map[MsgID]map[*fakeConn]bool
}

type fakeConn struct {
	out  chan []byte
	asks map[MsgID]bool
}

func newFakeRelay() *fakeRelay {
	return &fakeRelay{
		stored:  map[MsgID][][]byte{},
		digests: map[MsgID]map[[32]byte]bool{},
		waiters: map[MsgID]map[*fakeConn]bool{},
	}
}

func (f *fakeRelay) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	up := websocket.Upgrader{}
	ws, err := up.Upgrade(w, r, http.Header{featuresHd: {"v=1, candidates=4, unask"}})
	if err != nil {
		return
	}
	c := &fakeConn{out: make(chan []byte, 4096), asks: map[MsgID]bool{}}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for b := range c.out {
			if ws.WriteMessage(websocket.BinaryMessage, b) != nil {
				return
			}
		}
	}()
	for {
		mt, b, err := ws.ReadMessage()
		if err != nil {
			break
		}
		if mt == websocket.BinaryMessage && len(b) >= headerSize {
			f.handle(c, b)
		}
	}
	f.mu.Lock()
	for id := range c.asks {
		delete(f.waiters[id], c)
	}
	close(c.out)
	f.mu.Unlock()
	<-done
	_ = ws.Close()
}

func (f *fakeRelay) handle(c *fakeConn, b []byte) {
	var id MsgID
	copy(id[:], b[:32])
	flags := binary.LittleEndian.Uint16(b[34:36])
	f.mu.Lock()
	defer f.mu.Unlock()
	switch {
	case len(b) == headerSize && flags&flagUnask != 0:
		delete(f.waiters[id], c)
		delete(c.asks, id)
	case len(b) == headerSize:
		for _, fr := range f.stored[id] {
			c.out <- fr
		}
		if f.waiters[id] == nil {
			f.waiters[id] = map[*fakeConn]bool{}
		}
		f.waiters[id][c] = true
		c.asks[id] = true
	default:
		d := sha256.Sum256(b[headerSize:])
		if f.digests[id] == nil {
			f.digests[id] = map[[32]byte]bool{}
		}
		if f.digests[id][d] {
			return
		}
		f.digests[id][d] = true
		fr := append([]byte(nil), b...)
		f.stored[id] = append(f.stored[id], fr)
		for w := range f.waiters[id] {
			w.out <- fr
		}
	}
}
