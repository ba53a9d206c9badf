package keygen

import (
	"bytes"
	"errors"

	"github.com/tandem-mpc/tandem/ecdsa2p/internal/engineerr"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/keyshare"
	"github.com/tandem-mpc/tandem/internal/transcript"
)

// Round3 is the state after K3 was sent: it waits for the peer's K3. Single-use.
type Round3 struct {
	s    *session
	used bool
}

// Next processes the peer's K3 (PROTOCOL.md §7.3): binding and exact length 31,298, then the
// base-OT receiver output (§3.3) and the PPRF evaluation and proof check (§4.2) for
// correlation (R = j, S = i), which yield DeltaSeeds. It then runs K4 (§7.4):
//
//	T_kg   = H("tandem/v1/keygen/transcript", K1_0, K1_1, K2_0, K2_1, K3_0, K3_1)
//	conf_i = H("tandem/v1/keygen/confirm", sid_kg, u8(i), T_kg, pt(Q), cc)
//	K4     = 01 14 ‖ sid_kg ‖ conf_i                                         (66 bytes)
//
// From here on the party holds a complete keyshare. The caller persists it with status PENDING
// ([Round4.PendingKeyshare]) before K4 leaves, so that a crash or a lost peer K4 never loses a
// share the peer may already hold as ACTIVE; if the peer's K4 never arrives, [Round4.Pending]
// hands the PENDING keyshare over.
func (r *Round3) Next(peerK3 []byte) (*Round4, []byte, error) {
	const round = 3
	if r == nil || r.used {
		return nil, nil, engineerr.Consumed(op, round)
	}
	s := r.s
	if err := s.admit(round, peerK3); err != nil {
		if errors.Is(err, engineerr.ErrIgnore) {
			return nil, nil, err
		}
		r.fail()
		return nil, nil, err
	}
	r.used = true
	r4, k4, err := s.processK3(peerK3)
	if err != nil {
		s.wipe()
		return nil, nil, err
	}
	return r4, k4, nil
}

func (s *session) processK3(p []byte) (*Round4, []byte, error) {
	const round = 3
	s.peer[2] = bytes.Clone(p)
	p = s.peer[2]
	const msg2End = HeaderSize + 16896
	recv := s.recv
	s.recv = nil
	ro, err := recv.Finish(p[HeaderSize:msg2End], s.batch)
	if err != nil {
		return nil, nil, fromOT(round, err)
	}
	delta, err := ro.EvalPPRF(p[msg2End:], s.batch)
	ro.Wipe()
	if err != nil {
		return nil, nil, fromOT(round, err)
	}
	s.delta = delta

	ks, err := keyshare.New(keyshare.Fields{
		Index: s.i, GenSID: s.sid, ChainCode: s.chain, X0: s.X[0], X1: s.X[1], Share: &s.x,
		ID0: s.id[0], ID1: s.id[1], Chooser: s.chooser, Delta: s.delta, Pending: true,
	})
	if err != nil {
		return nil, nil, engineerr.Local(op, round, engineerr.Internal, err)
	}
	T := s.transcriptHash()
	conf := confirmation(&s.sid, s.i, &T, &s.ptQ, &s.chain)
	want := confirmation(&s.sid, s.j, &T, &s.ptQ, &s.chain)
	k4 := header(TypeK4, &s.sid, 32)
	k4 = append(k4, conf[:]...)
	s.own[3] = k4
	r4 := &Round4{s: s, ks: ks, want: want}
	s.wipe()
	return r4, bytes.Clone(k4), nil
}

// transcriptHash returns T_kg over the full K1–K3 payloads, indexed by sender.
func (s *session) transcriptHash() [32]byte {
	var f [6][]byte
	for r := 1; r <= 3; r++ {
		f[2*r-2], f[2*r-1] = s.byIndex(r)
	}
	return transcript.H(transcript.LabelKeygenTranscript, f[:]...)
}

// confirmation returns H("tandem/v1/keygen/confirm", sid_kg, u8(idx), T_kg, pt(Q), cc).
func confirmation(sid *[32]byte, idx uint8, T *[32]byte, ptQ *[33]byte, cc *[32]byte) [32]byte {
	return transcript.H(transcript.LabelKeygenConfirm, sid[:], []byte{idx}, T[:], ptQ[:], cc[:])
}

func (r *Round3) fail() {
	r.used = true
	r.s.wipe()
}
