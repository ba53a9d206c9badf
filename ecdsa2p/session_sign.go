package ecdsa2p

import (
	"context"
	"errors"
	"fmt"

	"github.com/tandem-mpc/tandem/ecdsa2p/internal/bip32"
	"github.com/tandem-mpc/tandem/mpc"
	"github.com/tandem-mpc/tandem/signer"
)

// SignRequest is what both parties pass to sign: the instance id, the other party's
// verifying key and the BIP-32 path they agreed out of band, this party's keyshare, and on
// P1's side the message and its hash. Each call reads the fields it names.
//
// The message travels from P1 to P2 inside the protocol, in one encrypted SIGN_REQUEST
// (WIRE.md §12.9: the message bytes and the hash choice, never a bare digest unless both
// Sessions enabled WithRawDigest). P2 hashes it itself and may refuse it in Approve before
// the online round.
type SignRequest struct {
	// InstanceID is the agreed id of this signature (SigngenP1/P2: the presign and the
	// finish run under mpc.SubInstance(InstanceID, "presign") and "finish"), or of the one
	// session of Presign, FinishP1 and FinishP2. Use a fresh id for every call.
	InstanceID mpc.InstanceID
	// Keyshare is this party's keyshare (see Session on which value to pass).
	Keyshare *Keyshare
	// OtherVK is the other party's message verifying key.
	OtherVK signer.VerifyingKey
	// Path is the non-hardened BIP-32 path of the signing key ("m/0/1"); "" means "m", the
	// root key. Both parties pass the same path: it is bound before the first round
	// (PROTOCOL.md 8.1), so a mismatch ends both sides with SetupMismatch. FinishP2 with a
	// Path refuses a pre-signature made for another path.
	Path string
	// Message and Hash (P1): the message to sign and how both parties hash it (Keccak256,
	// SHA256; RawDigest, a 32-byte digest, only with WithRawDigest on both sides).
	Message []byte
	Hash    HashAlg
	// Approve (P2, optional): called with the message P1 asked for, after the
	// pre-signature was found unused and before this party's share of the signature
	// leaves. An error refuses: both parties end with an error, P1's naming the refusal.
	Approve ApproveMessageFunc
	// Presignature: FinishP1 finishes this pre-signature (from Presign); FinishP2 with a
	// non-nil Presignature refuses a request that names another one.
	Presignature *Presignature
}

// SigngenP1 signs Message as party 1 in one call: a presign and the online round back to
// back (WIRE.md §12.9, one-call sign), with the peer calling SigngenP2 with the same
// InstanceID and Path. It returns the signature, verified under the derived public key.
//
// A LOCKED keyshare (PROTOCOL.md §10.3) is refused with an error matching
// ErrKeyshareLocked, and the peer is told at once; Refresh clears the lock.
func (s *Session) SigngenP1(ctx context.Context, req SignRequest) (*Signature, error) {
	ks, key, path, err := s.prepare(ctx, 0, &req)
	if err != nil {
		return nil, err
	}
	if err := s.checkMessage(&req); err != nil {
		return nil, err
	}
	ps, err := s.presign(ctx, mpc.SubInstance(req.InstanceID, "presign"), ks, key, path, req.OtherVK)
	if err != nil {
		return nil, err
	}
	return s.finishP1(ctx, mpc.SubInstance(req.InstanceID, "finish"), ks, key, ps, &req)
}

// SigngenP2 is SigngenP1 for party 2: it receives the message from P1, hashes it with the
// hash P1 named, calls req.Approve, and signs. It returns the same signature as P1.
func (s *Session) SigngenP2(ctx context.Context, req SignRequest) (*Signature, error) {
	ks, key, path, err := s.prepare(ctx, 1, &req)
	if err != nil {
		return nil, err
	}
	ps, err := s.presign(ctx, mpc.SubInstance(req.InstanceID, "presign"), ks, key, path, req.OtherVK)
	if err != nil {
		return nil, err
	}
	req.Presignature, req.Path = ps, "" // the path is bound in ps
	return s.finishP2(ctx, mpc.SubInstance(req.InstanceID, "finish"), ks, key, &req)
}

// Presign runs the message-independent presign (PROTOCOL.md §8.2–8.5) with the other party
// under req.InstanceID for req.Path, and stores the pre-signature (single use) in the
// Session's Store. Finish it later with FinishP1 (P1) and FinishP2 (P2) under a fresh
// instance id; P1 passes the returned Presignature.
func (s *Session) Presign(ctx context.Context, req SignRequest) (*Presignature, error) {
	if !req.Keyshare.usable() {
		return nil, configError("no keyshare")
	}
	ks, key, path, err := s.prepare(ctx, req.Keyshare.Index(), &req)
	if err != nil {
		return nil, err
	}
	return s.presign(ctx, req.InstanceID, ks, key, path, req.OtherVK)
}

// FinishP1 runs the online round (PROTOCOL.md §8.6) as party 1 on req.Presignature for
// req.Message hashed with req.Hash, under a fresh req.InstanceID. The pre-signature is
// consumed even if P2 declines.
func (s *Session) FinishP1(ctx context.Context, req SignRequest) (*Signature, error) {
	ks, key, _, err := s.prepare(ctx, 0, &req)
	if err != nil {
		return nil, err
	}
	if req.Presignature == nil || req.Presignature.p == nil {
		return nil, configError("FinishP1 needs the Presignature to finish")
	}
	if err := s.checkMessage(&req); err != nil {
		return nil, err
	}
	return s.finishP1(ctx, req.InstanceID, ks, key, req.Presignature, &req)
}

// FinishP2 runs the online round as party 2 under req.InstanceID: it receives P1's
// SIGN_REQUEST, checks that it names an unused pre-signature of this keyshare made for
// req.Path ("" is "m") and, when set, that it is req.Presignature, calls req.Approve, and
// signs.
func (s *Session) FinishP2(ctx context.Context, req SignRequest) (*Signature, error) {
	ks, key, path, err := s.prepare(ctx, 1, &req)
	if err != nil {
		return nil, err
	}
	if req.Presignature != nil && req.Presignature.p == nil {
		return nil, configError("empty Presignature")
	}
	req.Path = path // "" is "m": P2 never signs under a path it did not agree to
	return s.finishP2(ctx, req.InstanceID, ks, key, &req)
}

// prepare checks req for the party index and returns the live keyshare, its Store key and
// the canonical path.
func (s *Session) prepare(ctx context.Context, index int, req *SignRequest) (*Keyshare, string, string, error) {
	if err := s.ready(req.OtherVK); err != nil {
		return nil, "", "", err
	}
	if !req.Keyshare.usable() {
		return nil, "", "", configError("no keyshare")
	}
	if got := req.Keyshare.Index(); got != index {
		return nil, "", "", configError("the keyshare is party %d's, this call is party %d's", got+1, index+1)
	}
	path := req.Path
	if path == "" {
		path = "m"
	}
	p, err := bip32.ParsePath(path)
	if err != nil {
		return nil, "", "", configError("path %q: %v", req.Path, err)
	}
	ks, key, err := s.resolve(ctx, req.Keyshare)
	if err != nil {
		return nil, "", "", err
	}
	return ks, key, p.String(), nil
}

// checkMessage validates P1's message and hash before anything is sent.
func (s *Session) checkMessage(req *SignRequest) error {
	m := MessageToSign{Hash: req.Hash, Message: req.Message}
	if err := m.Validate(); err != nil {
		return fmt.Errorf("%w: %w", ErrSessionConfig, err)
	}
	if req.Hash == RawDigest && !s.raw {
		return configError("Hash is RawDigest (the zero value) but raw-digest mode is not enabled; set Hash to Keccak256 or SHA256")
	}
	return nil
}

func (s *Session) presign(ctx context.Context, id mpc.InstanceID, ks *Keyshare, key, path string, other signer.VerifyingKey) (*Presignature, error) {
	ps, err := s.presignOnce(ctx, id, ks, key, path, other, pendingFirst(ks))
	if err != nil && setupMismatch(err) {
		ps, err = s.presignOnce(ctx, mpc.SubInstance(id, fallbackName), ks, key, path, other, nil)
	}
	return ps, err
}

func (s *Session) presignOnce(ctx context.Context, id mpc.InstanceID, ks *Keyshare, key, path string, other signer.VerifyingKey, opts []Option) (*Presignature, error) {
	cfg, done := s.config(id, other)
	defer done()
	p, err := NewPresign(cfg, ks, s.st, key, path, opts...)
	if err != nil {
		if errors.Is(err, ErrKeyshareLocked) {
			err = s.refuse(ctx, cfg, LabelPresign, symmetricPlan(3), ks, key, err)
		}
		return nil, err
	}
	if err := run(ctx, cfg, LabelPresign, p); err != nil {
		return nil, err
	}
	return p.Result()
}

func (s *Session) finishP1(ctx context.Context, id mpc.InstanceID, ks *Keyshare, key string, ps *Presignature, req *SignRequest) (*Signature, error) {
	request, e, err := MessageRequest(ps.SignSID(), req.Hash, req.Message)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrSessionConfig, err)
	}
	cfg, done := s.config(id, req.OtherVK)
	defer done()
	f, err := NewFinishP1(cfg, ks, s.st, key, ps.SignSID(), e, request)
	if err != nil {
		if errors.Is(err, ErrKeyshareLocked) {
			err = s.refuse(ctx, cfg, LabelFinish, (&Finish{index: 0}).Plan(), ks, key, err)
		}
		return nil, err
	}
	return RunFinish(ctx, cfg, f)
}

func (s *Session) finishP2(ctx context.Context, id mpc.InstanceID, ks *Keyshare, key string, req *SignRequest) (*Signature, error) {
	accept, approve := AcceptMessage(s.raw, req.Approve)
	if want := req.Presignature; want != nil {
		inner := accept
		accept = func(ctx context.Context, b []byte) (sid, e [32]byte, err error) {
			sid, e, err = inner(ctx, b)
			if err == nil && sid != want.SignSID() {
				return sid, e, &Error{Op: "finish", Round: 1, Code: SetupMismatch, Culprit: NoCulprit,
					Err: errors.New("the request names another pre-signature than the one agreed")}
			}
			return sid, e, err
		}
	}
	if path := req.Path; path != "" {
		inner := approve
		approve = func(ctx context.Context, sid, e [32]byte) error {
			if err := s.checkPresignPath(ctx, key, sid, path); err != nil {
				return err
			}
			return inner(ctx, sid, e)
		}
	}
	cfg, done := s.config(id, req.OtherVK)
	defer done()
	f, err := NewFinishP2(cfg, ks, s.st, key, accept)
	if err != nil {
		if errors.Is(err, ErrKeyshareLocked) {
			err = s.refuse(ctx, cfg, LabelFinish, (&Finish{index: 1}).Plan(), ks, key, err)
		}
		return nil, err
	}
	return RunFinish(ctx, cfg, f.WithApproval(approve))
}

// checkPresignPath refuses a pre-signature made for another path than want (SetupMismatch).
func (s *Session) checkPresignPath(ctx context.Context, key string, sid [32]byte, want string) error {
	b, err := s.st.Load(ctx, PresignatureKey(key, sid))
	if err != nil {
		return newError("finish", 1, Internal, err)
	}
	p, err := ParsePresignature(b)
	if err != nil {
		return newError("finish", 1, Internal, err)
	}
	if got := p.Path(); got != want {
		return &Error{Op: "finish", Round: 1, Code: SetupMismatch, Culprit: NoCulprit,
			Err: fmt.Errorf("the pre-signature is for path %s, this party agreed to %s", got, want)}
	}
	return nil
}

// refuse handles a LOCKED keyshare (err): it persists the lock first (PROTOCOL.md §10.3 item
// 1: the lock may have been set on the live Keyshare by MarkRestored and not yet saved), then
// runs a session that declines in its first round with err, so the driver publishes an ABORT
// and the peer's session ends at once instead of at its deadline. It returns err, joined with
// a failure to persist (then nothing is sent).
func (s *Session) refuse(ctx context.Context, cfg mpc.Config, label string, plan mpc.Plan, ks *Keyshare, key string, err error) error {
	if serr := ks.save(context.WithoutCancel(ctx), s.st, key); serr != nil {
		op := "finish"
		if label == LabelPresign {
			op = "presign"
		}
		return errors.Join(err, newError(op, 0, Internal, fmt.Errorf("persisting the lock: %w", serr)))
	}
	_ = run(ctx, cfg, label, &refusal{plan: plan, err: err})
	return err
}

// refusal is an mpc.Protocol that fails its first round with err.
type refusal struct {
	plan mpc.Plan
	err  error
}

func (r *refusal) Plan() mpc.Plan { return r.plan }

func (r *refusal) Next(context.Context, int, []mpc.Inbound) ([][]byte, error) { return nil, r.err }

// Generation choice after an incomplete refresh (PROTOCOL.md §9.1 leaves it to a
// coordinator; the two Sessions have none, and neither knows what the other holds).
//
// pendingFirst names the PENDING generation of an incomplete refresh when ks holds one. The
// peer usually holds that generation too: ACTIVE if it received our RF4, PENDING if neither
// side received the other's. The first signature or refresh on it promotes it. But a peer
// that stopped before its own RF4 (it never got our RF3 in time) kept only the old
// generation. So presign and refresh try the PENDING generation first and, if the session
// ends in SetupMismatch in its first round (the setup digests, which bind share_id, differ),
// both parties run it once more under SubInstance(id, fallbackName) with their ACTIVE
// generation. Nothing secret was used in a first round that failed this way. A path or key
// mismatch fails both attempts, quickly.
func pendingFirst(ks *Keyshare) []Option {
	if id, ok := ks.PendingShareID(); ok {
		return []Option{WithShareID(id)}
	}
	return nil
}

// fallbackName names the second attempt's sub-instance.
const fallbackName = "fallback"

// setupMismatch reports whether err is this party's SetupMismatch on the peer's first
// payload, or the peer's ABORT naming it while this party waited for that payload (driver
// round 1 or 2), whichever arrived first. Later rounds never fall back.
func setupMismatch(err error) bool {
	var e *Error
	if errors.As(err, &e) {
		return e.Code == SetupMismatch && e.Round == 1
	}
	var pa *mpc.PeerAbortedError
	return errors.As(err, &pa) && pa.Detail == uint8(SetupMismatch) && pa.Round <= 2
}
