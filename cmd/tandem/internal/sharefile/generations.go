package sharefile

import (
	"github.com/tandem-mpc/tandem/ecdsa2p"
)

// shareState is what the sidecar records about a keyshare: its key, party and generations.
type shareState struct {
	KeyID       [32]byte
	Party       int
	Generations []generation
}

// stateOf returns the public state of ks: each generation's share_id, status and lock reason
// (ecdsa2p.Keyshare.Generations), so that a lock on either generation is seen.
func stateOf(ks *ecdsa2p.Keyshare) shareState {
	st := shareState{KeyID: ks.KeyID(), Party: ks.Index()}
	for _, g := range ks.Generations() {
		out := generation{ShareID: g.ShareID, Status: statusActive}
		switch g.Status {
		case ecdsa2p.StatusLocked:
			out.Status, out.LockReason = statusLocked, uint8(g.LockReason)
		case ecdsa2p.StatusPending:
			out.Status = statusPending
		}
		st.Generations = append(st.Generations, out)
	}
	return st
}
