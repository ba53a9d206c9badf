package mpctest

import (
	"crypto/rand"
	"encoding/binary"
	"net/netip"

	"github.com/tandem-mpc/tandem/mpc"
	"github.com/tandem-mpc/tandem/relay"
	"github.com/tandem-mpc/tandem/relay/relaytest"
)

// JunkFrame returns a PUB frame under id whose body is n random bytes behind a plausible
// tandem envelope header (version 1, the given kind and tag, EXT_KEX if kex), so that it
// passes the relay and, when n is large enough (≥ 96 for a KEX carrier), the structural checks,
// and fails only at authentication.
func JunkFrame(id relay.MsgID, kind mpc.Kind, tag uint64, kex bool, n int) []byte {
	f := make([]byte, 48+max(n, 0))
	copy(f, id[:])
	binary.LittleEndian.PutUint16(f[32:34], uint16(relay.EncodeTTL(60e9)))
	f[36], f[37] = 0x01, byte(kind)
	if kex {
		f[38] = 0x01
	}
	binary.BigEndian.PutUint64(f[40:48], tag)
	_, _ = rand.Read(f[48:])
	return f
}

// JunkIP returns the i-th attacker address (distinct from IPA and IPB and from each other).
func JunkIP(i int) netip.Addr {
	return netip.AddrFrom4([4]byte{192, 0, 2 + byte(i>>8), byte(i)})
}

// InjectJunk publishes n junk frames under id from n distinct attacker addresses, as a third
// party who computed the id would, and returns once the relay processed them.
func InjectJunk(rl *relaytest.Relay, id relay.MsgID, kind mpc.Kind, tag uint64, kex bool, n int) {
	for i := range n {
		rl.Inject(JunkFrame(id, kind, tag, kex, 128+i), JunkIP(i))
	}
}
