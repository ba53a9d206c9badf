package sign

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/tandem-mpc/tandem/ecdsa2p/internal/bip32"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/engineerr"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/keyshare"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/ote"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/rng"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/rvole"
	"github.com/tandem-mpc/tandem/internal/secp"
	"github.com/tandem-mpc/tandem/internal/transcript"
)

// Round1 is the presign state after S1 was built: it holds this party's S1 payload
// ([Round1.Payload]) and waits for the peer's S1. Single-use.
type Round1 struct {
	s    *session
	used bool
}

// SetupDigest returns setup_sg = H("tandem/v1/sign/setup", PARAMS, instance_id, id_0, id_1,
// key_id, share_id, path_enc) (PROTOCOL.md §8.2).
func SetupDigest(instanceID [32]byte, id0, id1 []byte, keyID, shareID [32]byte, pathEnc []byte) [32]byte {
	return transcript.H(transcript.LabelSignSetup, []byte(keyshare.Params), instanceID[:], id0, id1, keyID[:], shareID[:], pathEnc)
}

// Derived is the outcome of the key derivation of §8.1 for one keyshare and path.
type Derived struct {
	Tweak   [32]byte    // δ
	Key     [33]byte    // pt(Q′)
	Shares  [2][33]byte // pt(pk′_0), pt(pk′_1)
	PathEnc []byte      // path_enc
}

// Derive runs §8.1 for ks and path and returns δ, Q′, pk′_0 = X_0 + δ·G, pk′_1 = X_1 and
// path_enc, after asserting pk′_0 + pk′_1 = Q′. Public values only.
func Derive(ks *keyshare.Keyshare, path bip32.Path) (*Derived, error) {
	d, _, err := derive(ks, path)
	return d, err
}

// derive is Derive that also returns the points pk′_0, pk′_1 and Q′.
func derive(ks *keyshare.Keyshare, path bip32.Path) (*Derived, [3]*secp.Point, error) {
	var pts [3]*secp.Point
	child, err := bip32.Derive(ks.PublicKey(), ks.ChainCode(), path)
	if err != nil {
		return nil, pts, err
	}
	delta, err := secp.NewScalar().SetCanonicalBytes(child.Tweak[:])
	if err != nil {
		return nil, pts, err
	}
	for k := range 2 {
		enc := ks.PublicShare(uint8(k))
		if pts[k], err = new(secp.Point).SetBytes(enc[:]); err != nil {
			return nil, pts, err
		}
	}
	pts[0].Add(pts[0], new(secp.Point).ScalarBaseMult(delta))
	if pts[2], err = new(secp.Point).SetBytes(child.Key[:]); err != nil {
		return nil, pts, err
	}
	d := &Derived{Tweak: child.Tweak, Key: child.Key, PathEnc: path.Encode()}
	for k := range 2 {
		if d.Shares[k], err = pts[k].Bytes(); err != nil {
			return nil, pts, errors.New("a derived public share is the identity")
		}
	}
	sum, err := new(secp.Point).Add(pts[0], pts[1]).Bytes()
	if err != nil || sum != child.Key {
		return nil, pts, errors.New("pk′_0 + pk′_1 ≠ Q′: corrupted keyshare")
	}
	return d, pts, nil
}

// NewPresign starts a presign session (PROTOCOL.md §8.1–8.2) for the party that holds ks, in
// the run instanceID, for the key derived along path (fixed here, for the whole session).
// The identities id_0, id_1 are the keyshare's. It derives sk′_i (P1 absorbs the whole tweak
// δ), pk′_0, pk′_1 and Q′, then runs S1:
//
//	setup_sg = H("tandem/v1/sign/setup", PARAMS, instance_id, id_0, id_1, key_id, share_id, path_enc)
//	draws:     σ_i = RandomBytes(32), r_i = RandomScalar(), φ_i = RandomScalar(), ω_i = RandomBytes(32)
//	R_i = r_i·G;  C_i = H("tandem/v1/sign/commit", setup_sg, u8(i), σ_i, pt(R_i), ω_i)
//	S1 = 01 21 ‖ setup_sg ‖ σ_i ‖ C_i
//
// rnd supplies every random draw of the session in the order of §8; the public layer passes
// rng.System. A LOCKED keyshare gives KeyshareLocked; a derivation failure (InvalidChild,
// probability ≈ 2^−127) or invalid arguments give Internal.
func NewPresign(ks *keyshare.Keyshare, instanceID [32]byte, path bip32.Path, rnd rng.Source) (*Round1, error) {
	if ks == nil || rnd == nil || !path.Valid() {
		return nil, engineerr.Local(op, 0, engineerr.Internal, errors.New("a keyshare, a valid path and a randomness source are required"))
	}
	if isLocked(ks) {
		return nil, errLocked(0)
	}
	d, pts, err := derive(ks, path)
	if err != nil {
		return nil, engineerr.Local(op, 0, engineerr.Internal, fmt.Errorf("key derivation: %w", err))
	}
	i := ks.Index()
	s := &session{ks: ks, mu: ks.LockMutex(), i: i, j: 1 - i, rnd: rnd, path: append(bip32.Path(nil), path...), pathEnc: d.PathEnc}
	s.pk = [2]*secp.Point{pts[0], pts[1]}
	s.Qp, s.ptQp = pts[2], d.Key
	x := ks.Share()
	s.skp.Set(x)
	*x = secp.Scalar{}
	if i == 0 {
		delta, _ := secp.NewScalar().SetCanonicalBytes(d.Tweak[:])
		s.skp.Add(&s.skp, delta)
	}
	s.setup = SetupDigest(instanceID, ks.ID(0), ks.ID(1), ks.KeyID(), ks.ShareID(), s.pathEnc)

	rnd.RandomBytes(s.sigma[i][:])
	r := rnd.RandomScalar()
	s.r.Set(r)
	*r = secp.Scalar{}
	phi := rnd.RandomScalar()
	s.phi.Set(phi)
	*phi = secp.Scalar{}
	rnd.RandomBytes(s.omega[:])

	s.Ri = new(secp.Point).ScalarBaseMult(&s.r)
	if s.ptRi, err = s.Ri.Bytes(); err != nil {
		s.wipe()
		return nil, engineerr.Local(op, 0, engineerr.Internal, errors.New("R_i is the identity"))
	}
	C := transcript.Commit(transcript.LabelSignCommit, s.omega, s.setup[:], []byte{i}, s.sigma[i][:], s.ptRi[:])
	s1 := header(TypeS1, &s.setup, 64)
	s1 = append(s1, s.sigma[i][:]...)
	s.own[0] = append(s1, C[:]...)
	return &Round1{s: s}, nil
}

// WithRunner makes the session's OT extension and RVOLE run their independent parts with run
// (for example ot.Parallel(2)); nil runs them sequentially. Outputs and draw order do not
// depend on it.
func (r *Round1) WithRunner(run ote.Runner) *Round1 {
	r.s.runner = run
	return r
}

// Payload returns this party's S1 payload (98 bytes).
func (r *Round1) Payload() []byte { return bytes.Clone(r.s.own[0]) }

// SetupDigest returns setup_sg.
func (r *Round1) SetupDigest() [32]byte { return r.s.setup }

// Next processes the peer's S1 (§8.2) and runs S2 (§8.3): it stores σ_j and C_j, derives
// sign_sid = H("tandem/v1/sign/sid", setup_sg, σ_0, σ_1), runs the OT-extension receiver
// (§5.1) with ChooserSeeds for correlation (R = i, S = j) and the RVOLE receiver's part 1
// (§6.1), which gives χ_i. It returns the next state and S2 = 01 22 ‖ sign_sid ‖ OTE
// (9,266 bytes).
//
// A payload with a wrong version or type is ignored (an error wrapping engineerr.ErrIgnore;
// r stays usable). A different setup digest aborts with SetupMismatch, no culprit, no lock. A
// keyshare LOCKED meanwhile gives KeyshareLocked.
func (r *Round1) Next(peerS1 []byte) (*Round2, []byte, error) {
	const round = 1
	if r == nil || r.used {
		return nil, nil, engineerr.Consumed(op, round)
	}
	s := r.s
	if err := s.admit(round, peerS1); err != nil {
		if errors.Is(err, engineerr.ErrIgnore) {
			return nil, nil, err
		}
		r.fail()
		return nil, nil, err
	}
	r.used = true
	if isLocked(s.ks) {
		s.wipe()
		return nil, nil, errLocked(round)
	}
	s.peer[0] = bytes.Clone(peerS1)
	copy(s.sigma[s.j][:], peerS1[HeaderSize:])
	copy(s.peerC[:], peerS1[HeaderSize+32:])
	s.sid = transcript.H(transcript.LabelSignSID, s.setup[:], s.sigma[0][:], s.sigma[1][:])

	sess, err := ote.NewSession(s.sid, s.i, s.j)
	if err != nil {
		s.wipe()
		return nil, nil, engineerr.Local(op, round, engineerr.Internal, err)
	}
	out, msg, err := ote.NewReceiver(sess.WithRunner(s.runner), s.ks.ChooserSeeds(), s.rnd)
	if err != nil {
		s.wipe()
		return nil, nil, engineerr.Local(op, round, engineerr.Internal, err)
	}
	recv, chi, err := rvole.NewReceiver(out)
	if err != nil {
		out.Wipe()
		s.wipe()
		return nil, nil, engineerr.Local(op, round, engineerr.Internal, err)
	}
	s.recv = recv
	s.chi.Set(chi)
	*chi = secp.Scalar{}

	s2 := header(TypeS2, &s.sid, len(msg))
	s.own[1] = append(s2, msg...)
	return &Round2{s: s}, bytes.Clone(s.own[1]), nil
}

func (r *Round1) fail() {
	r.used = true
	r.s.wipe()
}
