package relay

import (
	"bytes"
	"encoding/binary"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The TTL table of WIRE.md §2.4.
func TestTTLTable(t *testing.T) {
	tests := []struct {
		secs    int64
		code    uint16
		decoded int64
	}{
		{0, 0x0000, 0},
		{1, 0x0001, 1},
		{100, 0x0064, 100},
		{255, 0x00FF, 255},
		{256, 0x0100, 260},
		{257, 0x0100, 260},
		{260, 0x0100, 260},
		{261, 0x0101, 270},
		{270, 0x0101, 270},
		{271, 0x0102, 280},
		{300, 0x0104, 300},
		{600, 0x0122, 600},
		{3600, 0x024E, 3600},
		{653049, 0xFFFF, 653050},
		{653050, 0xFFFF, 653050},
		{653051, 0xFFFF, 653050},
		{1 << 33, 0xFFFF, 653050},
	}
	for _, tt := range tests {
		d := time.Duration(tt.secs) * time.Second
		code := EncodeTTL(d)
		assert.Equal(t, tt.code, code, "EncodeTTL(%ds)", tt.secs)
		assert.Equal(t, time.Duration(tt.decoded)*time.Second, DecodeTTL(code), "DecodeTTL(%#04x)", code)
	}
	// Sub-second and negative durations.
	assert.Equal(t, uint16(1), EncodeTTL(time.Millisecond), "rounded up")
	assert.Equal(t, uint16(2), EncodeTTL(time.Second+time.Nanosecond))
	assert.Equal(t, uint16(0), EncodeTTL(-time.Hour))
	assert.Equal(t, uint16(0xFFFF), EncodeTTL(time.Duration(1<<63-1)), "no overflow")
	assert.Equal(t, MaxTTL, DecodeTTL(0xFFFF))
	// The header carries the code little-endian.
	h := Header{TTLCode: 0x024E}.Marshal()
	assert.Equal(t, []byte{0x4E, 0x02}, h[32:34])
}

func TestParseHeaderRejectsShortFrames(t *testing.T) {
	for _, n := range []int{0, 1, 35} {
		_, err := ParseHeader(make([]byte, n))
		assert.ErrorIs(t, err, ErrInvalidFrame, "len %d", n)
	}
	_, err := PublishFrame(MsgID{}, time.Minute, 0, nil)
	assert.ErrorIs(t, err, ErrInvalidFrame, "empty body")
}

func TestFrameBuilders(t *testing.T) {
	id := testID(7)
	ask := AskFrame(id, 90*time.Second)
	require.Len(t, ask, HeaderSize)
	assert.Equal(t, FrameAsk, Classify(ask))
	unask := UnaskFrame(id)
	assert.Equal(t, FrameUnask, Classify(unask))
	h, err := ParseHeader(unask)
	require.NoError(t, err)
	assert.Equal(t, Header{ID: id, Flags: FlagUnask}, h)
	pub, err := PublishFrame(id, time.Minute, FlagOneReceiver, []byte("b"))
	require.NoError(t, err)
	assert.Equal(t, FramePublish, Classify(pub))
	h, err = ParseHeader(pub)
	require.NoError(t, err)
	assert.Equal(t, Header{ID: id, TTLCode: 60, Flags: FlagOneReceiver}, h)
	assert.Equal(t, id.String()[:16], id.Short())
}

func FuzzParseHeader(f *testing.F) {
	f.Add([]byte{})
	f.Add(make([]byte, 35))
	f.Add(AskFrame(testID(1), time.Minute))
	f.Add(UnaskFrame(testID(2)))
	pub, _ := PublishFrame(testID(3), time.Hour, FlagOneReceiver|0x0ABC, []byte("body"))
	f.Add(pub)
	f.Fuzz(func(t *testing.T, frame []byte) {
		h, err := ParseHeader(frame)
		if len(frame) < HeaderSize {
			if err == nil {
				t.Fatalf("parsed a %d-byte frame", len(frame))
			}
			return
		}
		if err != nil {
			t.Fatalf("rejected a %d-byte frame: %v", len(frame), err)
		}
		if got := h.Marshal(); !bytes.Equal(got, frame[:HeaderSize]) {
			t.Fatalf("round trip: %x != %x", got, frame[:HeaderSize])
		}
		if h.TTL() != DecodeTTL(h.TTLCode) {
			t.Fatal("TTL")
		}
	})
}

func FuzzClassify(f *testing.F) {
	f.Add([]byte{})
	f.Add(make([]byte, 35))
	f.Add(make([]byte, 36))
	f.Add(UnaskFrame(testID(1)))
	f.Add(append(UnaskFrame(testID(1)), 0))
	f.Fuzz(func(t *testing.T, frame []byte) {
		k := Classify(frame)
		switch {
		case len(frame) < HeaderSize:
			if k != FrameInvalid {
				t.Fatalf("len %d: %v", len(frame), k)
			}
		case len(frame) == HeaderSize:
			unask := binary.LittleEndian.Uint16(frame[34:36])&FlagUnask != 0
			if (k == FrameAsk) == unask || (k != FrameAsk && k != FrameUnask) {
				t.Fatalf("36-byte frame with unask=%v: %v", unask, k)
			}
		default:
			if k != FramePublish {
				t.Fatalf("len %d: %v", len(frame), k)
			}
		}
		if (k == FrameAsk || k == FrameUnask) != (len(frame) == HeaderSize) {
			t.Fatal("ASK ⇔ len 36")
		}
		if k.String() == "" {
			t.Fatal("empty kind name")
		}
	})
}

func FuzzTTLCode(f *testing.F) {
	for _, s := range []int64{0, 1, 255, 256, 261, 3600, 653049, 653050, -1} {
		f.Add(int64(time.Duration(s)*time.Second), uint16(s))
	}
	f.Add(int64(1), uint16(0xFFFF))
	f.Add(int64(1<<63-1), uint16(0x0100))
	f.Fuzz(func(t *testing.T, ns int64, code uint16) {
		d := time.Duration(ns)
		c := EncodeTTL(d)
		if d <= 0 {
			if c != 0 {
				t.Fatalf("EncodeTTL(%v) = %d", d, c)
			}
		} else if d <= MaxTTL && DecodeTTL(c) < d {
			t.Fatalf("DecodeTTL(EncodeTTL(%v)) = %v, shorter", d, DecodeTTL(c))
		}
		if got := EncodeTTL(DecodeTTL(code)); got != code {
			t.Fatalf("EncodeTTL(DecodeTTL(%d)) = %d", code, got)
		}
		// Monotone: a longer duration never gets a smaller code.
		if d2 := d + time.Duration(code)*time.Millisecond; d2 >= d && EncodeTTL(d2) < c {
			t.Fatalf("not monotone: %v → %d, %v → %d", d, c, d2, EncodeTTL(d2))
		}
		if code > 0 && DecodeTTL(code) <= DecodeTTL(code-1) {
			t.Fatalf("DecodeTTL not increasing at %d", code)
		}
	})
}

func FuzzParseFeatures(f *testing.F) {
	f.Add("v=1, candidates=4, max-frame=1048576, max-ttl=3600, max-asks=1024, unask")
	f.Add("v=1;x=2, unask=?0, max-ttl=-5, foo")
	f.Add("")
	f.Add("candidates=4")
	f.Add("v=99999999999999999999")
	f.Fuzz(func(t *testing.T, v string) {
		feat := ParseFeatures(v)
		if feat.Version == 0 {
			if feat != (Features{}) {
				t.Fatalf("no version but %+v", feat)
			}
			return
		}
		if again := ParseFeatures(feat.String()); again != feat {
			t.Fatalf("round trip: %+v → %q → %+v", feat, feat.String(), again)
		}
	})
}

func TestParseFeatures(t *testing.T) {
	tests := []struct {
		in   string
		want Features
	}{
		{"v=1, candidates=4, max-frame=1048576, max-ttl=3600, max-asks=1024, unask",
			Features{Version: 1, Candidates: 4, MaxFrame: 1 << 20, MaxTTL: time.Hour, MaxAsks: 1024, Unask: true}},
		{"max-ttl=3600, unask", Features{}}, // no version: an original relay
		{"v=1, max-ttl=abc, max-frame=-1, unask=?0, x", Features{Version: 1}},
		{"v=1;p=1, unask=?1, weird=(1 2)", Features{Version: 1, Unask: true}},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, ParseFeatures(tt.in), "%q", tt.in)
	}
}
