package bench

import (
	"crypto/rand"
	"encoding/binary"
	"time"
)

// Layout of a generated id (the relay treats ids as opaque; this only keeps them unique):
//
//	0..8   run nonce (random per run)
//	8..12  lane (session slot or connection pair), u32le
//	12..20 sequence (session number or message number), u64le
//	20     round
//	21     sender party (0 or 1)
//	22     step (rate mode)
//	23..32 zero
type idGen struct{ run [8]byte }

func newIDGen() idGen {
	var g idGen
	if _, err := rand.Read(g.run[:]); err != nil {
		panic("internal error: crypto/rand failed: " + err.Error())
	}
	return g
}

func (g idGen) id(lane uint32, seq uint64, round, party, step uint8) MsgID {
	var id MsgID
	copy(id[:8], g.run[:])
	binary.LittleEndian.PutUint32(id[8:12], lane)
	binary.LittleEndian.PutUint64(id[12:20], seq)
	id[20] = round
	id[21] = party
	id[22] = step
	return id
}

// Body layout: 0..8 send time (ns since the generator's base, u64le), then zero filler.
const tsSize = 8

// clock gives monotonic nanoseconds since the generator's start.
type clock struct{ base time.Time }

func newClock() clock { return clock{base: time.Now()} }

func (c clock) now() int64 { return int64(time.Since(c.base)) }

// putPub writes header ‖ timestamp ‖ zeros of a PUB with bodySize body bytes into buf (grown and
// zeroed as needed) and returns the frame. Only bytes 0..44 are ever written, so the filler
// stays zero across reuse.
func putPub(buf []byte, id MsgID, ttlCode uint16, bodySize int, ts int64) []byte {
	n := headerSize + bodySize
	if cap(buf) < n {
		buf = make([]byte, n)
	}
	buf = buf[:n]
	copy(buf[:32], id[:])
	binary.LittleEndian.PutUint16(buf[32:34], ttlCode)
	binary.LittleEndian.PutUint16(buf[34:36], 0)
	binary.LittleEndian.PutUint64(buf[36:44], uint64(ts))
	return buf
}

// askFrame returns a 36-byte ASK (or UNASK) header.
func askFrame(id MsgID, ttlCode, flags uint16) []byte {
	b := make([]byte, headerSize)
	copy(b[:32], id[:])
	binary.LittleEndian.PutUint16(b[32:34], ttlCode)
	binary.LittleEndian.PutUint16(b[34:36], flags)
	return b
}

// delivery is what a connection's reader reports for one received frame.
type delivery struct {
	id     MsgID
	sentNs int64 // from the body; -1 if the frame was too short to carry it
	recvNs int64
	size   int // whole frame length
}

func parseDelivery(frame []byte, recvNs int64) (delivery, bool) {
	if len(frame) < headerSize {
		return delivery{}, false
	}
	d := delivery{recvNs: recvNs, size: len(frame), sentNs: -1}
	copy(d.id[:], frame[:32])
	if len(frame) >= headerSize+tsSize {
		d.sentNs = int64(binary.LittleEndian.Uint64(frame[36:44]))
	}
	return d, true
}
