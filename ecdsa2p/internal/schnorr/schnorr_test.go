package schnorr

import (
	"encoding/hex"
	"errors"
	"testing"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	"github.com/stretchr/testify/require"

	"github.com/tandem-mpc/tandem/ecdsa2p/internal/rng"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/testrng"
	"github.com/tandem-mpc/tandem/internal/secp"
	"github.com/tandem-mpc/tandem/internal/transcript"
)

var nBytes = mustHex("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141")

func mustHex(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

type fixture struct {
	sid   [32]byte
	x     *secp.Scalar
	G, Y  *secp.Point
	proof [ProofSize]byte
}

func newFixture(t testing.TB, seed string) fixture {
	t.Helper()
	r := testrng.New(seed)
	var f fixture
	r.RandomBytes(f.sid[:])
	f.x = r.RandomScalar()
	f.G = secp.NewGeneratorPoint()
	f.Y = new(secp.Point).ScalarBaseMult(f.x)
	var err error
	f.proof, err = Prove("keygen", f.sid, 1, f.G, f.Y, f.x, r)
	require.NoError(t, err)
	return f
}

func TestRoundTrip(t *testing.T) {
	for _, seed := range []string{"a", "b", "c", "d"} {
		f := newFixture(t, seed)
		require.NoError(t, Verify("keygen", f.sid, 1, f.G, f.Y, f.proof[:]))
	}
	// With crypto/rand.
	f := newFixture(t, "e")
	p, err := Prove("refresh", f.sid, 0, f.G, f.Y, f.x, rng.System)
	require.NoError(t, err)
	require.NoError(t, Verify("refresh", f.sid, 0, f.G, f.Y, p[:]))
}

// A base other than G takes the generic path in both Prove and Verify.
func TestOtherBase(t *testing.T) {
	r := testrng.New("other base")
	B := new(secp.Point).ScalarBaseMult(r.RandomScalar())
	x := r.RandomScalar()
	Y := new(secp.Point).ScalarMult(x, B)
	var sid [32]byte
	p, err := Prove("test", sid, 0, B, Y, x, r)
	require.NoError(t, err)
	require.NoError(t, Verify("test", sid, 0, B, Y, p[:]))
	// The same statement under G fails: the base is bound into c and the equation.
	require.ErrorIs(t, Verify("test", sid, 0, secp.NewGeneratorPoint(), Y, p[:]), ErrInvalid)
}

// The proof satisfies s·G = T + c·Y, checked with decred's independent arithmetic.
func TestAgainstDecred(t *testing.T) {
	f := newFixture(t, "decred")
	var T secp256k1.JacobianPoint
	pubT, err := secp256k1.ParsePubKey(f.proof[:33])
	require.NoError(t, err)
	pubT.AsJacobian(&T)
	var s secp256k1.ModNScalar
	require.False(t, s.SetByteSlice(f.proof[33:]), "s overflows")
	ptY, err := f.Y.Bytes()
	require.NoError(t, err)
	ptG, err := f.G.Bytes()
	require.NoError(t, err)
	idx := transcript.U8(1)
	cs := transcript.H2S(transcript.LabelDlog, []byte("keygen"), f.sid[:], idx[:], ptG[:], ptY[:], f.proof[:33]).Bytes()
	var c secp256k1.ModNScalar
	c.SetBytes(&cs)
	pubY, err := secp256k1.ParsePubKey(ptY[:])
	require.NoError(t, err)
	var Y, sG, cY, rhs secp256k1.JacobianPoint
	pubY.AsJacobian(&Y)
	secp256k1.ScalarBaseMultNonConst(&s, &sG)
	secp256k1.ScalarMultNonConst(&c, &Y, &cY)
	secp256k1.AddNonConst(&T, &cY, &rhs)
	sG.ToAffine()
	rhs.ToAffine()
	require.True(t, sG.X.Equals(&rhs.X) && sG.Y.Equals(&rhs.Y))
}

// A known answer computed by this implementation with TestRNG and pinned. It is self-generated,
// not a specification vector: it guards against unintended changes of the transcript.
func TestKnownAnswer(t *testing.T) {
	f := newFixture(t, "tandem/schnorr/kat")
	require.Equal(t,
		"026d5d4996e9ab9ae2b51c1989e0ef420fa45f583759643f4ee81d59d63514b7b8"+
			"4a0cfaf3fa225adbcc8771bf7e0a32523fe0e1b9c213a641179c2edddd16cb13",
		hex.EncodeToString(f.proof[:]))

	// Cross-check the pinned value with decred: the stream is sid (1 block), x (2 blocks),
	// then the nonce k (2 blocks); T = k·G and s = k + c·x.
	r := testrng.New("tandem/schnorr/kat")
	r.Bytes(32)
	x, k := r.Bytes(64), r.Bytes(64)
	wide := func(b []byte) *secp256k1.ModNScalar {
		var hi, lo, v secp256k1.ModNScalar
		hi.SetByteSlice(b[:32])
		lo.SetByteSlice(b[32:])
		var two128 secp256k1.ModNScalar
		two128.SetByteSlice(mustHex("0100000000000000000000000000000000"))
		hi.Mul(&two128).Mul(&two128) // hi·2^256
		return v.Add2(&hi, &lo)
	}
	xd, kd := wide(x), wide(k)
	require.Equal(t, f.x.Bytes(), xd.Bytes())
	var T secp256k1.JacobianPoint
	secp256k1.ScalarBaseMultNonConst(kd, &T)
	T.ToAffine()
	require.Equal(t, f.proof[:33], secp256k1.NewPublicKey(&T.X, &T.Y).SerializeCompressed())
	ptG, _ := f.G.Bytes()
	ptY, _ := f.Y.Bytes()
	idx := transcript.U8(1)
	cb := transcript.H2S(transcript.LabelDlog, []byte("keygen"), f.sid[:], idx[:], ptG[:], ptY[:], f.proof[:33]).Bytes()
	var c, s secp256k1.ModNScalar
	c.SetBytes(&cb)
	s.Mul2(&c, xd).Add(kd)
	sb := s.Bytes()
	require.Equal(t, f.proof[33:], sb[:])
}

func TestNegative(t *testing.T) {
	f := newFixture(t, "negative")
	otherY := new(secp.Point).Add(f.Y, f.G)
	otherSID := f.sid
	otherSID[31] ^= 1
	withT := func(ptT []byte) []byte { return append(append([]byte{}, ptT...), f.proof[33:]...) }
	withS := func(s []byte) []byte { return append(append([]byte{}, f.proof[:33]...), s...) }
	offCurve := make([]byte, 33) // x = 5: 5^3 + 7 = 132 is not a square mod p
	offCurve[0], offCurve[32] = 0x02, 5
	bigX := append([]byte{0x02}, mustHex("fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f")...) // x = p
	ptG, _ := f.G.Bytes()
	sPlusOne := new(secp.Scalar)
	s, err := secp.NewScalar().SetCanonicalBytes(f.proof[33:])
	require.NoError(t, err)
	one := new(secp.Scalar).SetUint64(1)
	sPlusOne.Add(s, one)
	sp1 := sPlusOne.Bytes()
	ff := make([]byte, 32)
	for i := range ff {
		ff[i] = 0xff
	}

	tests := []struct {
		name    string
		purpose string
		sid     [32]byte
		idx     uint8
		B, Y    *secp.Point
		proof   []byte
		want    error
	}{
		{"wrong purpose", "refresh", f.sid, 1, f.G, f.Y, f.proof[:], ErrInvalid},
		{"wrong sid", "keygen", otherSID, 1, f.G, f.Y, f.proof[:], ErrInvalid},
		{"wrong idx", "keygen", f.sid, 0, f.G, f.Y, f.proof[:], ErrInvalid},
		{"wrong Y", "keygen", f.sid, 1, f.G, otherY, f.proof[:], ErrInvalid},
		{"Y identity", "keygen", f.sid, 1, f.G, secp.NewIdentityPoint(), f.proof[:], ErrIdentity},
		{"B identity", "keygen", f.sid, 1, secp.NewIdentityPoint(), f.Y, f.proof[:], ErrIdentity},
		{"s+1", "keygen", f.sid, 1, f.G, f.Y, withS(sp1[:]), ErrInvalid},
		{"s = n", "keygen", f.sid, 1, f.G, f.Y, withS(nBytes), ErrMalformed},
		{"s = 2^256-1", "keygen", f.sid, 1, f.G, f.Y, withS(ff), ErrMalformed},
		{"T = G", "keygen", f.sid, 1, f.G, f.Y, withT(ptG[:]), ErrInvalid},
		{"T not on curve", "keygen", f.sid, 1, f.G, f.Y, withT(offCurve), ErrMalformed},
		{"T x = p", "keygen", f.sid, 1, f.G, f.Y, withT(bigX), ErrMalformed},
		{"T identity byte", "keygen", f.sid, 1, f.G, f.Y, withT(make([]byte, 33)), ErrMalformed},
		{"T prefix 04", "keygen", f.sid, 1, f.G, f.Y, withT(append([]byte{4}, f.proof[1:33]...)), ErrMalformed},
		{"T other parity", "keygen", f.sid, 1, f.G, f.Y, withT(append([]byte{f.proof[0] ^ 1}, f.proof[1:33]...)), ErrInvalid},
		{"short", "keygen", f.sid, 1, f.G, f.Y, f.proof[:64], ErrMalformed},
		{"long", "keygen", f.sid, 1, f.G, f.Y, append(f.proof[:], 0), ErrMalformed},
		{"empty", "keygen", f.sid, 1, f.G, f.Y, nil, ErrMalformed},
		{"identity 1-byte encoding", "keygen", f.sid, 1, f.G, f.Y, append([]byte{0}, make([]byte, 64)...)[:65], ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Verify(tt.purpose, tt.sid, tt.idx, tt.B, tt.Y, tt.proof)
			require.ErrorIs(t, err, tt.want)
		})
	}
}

// Every single-bit flip of a valid proof is rejected, as malformed or invalid.
func TestBitFlips(t *testing.T) {
	f := newFixture(t, "flips")
	for i := range ProofSize * 8 {
		p := f.proof
		p[i/8] ^= 1 << (i % 8)
		err := Verify("keygen", f.sid, 1, f.G, f.Y, p[:])
		require.Error(t, err, "bit %d", i)
		require.True(t, errors.Is(err, ErrInvalid) || errors.Is(err, ErrMalformed), "bit %d: %v", i, err)
	}
}

func TestProveErrors(t *testing.T) {
	r := testrng.New("prove errors")
	x := r.RandomScalar()
	G := secp.NewGeneratorPoint()
	var sid [32]byte
	_, err := Prove("p", sid, 0, G, secp.NewIdentityPoint(), x, r)
	require.ErrorIs(t, err, ErrIdentity)
	_, err = Prove("p", sid, 0, secp.NewIdentityPoint(), G, x, r)
	require.ErrorIs(t, err, ErrIdentity)
}

// Prove draws exactly one RandomScalar (two TestRNG blocks when the first draw is non-zero).
func TestProveDraws(t *testing.T) {
	r := testrng.New("draws")
	x := r.RandomScalar()
	Y := new(secp.Point).ScalarBaseMult(x)
	before := r.Blocks()
	_, err := Prove("p", [32]byte{}, 0, secp.NewGeneratorPoint(), Y, x, r)
	require.NoError(t, err)
	require.Equal(t, before+2, r.Blocks())
}

func FuzzVerify(f *testing.F) {
	fx := newFixture(f, "fuzz")
	f.Add(fx.proof[:], uint8(1))
	f.Add(make([]byte, 65), uint8(0))
	f.Add([]byte{2}, uint8(1))
	f.Fuzz(func(t *testing.T, proof []byte, idx uint8) {
		err := Verify("keygen", fx.sid, idx, fx.G, fx.Y, proof)
		if err == nil && (idx != 1 || string(proof) != string(fx.proof[:])) {
			// Another valid proof would need the discrete log; a fuzzer cannot find one.
			t.Fatalf("accepted a proof the fuzzer made up")
		}
		if err != nil && !errors.Is(err, ErrInvalid) && !errors.Is(err, ErrMalformed) {
			t.Fatalf("unexpected error class: %v", err)
		}
	})
}

func BenchmarkSchnorrProve(b *testing.B) {
	f := newFixture(b, "bench")
	r := testrng.New("bench prove")
	b.ReportAllocs()
	for b.Loop() {
		_, _ = Prove("keygen", f.sid, 1, f.G, f.Y, f.x, r)
	}
}

func BenchmarkSchnorrVerify(b *testing.B) {
	f := newFixture(b, "bench")
	b.ReportAllocs()
	for b.Loop() {
		if err := Verify("keygen", f.sid, 1, f.G, f.Y, f.proof[:]); err != nil {
			b.Fatal(err)
		}
	}
}
