package rvole

import (
	"crypto/sha256"
	"encoding/hex"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tandem-mpc/tandem/ecdsa2p/internal/ot"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/ote"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/schnorr"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/testrng"
	"github.com/tandem-mpc/tandem/internal/secp"
)

// The sign-1 vector of PROTOCOL.md §12.4(d)/(e), with the keygen it builds on.
const (
	katSIDKG   = "00d477a6b1c34d0fdadd38a5c852e3d028d6a5c2465cb1181d8aed82794152a8"
	katSignSID = "e55350055c657b9e04a8654cf9e61c0c67c372eb8a918c4dfbcc1defb634d47e"
	katX0      = "a5590c5918494d3b0f6a8d2d8896d96ee185645f58038625045bedba335cb067"
	katX1      = "649bcfcdefbb7b913885b8648001d5e5b3d3144ba18f5ebf2b5c74742d217a95"
	katDelta   = "2d1f3ce2f7ae762d1ee71d147b88dd0c05f3183f1163d73cd624a2e76909961c" // δ of m/0/1

	katSIDRF    = "fd139a535d9d724e47189f1c476792d9efc9aebc3936410196679bed63456cca"
	katTau      = "77d75315ec1ba78d33647796aab29c0682a33563e38b93c8a4a59c9ce6969168"
	katSignSID2 = "d0f8a108e306136f9f2a95939ef0ed3e4eab942a97c95827bbede1a4a4c03f89"
)

// katSign2 are the §12.4(e) hashes of sign 2 (after the refresh, path m).
var katSign2 = [2]struct{ ote, rv string }{
	{"1edccf7748cdcd07bdcd950fd7a9f772a1252fc13d50dc7fffe95935a62221c5", "d3e25ba2d8d2a73eaaf43e5555b47da345ab52ccdc0da01d62cb5d47195b339a"},
	{"e16c68740aebe9c021df1f5f84a44e81cc3ecabd7d23eeee9d3dc0f8b1fff2f7", "335717884b382e64216dcda813cdf3139e28e6c8ffb8e33ace1c3c2ac241e4a6"},
}

// katSign1 are the §12.4(e) hashes of the S2 OTE and S3 RV slices, per party.
var katSign1 = [2]struct{ ote, rv string }{
	{"dc110b28a95bf66c49c6a2652ee93734f0e7a86b1759079ef4fdce245d3adf9a", "13344f5275b59a6536e26e0d31acbb2ce7b70c8bb8e620389ce498019af84618"},
	{"c5b5b03c7022dc58858dc380d1cc1c2a48076791371b8b8fae02af4734d5d2b8", "30a7aa1bf016d2c2aee39f3de13d56105a0ee9594a83ab41d307dec4aaa05767"},
}

func unhex32(t testing.TB, s string) [32]byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	require.NoError(t, err)
	require.Len(t, b, 32)
	return [32]byte(b)
}

func unhexScalar(t testing.TB, s string) *secp.Scalar {
	t.Helper()
	b := unhex32(t, s)
	v, err := secp.NewScalar().SetCanonicalBytes(b[:])
	require.NoError(t, err)
	return v
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// katKeygenSeeds reruns the keygen vector's OT layer with package ot (K1 draws and the Schnorr
// nonce first, then the base OTs and the PPRF, PROTOCOL.md §7) and returns each party's
// ChooserSeeds and DeltaSeeds.
func katKeygenSeeds(t *testing.T) (cs [2]*ot.ChooserSeeds, ds [2]*ot.DeltaSeeds) {
	t.Helper()
	sidKG := unhex32(t, katSIDKG)
	return katSeeds(t, sidKG, [2]string{"kat/keygen/0", "kat/keygen/1"}, func(i int, r *testrng.RNG) {
		r.RandomBytes(make([]byte, 32)) // σ_i
		x := r.RandomScalar()           // x_i
		r.RandomBytes(make([]byte, 32)) // cc_i
		r.RandomBytes(make([]byte, 32)) // ω_i
		X := new(secp.Point).ScalarBaseMult(x)
		_, err := schnorr.Prove("keygen", sidKG, uint8(i), secp.NewGeneratorPoint(), X, x, r)
		require.NoError(t, err)
		xb := x.Bytes()
		require.Equal(t, []string{katX0, katX1}[i], hex.EncodeToString(xb[:]))
	})
}

// katRefreshSeeds reruns the refresh vector's OT layer: σ_i and ζ_i are drawn first (§9.1).
func katRefreshSeeds(t *testing.T) (cs [2]*ot.ChooserSeeds, ds [2]*ot.DeltaSeeds) {
	t.Helper()
	return katSeeds(t, unhex32(t, katSIDRF), [2]string{"kat/refresh/0", "kat/refresh/1"}, func(_ int, r *testrng.RNG) {
		r.RandomBytes(make([]byte, 32)) // σ_i
		_ = r.RandomScalar()            // ζ_i
	})
}

// katSeeds runs both directions' base OTs and PPRFs under parentSID, after the draws of pre.
func katSeeds(t *testing.T, parentSID [32]byte, seeds [2]string, pre func(i int, r *testrng.RNG)) (cs [2]*ot.ChooserSeeds, ds [2]*ot.DeltaSeeds) {
	t.Helper()
	var rngs [2]*testrng.RNG
	var recvs [2]*ot.BaseOTReceiver
	var msg1, msg2, pprf [2][]byte
	var sends [2]*ot.SenderOutputs
	for i := range 2 {
		r := testrng.New(seeds[i])
		rngs[i] = r
		pre(i, r)
		c, err := ot.NewCorrelation(parentSID, uint8(1-i), uint8(i))
		require.NoError(t, err)
		recvs[i], msg1[i], err = ot.NewBaseOTReceiver(c, r, nil)
		require.NoError(t, err)
	}
	for i := range 2 {
		c, err := ot.NewCorrelation(parentSID, uint8(i), uint8(1-i))
		require.NoError(t, err)
		sends[i], msg2[i], err = ot.NewBaseOTSender(c, msg1[1-i], rngs[i], nil)
		require.NoError(t, err)
		cs[i], pprf[i], err = sends[i].BuildPPRF(nil)
		require.NoError(t, err)
	}
	for i := range 2 {
		out, err := recvs[i].Finish(msg2[1-i], nil)
		require.NoError(t, err)
		ds[i], err = out.EvalPPRF(pprf[1-i], nil)
		require.NoError(t, err)
	}
	return cs, ds
}

// TestKnownAnswerSign1 reproduces the sign-1 sub-payload hashes of PROTOCOL.md §12.4(e): each
// party's S2 OTE and S3 RV, from the keygen vector's seeds and the sign RNG streams with the
// S1 draws (σ_i, r_i, φ_i, ω_i, §8.2) consumed first. It then finishes both RVOLEs and checks
// c + d = a·χ across the parties.
func TestKnownAnswerSign1(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("reruns the keygen base OTs; sequential code, nothing for the race detector")
	}
	cs, ds := katKeygenSeeds(t)
	delta := unhexScalar(t, katDelta)
	skPrime := [2]*secp.Scalar{secp.NewScalar().Add(unhexScalar(t, katX0), delta), unhexScalar(t, katX1)}
	katSign(t, cs, ds, unhex32(t, katSignSID), [2]string{"kat/sign/0", "kat/sign/1"}, skPrime, katSign1)
}

// TestKnownAnswerSign2 is the same for sign 2, after the refresh: new seeds from the refresh
// vector, shares x_0 + τ and x_1 − τ (§9.1), path m (no tweak).
func TestKnownAnswerSign2(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("reruns the refresh base OTs; sequential code, nothing for the race detector")
	}
	cs, ds := katRefreshSeeds(t)
	tau := unhexScalar(t, katTau)
	skPrime := [2]*secp.Scalar{
		secp.NewScalar().Add(unhexScalar(t, katX0), tau),
		secp.NewScalar().Sub(unhexScalar(t, katX1), tau),
	}
	katSign(t, cs, ds, unhex32(t, katSignSID2), [2]string{"kat/sign2/0", "kat/sign2/1"}, skPrime, katSign2)
}

func katSign(t *testing.T, cs [2]*ot.ChooserSeeds, ds [2]*ot.DeltaSeeds, signSID [32]byte, seeds [2]string,
	skPrime [2]*secp.Scalar, want [2]struct{ ote, rv string }) {
	t.Helper()
	var rngs [2]*testrng.RNG
	var nonce [2]*secp.Scalar
	var recv [2]*Receiver
	var chi [2]*secp.Scalar
	var oteMsg [2][]byte
	for i := range 2 {
		r := testrng.New(seeds[i])
		rngs[i] = r
		r.RandomBytes(make([]byte, 32)) // σ_i
		nonce[i] = r.RandomScalar()     // r_i
		_ = r.RandomScalar()            // φ_i
		r.RandomBytes(make([]byte, 32)) // ω_i
		sess, err := ote.NewSession(signSID, uint8(i), uint8(1-i))
		require.NoError(t, err)
		out, msg, err := ote.NewReceiver(sess, cs[i], r)
		require.NoError(t, err)
		oteMsg[i] = msg
		assert.Equal(t, want[i].ote, sha(msg), "S2 P%d OTE", i+1)
		recv[i], chi[i], err = NewReceiver(out)
		require.NoError(t, err)
	}
	var rv [2][]byte
	var c [2][2]*secp.Scalar
	for i := range 2 {
		sess, err := ote.NewSession(signSID, uint8(1-i), uint8(i))
		require.NoError(t, err)
		snd, err := ote.NewSender(sess, ds[i])
		require.NoError(t, err)
		out, err := snd.Extend(oteMsg[1-i])
		require.NoError(t, err)
		rv[i], c[i][0], c[i][1], err = Send(out, nonce[i], skPrime[i], rngs[i])
		require.NoError(t, err)
		assert.Equal(t, want[i].rv, sha(rv[i]), "S3 P%d RV", i+1)
	}
	for i := range 2 {
		m, err := recv[i].ParseMessage(rv[1-i])
		require.NoError(t, err)
		d0, d1, err := recv[i].Finish(m)
		require.NoError(t, err)
		// The peer's RVOLE with receiver i: c^(j)_k + d^(i)_k = a^(j)_k·χ_i.
		j := 1 - i
		for k, pair := range [][2]*secp.Scalar{{d0, nonce[j]}, {d1, skPrime[j]}} {
			sum := secp.NewScalar().Add(c[j][k], pair[0])
			want := secp.NewScalar().Mul(pair[1], chi[i])
			require.Equal(t, 1, sum.Equal(want), "receiver %d, k=%d", i, k)
		}
	}
}
