package sharefile

import (
	"encoding/binary"

	"github.com/tandem-mpc/tandem/ecdsa2p"
)

// Offsets of the public header of a PROTOCOL.md §11.1 keyshare record.
const (
	recMagic     = "TNDK"
	recFlags     = 7 // bit0 LOCKED, bit2 PENDING
	recReason    = 8
	recShareID   = 42
	recHeaderEnd = 74
	// The container of ecdsa2p.Keyshare.MarshalBinary: "TNDG" ‖ 0x01 ‖ flags ‖ for each
	// record: u32be length ‖ record.
	containerMagic = "TNDG"
)

// shareState is what the sidecar records about a keyshare: its key, party and generations.
type shareState struct {
	KeyID       [32]byte
	Party       int
	Generations []generation
}

// stateOf returns the public state of ks, whose stored bytes are b (already accepted by
// ecdsa2p.ParseKeyshare). It reads each generation's share_id, LOCKED and PENDING bits and
// lock reason from the §11.1 record headers, so that a lock on either generation is seen;
// if the container is not the one it knows, it falls back to the Keyshare's accessors,
// which report the lock of the default generation only.
func stateOf(ks *ecdsa2p.Keyshare, b []byte) shareState {
	st := shareState{KeyID: ks.KeyID(), Party: ks.Index()}
	if gens, ok := recordHeaders(b); ok {
		st.Generations = gens
		return st
	}
	g := generation{ShareID: ks.ShareID(), Status: statusActive}
	if locked, code := ks.Locked(); locked {
		g.Status, g.LockReason = statusLocked, uint8(code)
	} else if ks.Status() == ecdsa2p.StatusPending {
		g.Status = statusPending
	}
	st.Generations = append(st.Generations, g)
	if id, ok := ks.PendingShareID(); ok && id != g.ShareID {
		st.Generations = append(st.Generations, generation{ShareID: id, Status: statusPending})
	}
	return st
}

// recordHeaders reads the generation headers of a container or of a single record.
func recordHeaders(b []byte) ([]generation, bool) {
	if len(b) >= 4 && string(b[:4]) == recMagic {
		g, ok := recordHeader(b)
		return []generation{g}, ok
	}
	if len(b) < 6 || string(b[:4]) != containerMagic || b[4] != 1 {
		return nil, false
	}
	n := 0
	for f := b[5]; f != 0; f &= f - 1 {
		n++
	}
	rest := b[6:]
	var gens []generation
	for range n {
		if len(rest) < 4 {
			return nil, false
		}
		l := binary.BigEndian.Uint32(rest)
		rest = rest[4:]
		if uint64(l) > uint64(len(rest)) {
			return nil, false
		}
		g, ok := recordHeader(rest[:l])
		if !ok {
			return nil, false
		}
		gens = append(gens, g)
		rest = rest[l:]
	}
	if len(rest) != 0 || len(gens) == 0 || len(gens) > maxGenerations {
		return nil, false
	}
	if len(gens) == 2 && gens[0].ShareID == gens[1].ShareID {
		return nil, false
	}
	return gens, true
}

func recordHeader(r []byte) (generation, bool) {
	if len(r) < recHeaderEnd || string(r[:4]) != recMagic {
		return generation{}, false
	}
	var g generation
	copy(g.ShareID[:], r[recShareID:recHeaderEnd])
	switch flags := r[recFlags]; {
	case flags&1 != 0:
		g.Status, g.LockReason = statusLocked, r[recReason]
	case flags&4 != 0:
		g.Status = statusPending
	default:
		g.Status = statusActive
	}
	return g, true
}
