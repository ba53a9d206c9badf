package refresh

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/tandem-mpc/tandem/ecdsa2p/internal/engineerr"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/keyshare"
	"github.com/tandem-mpc/tandem/internal/transcript"
)

// Round3 is the state after RF3 was sent: it waits for the peer's RF3. Single-use.
type Round3 struct {
	s    *session
	used bool
}

// Next processes the peer's RF3 and runs RF4 (PROTOCOL.md §9.1):
//
//  1. binding sid_rf (else ignored) and exact length 31,298 (else MalformedPayload);
//  2. the base-OT receiver output (§3.3) and the PPRF evaluation and proof check (§4.2) for
//     correlation (R = j, S = i), which yield the new DeltaSeeds (MalformedPayload,
//     PPRFProofInvalid; the peer is blamed, nothing locks);
//  3. the new generation: x′_i, X′_0, X′_1, gen_sid = sid_rf, the new seeds, status PENDING,
//     lock bits cleared (keyshare.Keyshare.NextGeneration);
//  4. save({Active: old, Pending: new}) — the party now holds both generations, durably,
//     before its RF4 can reach the peer;
//  5. T_rf = H("tandem/v1/refresh/transcript", RF1_0, RF1_1, RF2_0, RF2_1, RF3_0, RF3_1),
//     conf_i = H("tandem/v1/refresh/confirm", sid_rf, u8(i), T_rf, pt(Q), cc, pt(X′_0), pt(X′_1)),
//     RF4 = 01 34 ‖ sid_rf ‖ conf_i (66 bytes).
//
// A failing save aborts with Internal and no RF4 is returned.
func (r *Round3) Next(peerRF3 []byte) (*Round4, []byte, error) {
	const round = 3
	if r == nil || r.used {
		return nil, nil, engineerr.Consumed(op, round)
	}
	s := r.s
	if err := s.admit(round, peerRF3); err != nil {
		if errors.Is(err, engineerr.ErrIgnore) {
			return nil, nil, err
		}
		r.fail()
		return nil, nil, err
	}
	r.used = true
	r4, rf4, err := s.processRF3(peerRF3)
	s.wipe()
	if err != nil {
		return nil, nil, err
	}
	return r4, rf4, nil
}

func (s *session) processRF3(p []byte) (*Round4, []byte, error) {
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

	next, err := s.old.NextGeneration(s.sid, s.X[0], s.X[1], &s.x, s.chooser, s.delta)
	if err != nil {
		return nil, nil, engineerr.Local(op, round, engineerr.Internal, err)
	}
	if s.old.Pending() {
		// Deviation: the generation being refreshed was itself PENDING (a keygen or refresh
		// whose confirmation never arrived). The peer ran RF1–RF3 under its share_id, which
		// proves it holds that generation, so it is promoted to ACTIVE here (as a late
		// confirmation would, §7.4 and §9.1): the stored pair then has one ACTIVE and one
		// PENDING generation. This is the only change refresh makes to the old keyshare.
		m := s.old.LockMutex() // signing may read its status concurrently
		m.Lock()
		s.old.Activate()
		m.Unlock()
	}
	gens := &keyshare.Generations{Active: s.old, Pending: next}
	if err := s.save(gens); err != nil {
		next.Wipe()
		return nil, nil, engineerr.Local(op, round, engineerr.Internal, fmt.Errorf("storing the pending generation: %w", err))
	}
	ptQ, cc := s.old.PublicKey(), s.old.ChainCode()
	X0, X1 := next.PublicShare(0), next.PublicShare(1)
	T := s.transcriptHash()
	conf := confirmation(&s.sid, s.i, &T, &ptQ, &cc, &X0, &X1)
	want := confirmation(&s.sid, s.j, &T, &ptQ, &cc, &X0, &X1)
	clear(cc[:])
	rf4 := header(TypeRF4, &s.sid, 32)
	s.own[3] = append(rf4, conf[:]...)
	return &Round4{s: s, gens: gens, next: next, want: want}, bytes.Clone(s.own[3]), nil
}

// transcriptHash returns T_rf over the full RF1–RF3 payloads, indexed by sender.
func (s *session) transcriptHash() [32]byte {
	var f [6][]byte
	for r := 1; r <= 3; r++ {
		f[2*r-2], f[2*r-1] = s.byIndex(r)
	}
	return transcript.H(transcript.LabelRefreshTranscript, f[:]...)
}

// confirmation returns H("tandem/v1/refresh/confirm", sid_rf, u8(idx), T_rf, pt(Q), cc,
// pt(X′_0), pt(X′_1)).
func confirmation(sid *[32]byte, idx uint8, T *[32]byte, ptQ *[33]byte, cc *[32]byte, X0, X1 *[33]byte) [32]byte {
	return transcript.H(transcript.LabelRefreshConfirm, sid[:], []byte{idx}, T[:], ptQ[:], cc[:], X0[:], X1[:])
}

func (r *Round3) fail() {
	r.used = true
	r.s.wipe()
}
