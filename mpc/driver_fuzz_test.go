package mpc_test

import (
	"context"
	"encoding/binary"
	"errors"
	"testing"
	"time"

	"github.com/tandem-mpc/tandem/mpc"
	"github.com/tandem-mpc/tandem/mpc/mpctest"
	"github.com/tandem-mpc/tandem/relay"
)

// FuzzDriverInbound: random frames delivered to a running session (to both parties, under
// ids they expect, their ABORT ids, or anything) never cause an abort or a panic: each side
// ends in success or, if the junk spent an id's candidate budget, a timeout.
//
// The input is a sequence of chunks: u16be length ‖ selector ‖ bytes. The selector picks the
// receiving party (bit 7) and, for values below 0x40, overwrites the chunk's first 32 bytes
// with one of that party's expected ids or its peer's ABORT id, so that the junk reaches
// verification.
func FuzzDriverInbound(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{0, 1, 0xff})
	f.Add(append([]byte{0, 200, 0x00}, make([]byte, 199)...))
	hdr := make([]byte, 150)
	hdr[36], hdr[37], hdr[38] = 1, 1, 1 // version 1, SIGNED, EXT_KEX
	f.Add(append([]byte{0, 150, 0x00}, hdr...))
	f.Add(append([]byte{0, 150, 0x85}, hdr...))
	enc := make([]byte, 80)
	enc[36], enc[37] = 1, 2 // version 1, ENCRYPTED
	binary.BigEndian.PutUint64(enc[40:], mpc.Tag(2, 0))
	f.Add(append([]byte{0, 80, 0x02}, enc...))
	abort := make([]byte, 130)
	abort[36], abort[37] = 1, 3
	binary.BigEndian.PutUint64(abort[40:], mpc.AbortTag)
	f.Add(append([]byte{0, 130, 0x3f}, abort...))
	f.Fuzz(func(t *testing.T, data []byte) {
		rl := mpctest.NewRelay(t, nil)
		s := mpctest.NewSession(t, rl)
		rounds := mpctest.FiveRounds()
		pa, pb := mpctest.Pair(rounds, seed(60))
		cfgA, cfgB := s.Configs()
		idsFor := map[*mpctest.Party][]relay.MsgID{
			s.A: append(s.ExpectedIDs(rounds, s.A), s.AbortID(s.B)),
			s.B: append(s.ExpectedIDs(rounds, s.B), s.AbortID(s.A)),
		}
		for len(data) >= 3 {
			n := int(binary.BigEndian.Uint16(data))
			sel := data[2]
			data = data[3:]
			n = min(n, len(data))
			frame := append([]byte(nil), data[:n]...)
			data = data[n:]
			to := s.A
			if sel&0x80 != 0 {
				to = s.B
			}
			if k := int(sel & 0x7f); k < 0x40 && len(frame) >= 32 {
				ids := idsFor[to]
				id := ids[k%len(ids)]
				copy(frame, id[:])
			}
			to.Fault.Deliver(frame)
		}
		ctx, cancel := context.WithTimeout(t.Context(), 2*time.Second)
		defer cancel()
		errA, errB := mpctest.RunPair(ctx, cfgA, cfgB, pa, pb)
		for _, err := range []error{errA, errB} {
			if err == nil {
				continue
			}
			var te *mpc.TimeoutError
			var pe *mpc.PeerAbortedError
			if errors.As(err, &te) || (errors.As(err, &pe) && pe.Code == mpc.AbortTimeout) {
				continue
			}
			t.Fatalf("junk ended the session: %v", err)
		}
		if errA == nil && errB == nil {
			requireSameTranscript(t, pa, pb)
		}
	})
}
