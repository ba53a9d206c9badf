package schnorr

import (
	"errors"
	"fmt"

	"github.com/tandem-mpc/tandem/ecdsa2p/internal/rng"
	"github.com/tandem-mpc/tandem/internal/secp"
	"github.com/tandem-mpc/tandem/internal/transcript"
)

// ProofSize is the length of an encoded proof π = pt(T) ‖ sc(s).
const ProofSize = 33 + 32

// Errors returned by [Prove] and [Verify]. [ErrMalformed] and [ErrIdentity] describe inputs
// that do not parse (PROTOCOL.md §10.1 rule 8, MalformedPayload); [ErrInvalid] is a proof that
// parses but does not verify (§10.2, SchnorrProofInvalid). Returned errors wrap one of these.
var (
	// ErrMalformed: the proof is not 65 bytes, T is not a valid point encoding, or s ≥ n.
	ErrMalformed = errors.New("schnorr: malformed proof")
	// ErrIdentity: the statement Y or the base B is the identity, or the prover's commitment
	// T is (which happens only with negligible probability).
	ErrIdentity = errors.New("schnorr: identity point")
	// ErrInvalid: the verification equation s·B = T + c·Y does not hold.
	ErrInvalid = errors.New("schnorr: proof does not verify")
)

// Prove returns a proof π = pt(T) ‖ sc(s) that the prover knows x with Y = x·B, bound to the
// purpose string, the 32-byte session id and the prover index idx (PROTOCOL.md §2.9):
//
//	k = RandomScalar();  T = k·B
//	c = H2S("tandem/v1/dlog", purpose, sid, u8(idx), pt(B), pt(Y), pt(T))
//	s = k + c·x mod n
//
// It draws exactly one RandomScalar from rnd. The nonce k and x are secret and handled in
// constant time; Y is not checked against x. It fails with [ErrIdentity] if B, Y or T is the
// identity.
func Prove(purpose string, sid [32]byte, idx uint8, B, Y *secp.Point, x *secp.Scalar, rnd rng.Source) ([ProofSize]byte, error) {
	var proof [ProofSize]byte
	k := rnd.RandomScalar()
	defer func() { *k = secp.Scalar{} }()
	T := new(secp.Point)
	if B.Equal(secp.NewGeneratorPoint()) == 1 {
		T.ScalarBaseMult(k)
	} else {
		T.ScalarMult(k, B)
	}
	ptB, ptY, ptT, err := encodePoints(B, Y, T)
	if err != nil {
		return proof, fmt.Errorf("schnorr: prove: %w", err)
	}
	c := challenge(purpose, &sid, idx, &ptB, &ptY, &ptT)
	s := secp.NewScalar().Mul(c, x)
	s.Add(s, k)
	sb := s.Bytes()
	*s = secp.Scalar{}
	copy(proof[:33], ptT[:])
	copy(proof[33:], sb[:])
	return proof, nil
}

// Verify checks a proof produced by [Prove] for Y = x·B under the same purpose, sid and idx
// (PROTOCOL.md §2.9). It requires Y ≠ O, a 65-byte proof whose T decodes to a valid point and
// whose s is canonical (< n), and then s·B = T + c·Y. All inputs are public; it runs in
// variable time.
func Verify(purpose string, sid [32]byte, idx uint8, B, Y *secp.Point, proof []byte) error {
	if len(proof) != ProofSize {
		return fmt.Errorf("%w: %d bytes, want %d", ErrMalformed, len(proof), ProofSize)
	}
	T, err := new(secp.Point).SetBytes(proof[:33])
	if err != nil {
		return fmt.Errorf("%w: commitment T: %v", ErrMalformed, err)
	}
	s, err := secp.NewScalar().SetCanonicalBytes(proof[33:])
	if err != nil {
		return fmt.Errorf("%w: response s: %v", ErrMalformed, err)
	}
	ptB, ptY, ptT, err := encodePoints(B, Y, T)
	if err != nil {
		return fmt.Errorf("schnorr: verify: %w", err)
	}
	c := challenge(purpose, &sid, idx, &ptB, &ptY, &ptT)

	// T + c·Y = s·B  ⇔  T = s·B − c·Y.
	negC := secp.NewScalar().Negate(c)
	var rhs *secp.Point
	if B.Equal(secp.NewGeneratorPoint()) == 1 {
		rhs = new(secp.Point).VarTimeDoubleScalarBaseMult(s, negC, Y)
	} else {
		sB := new(secp.Point).ScalarMult(s, B)
		rhs = new(secp.Point).Add(sB, new(secp.Point).ScalarMult(negC, Y))
	}
	if rhs.Equal(T) != 1 {
		return ErrInvalid
	}
	return nil
}

// encodePoints returns pt(B), pt(Y), pt(T), or ErrIdentity if one of them is O.
func encodePoints(B, Y, T *secp.Point) (ptB, ptY, ptT [33]byte, err error) {
	var e error
	if ptB, e = B.Bytes(); e != nil {
		return ptB, ptY, ptT, fmt.Errorf("%w: base B", ErrIdentity)
	}
	if ptY, e = Y.Bytes(); e != nil {
		return ptB, ptY, ptT, fmt.Errorf("%w: statement Y", ErrIdentity)
	}
	if ptT, e = T.Bytes(); e != nil {
		return ptB, ptY, ptT, fmt.Errorf("%w: commitment T", ErrIdentity)
	}
	return ptB, ptY, ptT, nil
}

// challenge is c = H2S("tandem/v1/dlog", purpose, sid, u8(idx), pt(B), pt(Y), pt(T)).
func challenge(purpose string, sid *[32]byte, idx uint8, ptB, ptY, ptT *[33]byte) *secp.Scalar {
	u8 := transcript.U8(idx)
	return transcript.H2S(transcript.LabelDlog, []byte(purpose), sid[:], u8[:], ptB[:], ptY[:], ptT[:])
}
