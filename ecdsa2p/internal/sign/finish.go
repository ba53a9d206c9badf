package sign

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/tandem-mpc/tandem/ecdsa2p/internal/bip32"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/engineerr"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/keyshare"
	"github.com/tandem-mpc/tandem/internal/secp"
	"github.com/tandem-mpc/tandem/internal/transcript"
)

// finishRound is the round number Finish's errors carry (S4).
const finishRound = 4

// Signature is the result of [Round4.Next]: a low-s ECDSA signature (r, s) with its recovery
// id, verified under Key before it was returned. Public.
type Signature struct {
	R, S  [32]byte
	RecID uint8    // y(R′) parity | 2 if x(R′) ≥ n, after the low-s flip
	Key   [33]byte // pt(Q′)
	// RPrime is pt(R′), the re-randomised nonce point (r = x(R′) mod n).
	RPrime [33]byte
	// Promote is set when the keyshare that signed is PENDING: this successful Finish is the
	// one that makes its generation ACTIVE (§7.4, §9.1). The caller promotes it
	// (keyshare.Generations.Promote) and persists the result; Finish changes no status bit.
	Promote bool
}

// Round4 is the Finish state after S4 was built: it waits for the peer's S4. Single-use.
// Secret (it holds this party's w_i and u′_i until the peer's S4 arrives).
type Round4 struct {
	ks      *keyshare.Keyshare
	j       uint8
	sid     [32]byte
	e       [32]byte
	eS      secp.Scalar
	r       secp.Scalar
	Qp      *secp.Point
	ptQp    [33]byte
	Rp      *secp.Point // R′
	w, uP   secp.Scalar // w_i, u′_i
	payload []byte
	used    bool
}

// Finish runs this party's S4 of PROTOCOL.md §8.6 on the pre-signature p, which it consumes,
// and the 32-byte digest eBytes that this party computed itself:
//
//  1. under the keyshare's lock mutex: ks is not LOCKED (KeyshareLocked), p belongs to ks and
//     its Q′ is what ks and p's path derive (Internal otherwise), p is not CONSUMED
//     (PresignatureConsumed); then p is marked CONSUMED and its secrets zeroed, before S4 is
//     built — the caller persists that before S4 leaves the device (§8.8);
//  2. e = int(e_bytes) mod n;
//  3. δ_R = H2S("tandem/v1/sign/rerandomize", sign_sid, pt(R), e_bytes), R′ = R + δ_R·G,
//     r = x(R′) mod n (R′ = O or r = 0: DegenerateNonce, LOCK);
//  4. u′_i = u_i + δ_R·φ_i and w_i = e·φ_i + r·v_i;
//
// and, after re-checking LOCKED, returns S4 = 01 24 ‖ sign_sid ‖ e_bytes ‖ sc(w_i) ‖ sc(u′_i)
// (130 bytes) with the state that waits for the peer's S4.
func Finish(ks *keyshare.Keyshare, p *Presignature, eBytes [32]byte) (*Round4, []byte, error) {
	if ks == nil || p == nil {
		return nil, nil, engineerr.Local(op, finishRound, engineerr.Internal, errors.New("a keyshare and a pre-signature are required"))
	}
	mu := ks.LockMutex()
	mu.Lock()
	defer mu.Unlock()
	if lockedLocked(ks) {
		return nil, nil, errLocked(finishRound)
	}
	if p.consumed {
		return nil, nil, engineerr.Local(op, finishRound, engineerr.PresignatureConsumed, errors.New("the pre-signature was already used"))
	}
	if p.shareID != ks.ShareID() || p.keyID != ks.KeyID() || p.index != ks.Index() {
		return nil, nil, engineerr.Local(op, finishRound, engineerr.Internal, errors.New("the pre-signature belongs to another keyshare generation or party"))
	}
	child, err := bip32.Derive(ks.PublicKey(), ks.ChainCode(), p.path)
	if err != nil || child.Key != p.ptQp {
		return nil, nil, engineerr.Local(op, finishRound, engineerr.Internal, errors.New("Q′ does not match the keyshare and path"))
	}
	Qp, err := new(secp.Point).SetBytes(p.ptQp[:])
	if err != nil {
		return nil, nil, engineerr.Local(op, finishRound, engineerr.Internal, err)
	}
	R, err := new(secp.Point).SetBytes(p.ptR[:])
	if err != nil {
		return nil, nil, engineerr.Local(op, finishRound, engineerr.Internal, err)
	}
	phi, u, v := p.consume()
	defer func() { phi, u, v = secp.Scalar{}, secp.Scalar{}, secp.Scalar{} }()

	s := &Round4{ks: ks, j: 1 - p.index, sid: p.signSID, e: eBytes, Qp: Qp, ptQp: p.ptQp}
	if _, err := s.eS.SetBytesReduce32(eBytes[:]); err != nil {
		return nil, nil, engineerr.Local(op, finishRound, engineerr.Internal, err)
	}
	deltaR := transcript.H2S(transcript.LabelSignRerandomize, p.signSID[:], p.ptR[:], eBytes[:])
	s.Rp = new(secp.Point).Add(R, new(secp.Point).ScalarBaseMult(deltaR))
	r, err := s.Rp.XScalar()
	if err != nil || r.IsZero() == 1 {
		return nil, nil, lockAndFail(ks, engineerr.Peer(op, finishRound, engineerr.DegenerateNonce, int(s.j), errors.New("R′ = O or r = 0")))
	}
	s.r.Set(r)
	s.uP.Mul(deltaR, &phi)
	s.uP.Add(&s.uP, &u)
	s.w.Mul(&s.eS, &phi)
	t := secp.NewScalar().Mul(&s.r, &v)
	s.w.Add(&s.w, t)
	*t = secp.Scalar{}

	if lockedLocked(ks) { // §10.3(2): re-check right before S4 leaves
		return nil, nil, errLocked(finishRound)
	}
	w, uP := s.w.Bytes(), s.uP.Bytes()
	s4 := header(TypeS4, &s.sid, SizeS4-HeaderSize)
	s4 = append(s4, eBytes[:]...)
	s4 = append(s4, w[:]...)
	s4 = append(s4, uP[:]...)
	s.payload = s4
	return s, bytes.Clone(s4), nil
}

// Payload returns this party's S4 payload.
func (r *Round4) Payload() []byte { return bytes.Clone(r.payload) }

// admit classifies the peer's S4 (§10.1): wrong version, type or binding is ignored; a wrong
// length is MalformedPayload (no lock).
func (r *Round4) admit(p []byte) error {
	if len(p) < HeaderSize || p[0] != Version {
		return engineerr.Ignored(op, finishRound, "short payload or unknown version")
	}
	if p[1] != TypeS4 {
		return engineerr.Ignored(op, finishRound, fmt.Sprintf("type 0x%02x is not an S4 payload", p[1]))
	}
	if !bytes.Equal(p[2:HeaderSize], r.sid[:]) {
		return engineerr.Ignored(op, finishRound, "wrong session binding")
	}
	if len(p) != SizeS4 {
		return engineerr.Peer(op, finishRound, engineerr.MalformedPayload, int(r.j), fmt.Errorf("%d bytes, want %d", len(p), SizeS4))
	}
	return nil
}

// Next processes the peer's S4 (§8.6, "On the peer's S4"):
//
//  1. binding = sign_sid (else ignored); length 130, w_j and u′_j canonical (MalformedPayload);
//  2. e_bytes_j = e_bytes, else MessageMismatch (no culprit, no lock; the pre-signature is burned);
//  3. W = w_0 + w_1, U = u′_0 + u′_1; U = 0: DegenerateSignature, LOCK;
//  4. s = W·U⁻¹; s = 0: DegenerateSignature, LOCK;
//  5. recid = (y(R′) mod 2) | (2 if x(R′) ≥ n); if s > (n−1)/2, s = n − s and recid ^= 1;
//  6. verify (r, s) on e under Q′: R″ = s⁻¹e·G + s⁻¹r·Q′ ≠ O and x(R″) mod n = r, else
//     SignatureVerifyFailed, blame the peer, LOCK;
//  7. return (r, s, recid) and Q′, with Promote set if the keyshare is PENDING (§7.4).
func (r *Round4) Next(peerS4 []byte) (*Signature, error) {
	if r == nil || r.used {
		return nil, engineerr.Consumed(op, finishRound)
	}
	if err := r.admit(peerS4); err != nil {
		if errors.Is(err, engineerr.ErrIgnore) {
			return nil, err
		}
		r.fail()
		return nil, err
	}
	r.used = true
	defer r.fail()
	j := int(r.j)
	wj, err := secp.NewScalar().SetCanonicalBytes(peerS4[s4W:s4U])
	if err != nil {
		return nil, engineerr.Peer(op, finishRound, engineerr.MalformedPayload, j, fmt.Errorf("w_j: %w", err))
	}
	uj, err := secp.NewScalar().SetCanonicalBytes(peerS4[s4U:])
	if err != nil {
		return nil, engineerr.Peer(op, finishRound, engineerr.MalformedPayload, j, fmt.Errorf("u′_j: %w", err))
	}
	if !bytes.Equal(peerS4[s4E:s4W], r.e[:]) {
		return nil, engineerr.Local(op, finishRound, engineerr.MessageMismatch, errors.New("the peer signs another digest"))
	}
	W := secp.NewScalar().Add(&r.w, wj)
	U := secp.NewScalar().Add(&r.uP, uj)
	if U.IsZero() == 1 {
		return nil, lockAndFailTaking(r.ks, engineerr.Peer(op, finishRound, engineerr.DegenerateSignature, j, errors.New("U = 0")))
	}
	s := secp.NewScalar().Mul(W, secp.NewScalar().Invert(U))
	if s.IsZero() == 1 {
		return nil, lockAndFailTaking(r.ks, engineerr.Peer(op, finishRound, engineerr.DegenerateSignature, j, errors.New("s = 0")))
	}
	ptRp, err := r.Rp.Bytes()
	if err != nil {
		return nil, engineerr.Local(op, finishRound, engineerr.Internal, err)
	}
	_, recid, err := recoveryID(r.Rp)
	if err != nil {
		return nil, engineerr.Local(op, finishRound, engineerr.Internal, err)
	}
	if s.IsHigh() {
		s.Negate(s)
		recid ^= 1
	}
	if _, ok := Verify(r.Qp, &r.eS, &r.r, s); !ok {
		return nil, lockAndFailTaking(r.ks, engineerr.Peer(op, finishRound, engineerr.SignatureVerifyFailed, j, nil))
	}
	mu := r.ks.LockMutex()
	mu.Lock()
	pending := r.ks.Pending()
	mu.Unlock()
	return &Signature{R: r.r.Bytes(), S: s.Bytes(), RecID: recid, Key: r.ptQp, RPrime: ptRp, Promote: pending}, nil
}

func (r *Round4) fail() {
	r.used = true
	r.w, r.uP = secp.Scalar{}, secp.Scalar{}
}

// nBytes is the group order n, big-endian.
var nBytes = [32]byte{
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,
	0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41,
}

// recoveryID returns r = x(R′) mod n and recid = (y(R′) mod 2) | (2 if x(R′) ≥ n) (§8.6 step 5,
// before the low-s flip). R′ is public; variable time.
func recoveryID(Rp *secp.Point) (*secp.Scalar, uint8, error) {
	enc, err := Rp.Bytes()
	if err != nil {
		return nil, 0, err
	}
	r, err := Rp.XScalar()
	if err != nil {
		return nil, 0, err
	}
	recid := enc[0] & 1 // 0x02 even, 0x03 odd
	if bytes.Compare(enc[1:], nBytes[:]) >= 0 {
		recid |= 2
	}
	return r, recid, nil
}

// Verify is an ordinary ECDSA verification of (r, s) on e under Q (§8.6 step 6): it
// returns whether R = (e/s)·G + (r/s)·Q has x(R) ≡ r, and R's recovery id (y parity, | 2 if
// x(R) ≥ n). Public inputs, variable time.
func Verify(Q *secp.Point, e, r, s *secp.Scalar) (recid uint8, ok bool) {
	if r.IsZero() == 1 || s.IsZero() == 1 {
		return 0, false
	}
	sInv := secp.NewScalar().Invert(s)
	a := secp.NewScalar().Mul(e, sInv)
	b := secp.NewScalar().Mul(r, sInv)
	R := new(secp.Point).VarTimeDoubleScalarBaseMult(a, b, Q)
	x, recid, err := recoveryID(R)
	if err != nil || x.Equal(r) != 1 {
		return 0, false
	}
	return recid, true
}
