package rvole

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tandem-mpc/tandem/ecdsa2p/internal/ote"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/ote/modn"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/testrng"
	"github.com/tandem-mpc/tandem/internal/transcript"
)

var update = flag.Bool("update", false, "rewrite testdata/rvole/*.json")

const (
	vectorDir  = "../../../testdata/rvole"
	vectorFile = "rvole.json"
	regenerate = "go test ./ecdsa2p/internal/rvole -run TestGenerate -update"
)

// rvoleVector is one case of testdata/rvole/rvole.json: the RVOLE of PROTOCOL.md §6 on fixed
// pads, without the OT extension. The pads are the §12.5 TestRNG stream pads_rng:
// α0_{j,k} = RandomScalar() for j = 0..511, k = 0..2 in order, then α1_{j,k} likewise, then
// β′ = RandomBytes(80); the receiver's pads are α_j = α1_j if β_j = 1 and α0_j otherwise.
// a_0, a_1 and η̂ are given.
type rvoleVector struct {
	Description string    `json:"description"`
	SignSID     string    `json:"sign_sid"`
	R           uint8     `json:"R"`
	S           uint8     `json:"S"`
	SIDOTE      string    `json:"sid_ote"`
	PadsRNG     string    `json:"pads_rng"`
	A0          string    `json:"a0"`
	A1          string    `json:"a1"`
	EtaHat      string    `json:"eta_hat"`
	BetaPrime   string    `json:"beta_prime"`
	Gadget0     string    `json:"g_0"`
	Gadget511   string    `json:"g_511"`
	Chi         string    `json:"chi"`
	ATilde0     [3]string `json:"atilde_j0"`
	D           string    `json:"D"`
	Theta       [2]string `json:"theta"`
	Eta         string    `json:"eta"`
	Mu          string    `json:"mu"`
	RVSHA256    string    `json:"rv_sha256"`
	C           [2]string `json:"c"`
	DShares     [2]string `json:"d"`
}

type rvoleVectors struct {
	Description string        `json:"description"`
	Regenerate  string        `json:"regenerate"`
	Cases       []rvoleVector `json:"cases"`
}

func unhexModn(t testing.TB, s string) modn.Scalar {
	t.Helper()
	b, err := hex.DecodeString(s)
	require.NoError(t, err)
	require.Len(t, b, 32)
	v, ok := modn.FromCanonical((*[32]byte)(b))
	require.Equal(t, 1, ok)
	return v
}

func hexModn(s *modn.Scalar) string {
	b := s.Bytes()
	return hex.EncodeToString(b[:])
}

// vectorPads draws the fixed pads and choices of a case.
func vectorPads(name string) (alpha0, alpha1, alpha *[ote.OTs][ote.Width]modn.Scalar, beta *[ote.ChoiceBytes]byte) {
	r := testrng.New(name)
	alpha0, alpha1, alpha = new([ote.OTs][ote.Width]modn.Scalar), new([ote.OTs][ote.Width]modn.Scalar), new([ote.OTs][ote.Width]modn.Scalar)
	for _, p := range []*[ote.OTs][ote.Width]modn.Scalar{alpha0, alpha1} {
		for j := range p {
			for k := range p[j] {
				p[j][k] = modn.FromSecp(r.RandomScalar())
			}
		}
	}
	beta = new([ote.ChoiceBytes]byte)
	r.RandomBytes(beta[:])
	for j := range alpha {
		if (beta[j>>3]>>(j&7))&1 == 1 {
			alpha[j] = alpha1[j]
		} else {
			alpha[j] = alpha0[j]
		}
	}
	return alpha0, alpha1, alpha, beta
}

// runVector runs the case's RVOLE on its fixed pads and returns the sender's message and the
// completed case.
func runVector(t testing.TB, v rvoleVector) ([]byte, rvoleVector) {
	t.Helper()
	signSID, err := hex.DecodeString(v.SignSID)
	require.NoError(t, err)
	sess, err := ote.NewSession([32]byte(signSID), v.R, v.S)
	require.NoError(t, err)
	sid := sess.ID()
	alpha0, alpha1, alpha, beta := vectorPads(v.PadsRNG)
	inputs := [ote.Width]modn.Scalar{unhexModn(t, v.A0), unhexModn(t, v.A1), unhexModn(t, v.EtaHat)}
	msg, cs := send(sess, alpha0, alpha1, &inputs)
	r, chi := newReceiver(sess, beta, alpha, func() {})
	m, err := r.ParseMessage(msg)
	require.NoError(t, err)
	d0, d1, err := r.Finish(m)
	require.NoError(t, err)

	v.SIDOTE = hex.EncodeToString(sid[:])
	v.BetaPrime = hex.EncodeToString(beta[:])
	v.Gadget0, v.Gadget511 = hexModn(&r.g[0]), hexModn(&r.g[ote.OTs-1])
	v.Chi = hexModn(&chi)
	for k := range v.ATilde0 {
		v.ATilde0[k] = hex.EncodeToString(msg[32*k : 32*k+32])
	}
	d := transcript.H(transcript.LabelRVOLEATilde, sid[:], msg[:ATildeSize])
	v.D = hex.EncodeToString(d[:])
	th0, th1 := theta(&sid, msg[:ATildeSize])
	v.Theta = [2]string{hexModn(&th0), hexModn(&th1)}
	v.Eta = hex.EncodeToString(msg[ATildeSize : ATildeSize+32])
	v.Mu = hex.EncodeToString(msg[ATildeSize+32:])
	sum := sha256.Sum256(msg)
	v.RVSHA256 = hex.EncodeToString(sum[:])
	v.C = [2]string{hexModn(&cs[0]), hexModn(&cs[1])}
	d0b, d1b := d0.Bytes(), d1.Bytes()
	v.DShares = [2]string{hex.EncodeToString(d0b[:]), hex.EncodeToString(d1b[:])}

	// c_k + d_k = a_k·χ.
	for k, dk := range []*[32]byte{&d0b, &d1b} {
		dm, _ := modn.FromCanonical(dk)
		lhs := modn.Add(&cs[k], &dm)
		rhs := modn.Mul(&inputs[k], &chi)
		require.Equal(t, 1, modn.Equal(&lhs, &rhs), "%s: c_%d + d_%d ≠ a_%d·χ", v.Description, k, k, k)
	}
	return msg, v
}

func rvoleInputs() rvoleVectors {
	return rvoleVectors{
		Description: "RVOLE (PROTOCOL.md §6, DKLs23 Protocol 5.2) on fixed pads; see testdata/README.md",
		Regenerate:  regenerate,
		Cases: []rvoleVector{
			{
				Description: "random pads and inputs, correlation (R, S) = (0, 1)",
				SignSID:     "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
				R:           0, S: 1, PadsRNG: "rvole/vector/pads",
				A0:     "0f1e2d3c4b5a69788796a5b4c3d2e1f00112233445566778899aabbccddeeff0",
				A1:     "a5590c5918494d3b0f6a8d2d8896d96ee185645f58038625045bedba335cb067",
				EtaHat: "649bcfcdefbb7b913885b8648001d5e5b3d3144ba18f5ebf2b5c74742d217a95",
			},
			{
				Description: "edge inputs a_0 = 0, a_1 = n−1, η̂ = 1, correlation (R, S) = (1, 0)",
				SignSID:     "e55350055c657b9e04a8654cf9e61c0c67c372eb8a918c4dfbcc1defb634d47e",
				R:           1, S: 0, PadsRNG: "rvole/vector/pads-2",
				A0:     "0000000000000000000000000000000000000000000000000000000000000000",
				A1:     "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140",
				EtaHat: "0000000000000000000000000000000000000000000000000000000000000001",
			},
		},
	}
}

// TestGenerate writes (with -update) or checks testdata/rvole/rvole.json.
func TestGenerate(t *testing.T) {
	want := rvoleInputs()
	for i := range want.Cases {
		_, want.Cases[i] = runVector(t, want.Cases[i])
	}
	enc, err := json.MarshalIndent(want, "", "  ")
	require.NoError(t, err)
	enc = append(enc, '\n')
	path := filepath.Join(vectorDir, vectorFile)
	if *update {
		require.NoError(t, os.MkdirAll(vectorDir, 0o755))
		require.NoError(t, os.WriteFile(path, enc, 0o644))
		return
	}
	got, err := os.ReadFile(path)
	require.NoError(t, err, "regenerate with: %s", regenerate)
	require.Equal(t, string(enc), string(got), "testdata/rvole/%s differs; regenerate with: %s", vectorFile, regenerate)
}

// TestVectors recomputes every stored case from its inputs only.
func TestVectors(t *testing.T) {
	vs := readVectors(t)
	require.NotEmpty(t, vs.Cases)
	for _, c := range vs.Cases {
		in := rvoleVector{Description: c.Description, SignSID: c.SignSID, R: c.R, S: c.S,
			PadsRNG: c.PadsRNG, A0: c.A0, A1: c.A1, EtaHat: c.EtaHat}
		_, got := runVector(t, in)
		require.Equal(t, c, got, c.Description)
	}
}

func readVectors(t testing.TB) rvoleVectors {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(vectorDir, vectorFile))
	require.NoError(t, err)
	var vs rvoleVectors
	require.NoError(t, json.Unmarshal(raw, &vs))
	return vs
}

// loadVectorMessages rebuilds the RV messages of the stored vectors (fuzz seeds).
func loadVectorMessages(t testing.TB) [][]byte {
	var out [][]byte
	for _, c := range readVectors(t).Cases {
		msg, _ := runVector(t, c)
		out = append(out, msg)
	}
	return out
}
