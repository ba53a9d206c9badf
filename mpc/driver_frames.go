package mpc

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"time"

	"github.com/tandem-mpc/tandem/relay"
)

// handleFrame applies the per-frame rules of WIRE.md §12.5. It returns an error only when the
// session ends (a valid peer ABORT, or an authenticated protocol violation).
func (s *runState) handleFrame(ctx context.Context, frame []byte) error {
	if len(frame) < relay.HeaderSize {
		s.drop(errShortRelayFrame, relay.MsgID{})
		return nil
	}
	var id relay.MsgID
	copy(id[:], frame[:32])
	if id == s.plan.abortID {
		return s.handleAbortFrame(frame)
	}
	ps, ok := s.pending[id]
	if !ok {
		s.drop(errUnexpectedID, id)
		return nil
	}
	digest := sha256.Sum256(frame)
	if _, bad := ps.rejected[digest]; bad || len(ps.rejected) >= s.cfg.MaxCandidates {
		s.drop(errRejectedDigest, id)
		return nil
	}
	e := ps.exp
	switch e.slot.Kind {
	case Signed:
		env, err := openSigned(frame, &e.exp)
		var v *envelopeViolation
		switch {
		case errors.As(err, &v):
			return s.abortPeer(ctx, fmt.Errorf("mpc: round %d: %w", e.round, err), frame)
		case err != nil:
			if errors.Is(err, errUnauthenticated) {
				s.reject(ps, digest)
			}
			s.drop(err, id)
			return nil
		}
		return s.accept(ctx, ps, frame, env.payload, env.epk)
	case Encrypted:
		if s.keys == nil {
			// The peer's KEX is not known yet: structural checks now, authentication later.
			if _, err := checkFrame(frame, &e.exp); err != nil {
				s.drop(err, id)
				return nil
			}
			for _, b := range ps.buffered {
				if sha256.Sum256(b) == digest {
					s.drop(errDuplicateBuffered, id)
					return nil
				}
			}
			if len(ps.buffered) >= s.cfg.MaxCandidates {
				s.drop(errBufferFull, id)
				return nil
			}
			ps.buffered = append(ps.buffered, frame)
			return nil
		}
		payload, err := openEncrypted(nil, frame, &e.exp, s.keys)
		if err != nil {
			if errors.Is(err, errUnauthenticated) {
				s.reject(ps, digest)
			}
			s.drop(err, id)
			return nil
		}
		return s.accept(ctx, ps, frame, payload, nil)
	}
	return nil
}

func (s *runState) reject(ps *pendingState, digest [32]byte) {
	if ps.rejected == nil {
		ps.rejected = make(map[[32]byte]struct{})
	}
	ps.rejected[digest] = struct{}{}
}

// Drop reasons of the driver itself (the envelope layer has its own, envelope_errors.go).
var (
	errUnexpectedID      = &dropError{errMalformed, "id not expected (unknown, own, or already accepted)"}
	errShortRelayFrame   = &dropError{errMalformed, "shorter than the relay header"}
	errRejectedDigest    = &dropError{errUnauthenticated, "frame already rejected, or the id's candidate budget is spent"}
	errDuplicateBuffered = &dropError{errMalformed, "duplicate of a buffered frame"}
	errBufferFull        = &dropError{errMalformed, "buffer for the id is full"}
	errCarrierReplaced   = &dropError{errUnauthenticated, "replacement KEX carrier with another ephemeral key"}
)

// accept records an authenticated message (WIRE.md §12.5 "accepted").
func (s *runState) accept(ctx context.Context, ps *pendingState, frame, payload, peerEPK []byte) error {
	e := ps.exp
	if e.carrier && s.keys != nil && !bytes.Equal(peerEPK, s.peerEPK) {
		// A replacement for a carrier the engine ignored (Appendix Y.3): the keys derived
		// from the first one cannot change, so only the same ephemeral key is acceptable.
		s.reject(ps, sha256.Sum256(frame))
		s.drop(errCarrierReplaced, e.id)
		return nil
	}
	delete(s.pending, e.id)
	s.accepted[e.id] = ps
	s.cfg.Transport.Forget(e.id)
	s.inputs[e.round][max(e.index, 0)] = Inbound{Round: e.round, Slot: e.slot, Payload: payload, Frame: frame}
	s.have[e.round]++
	s.received++
	s.resetStall()
	if e.carrier && s.keys == nil {
		s.peerEPK = bytes.Clone(peerEPK)
		inst := InstanceID(s.cfg.Instance)
		keys, err := deriveKeys(s.eph, s.cfg.Protocol, &inst, s.cfg.Self.VerifyingKey().Encoding(), s.peer.Encoding(), peerEPK)
		s.eph = nil // consumed (wiped) by deriveKeys
		var v *envelopeViolation
		if errors.As(err, &v) {
			return s.abortPeer(ctx, fmt.Errorf("mpc: round %d: %w", e.round, err), frame)
		} else if err != nil {
			return s.abortLocal(ctx, err)
		}
		s.keys = keys
		// Re-process ENCRYPTED frames that arrived before the keys were known.
		for _, other := range s.pending {
			buf := other.buffered
			other.buffered = nil
			for _, b := range buf {
				if err := s.handleFrame(ctx, b); err != nil {
					return err
				}
			}
		}
	}
	s.progress()
	return nil
}

// handleAbortFrame verifies a frame under the peer's ABORT id.
func (s *runState) handleAbortFrame(frame []byte) error {
	digest := sha256.Sum256(frame)
	if _, bad := s.abortRejected[digest]; bad || len(s.abortRejected) >= s.cfg.MaxCandidates {
		s.drop(errRejectedDigest, s.plan.abortID)
		return nil
	}
	ap, err := openAbort(frame, &s.plan.abortExp)
	if err != nil {
		// Only a signed ABORT can end the session; a forged one is junk (and an authenticated
		// ABORT with a bad payload is treated like one, §12.5). Neither is blamed.
		if errors.Is(err, errUnauthenticated) {
			s.abortRejected[digest] = struct{}{}
		}
		s.drop(err, s.plan.abortID)
		return nil
	}
	return &PeerAbortedError{Round: s.round, Code: ap.code, Detail: ap.detail, Claim: ap.culprit.flip(), Reason: SanitizeReason(ap.reason)}
}

// sealAndPublish seals one of our slots (once) and publishes it.
func (s *runState) sealAndPublish(ctx context.Context, ss *sendSlot, payload []byte) error {
	h := envHeader{id: ss.id, ttlCode: relay.EncodeTTL(s.ttl), tag: Tag(uint32(ss.round), ss.slot.Seq)}
	var frame []byte
	var err error
	switch ss.slot.Kind {
	case Signed:
		var epk []byte
		if ss.carrier {
			epk = s.ownEPK
		}
		frame, err = sealSigned(ctx, s.cfg.Self, Signed, h, epk, payload)
		if err != nil {
			if ctx.Err() != nil {
				return s.ctxDone(ctx)
			}
			return s.abortLocal(ctx, fmt.Errorf("mpc: round %d: sign: %w", ss.round, err))
		}
	case Encrypted:
		if s.keys == nil {
			return s.abortLocal(ctx, fmt.Errorf("mpc: internal error: round %d: encrypted slot before the key exchange", ss.round))
		}
		frame = sealEncrypted(s.keys, h, payload)
	}
	if err := s.cfg.Transport.Publish(ctx, frame, s.until); err != nil {
		if ctx.Err() != nil {
			return s.ctxDone(ctx)
		}
		return s.transportErr(ctx, err)
	}
	return nil
}

// Abort paths (WIRE.md §12.7).

func (s *runState) abortEngine(ctx context.Context, err error) error {
	if errors.Is(err, ErrWithholdAbort) {
		return &AbortError{Round: s.round, Culprit: CulpritSelf, Code: AbortLocalError, Err: err}
	}
	var ac AbortClassifier
	var pf PeerFaulter
	switch {
	case errors.As(err, &ac):
		class, detail := ac.AbortClass()
		switch class {
		case ClassPeer:
			return s.abort(ctx, AbortProtocolViolation, CulpritPeer, detail, err, nil)
		case ClassMismatch:
			return s.abort(ctx, AbortInputMismatch, CulpritNone, detail, err, nil)
		case ClassDeclined:
			return s.abort(ctx, AbortRejected, CulpritNone, detail, err, nil)
		default:
			return s.abort(ctx, AbortLocalError, CulpritSelf, detail, err, nil)
		}
	case errors.As(err, &pf) && pf.PeerFault():
		return s.abort(ctx, AbortProtocolViolation, CulpritPeer, 0, err, nil)
	default:
		return s.abort(ctx, AbortLocalError, CulpritSelf, 0, err, nil)
	}
}

func (s *runState) abortPeer(ctx context.Context, err error, evidence []byte) error {
	return s.abort(ctx, AbortProtocolViolation, CulpritPeer, 0, err, evidence)
}

func (s *runState) abortLocal(ctx context.Context, err error) error {
	return s.abort(ctx, AbortLocalError, CulpritSelf, 0, err, nil)
}

// ctxDone maps the end of ctx to a TimeoutError (deadline) or a cancellation, publishing the
// matching ABORT.
func (s *runState) ctxDone(ctx context.Context) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		s.publishAbort(ctx, AbortTimeout, CulpritNone, 0, nil)
		te := &TimeoutError{Round: s.round, LastTransportErr: s.lastTransportErr}
		for id, ps := range s.pending {
			te.Waiting = append(te.Waiting, Pending{Round: ps.exp.round, Slot: ps.exp.slot, ID: id})
			te.Rejected += len(ps.rejected)
		}
		sortPending(te.Waiting)
		return te
	}
	return s.abort(ctx, AbortCancelled, CulpritNone, 0, ctx.Err(), nil)
}

func (s *runState) transportErr(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return s.ctxDone(ctx)
	}
	s.publishAbort(ctx, AbortTransport, CulpritNone, 0, err)
	return &TransportError{Err: err}
}

func (s *runState) abort(ctx context.Context, code AbortCode, culprit Culprit, detail uint8, cause error, evidence []byte) error {
	s.publishAbort(ctx, code, culprit, detail, cause)
	ae := &AbortError{Round: s.round, Culprit: culprit, Code: code, Detail: detail, Evidence: evidence, Err: cause}
	if culprit == CulpritPeer {
		ae.Party = s.peer
	}
	return ae
}

// publishAbort seals and publishes our ABORT with a detached context (WIRE.md §12.7): it is
// best effort, and retained by the Client for max(Grace, 60s).
func (s *runState) publishAbort(ctx context.Context, code AbortCode, culprit Culprit, detail uint8, cause error) {
	reason := code.String()
	if s.cfg.AbortReason != nil && cause != nil {
		if r := s.cfg.AbortReason(cause); r != "" {
			reason = r
		}
	}
	actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
	defer cancel()
	until := time.Now().Add(max(s.cfg.Grace, 60*time.Second))
	ttl := relay.EncodeTTL(min(time.Until(until), s.cfg.Transport.HeaderTTLLimit()))
	inst := InstanceID(s.cfg.Instance)
	frame, err := sealAbort(actx, s.cfg.Self, s.cfg.Protocol, &inst, ttl, abortPayload{code: code, culprit: culprit, detail: detail, round: uint32(max(s.round, 0)), reason: TruncateReason(reason)})
	if err != nil {
		s.cfg.Logger.Debug("mpc: could not seal abort", "err", err)
		return
	}
	if err := s.cfg.Transport.Publish(actx, frame, until); err != nil {
		s.cfg.Logger.Debug("mpc: could not publish abort", "err", err)
	}
}
