package ote

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tandem-mpc/tandem/ecdsa2p/internal/ot"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/ote/modn"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/testrng"
)

var update = flag.Bool("update", false, "rewrite testdata/ote/*.json")

const (
	vectorDir  = "../../../testdata/ote"
	vectorFile = "extension.json"
	regenerate = "go test ./ecdsa2p/internal/ote -run TestGenerate -update"
)

// extensionVector is one case of testdata/ote/extension.json: an OT extension (PROTOCOL.md §5)
// with fixed leaves, Δ and β′. The leaves and Δ are the §12.5 TestRNG stream named by
// seeds_rng: leaves[b][x] = RandomBytes(32) for b = 0..63 and x = 0..15 in order, then
// Δ_b = RandomBytes(64)[b] & 15; S's leaves are R's with leaf Δ_b zeroed (unless delta_zero,
// which sets every Δ_b = 0). β′ = RandomBytes(80) of the stream beta_rng.
type extensionVector struct {
	Description  string    `json:"description"`
	SignSID      string    `json:"sign_sid"`
	R            uint8     `json:"R"`
	S            uint8     `json:"S"`
	SIDOTE       string    `json:"sid_ote"`
	SeedsRNG     string    `json:"seeds_rng"`
	DeltaZero    bool      `json:"delta_zero"`
	Delta        string    `json:"delta"` // packed, 32 bytes
	BetaRNG      string    `json:"beta_rng"`
	BetaPrime    string    `json:"beta_prime"`
	Chi          [4]string `json:"chi"`
	U0           string    `json:"u_0"`
	XTilde       string    `json:"x_tilde"`
	TTilde0      string    `json:"t_tilde_0"`
	TTilde255    string    `json:"t_tilde_255"`
	OTESHA256    string    `json:"ote_sha256"`
	OTE          string    `json:"ote"`
	RecvPadsSHA  string    `json:"receiver_pads_sha256"` // ‖_j ‖_k sc(α_{j,k})
	Pads0SHA     string    `json:"sender_pads0_sha256"`  // ‖_j ‖_k sc(α0_{j,k})
	Pads1SHA     string    `json:"sender_pads1_sha256"`  // ‖_j ‖_k sc(α1_{j,k})
	Alpha0       [3]string `json:"alpha_j0"`             // α_{0,k}
	Alpha511     [3]string `json:"alpha_j511"`           // α_{511,k}
	Alpha0Sender [3]string `json:"alpha0_j0"`            // α0_{0,k}
	Alpha1Sender [3]string `json:"alpha1_j0"`            // α1_{0,k}
}

type extensionVectors struct {
	Description string            `json:"description"`
	Regenerate  string            `json:"regenerate"`
	Cases       []extensionVector `json:"cases"`
}

func vectorSeeds(t testing.TB, name string, deltaZero bool) (*ot.ChooserSeeds, *ot.DeltaSeeds) {
	t.Helper()
	r := testrng.New(name)
	var l ot.Leaves
	for b := range l {
		for x := range l[b] {
			r.RandomBytes(l[b][x][:])
		}
	}
	var delta [ot.Blocks]uint8
	buf := r.Bytes(ot.Blocks)
	for b := range delta {
		if !deltaZero {
			delta[b] = buf[b] & 0x0f
		}
	}
	ds, err := ot.NewDeltaSeeds(&delta, &l)
	require.NoError(t, err)
	return ot.NewChooserSeeds(&l), ds
}

func padsHash(p *[OTs][Width]modn.Scalar) string {
	h := sha256.New()
	for j := range p {
		for k := range p[j] {
			b := p[j][k].Bytes()
			h.Write(b[:])
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

func hexScalars(p *[Width]modn.Scalar) (out [3]string) {
	for k := range p {
		b := p[k].Bytes()
		out[k] = hex.EncodeToString(b[:])
	}
	return out
}

// computeExtension runs the case described by the inputs of v and fills in its outputs.
func computeExtension(t testing.TB, v extensionVector) extensionVector {
	t.Helper()
	signSID, err := hex.DecodeString(v.SignSID)
	require.NoError(t, err)
	sess, err := NewSession([32]byte(signSID), v.R, v.S)
	require.NoError(t, err)
	cs, ds := vectorSeeds(t, v.SeedsRNG, v.DeltaZero)
	recv, msg, err := NewReceiver(sess, cs, testrng.New(v.BetaRNG))
	require.NoError(t, err)
	snd, err := NewSender(sess, ds)
	require.NoError(t, err)
	out, err := snd.Extend(msg)
	require.NoError(t, err)

	sid := sess.ID()
	delta := ds.DeltaBytes()
	chi := challenges(&sid, msg[:uSize])
	v.SIDOTE = hex.EncodeToString(sid[:])
	v.Delta = hex.EncodeToString(delta[:])
	v.BetaPrime = hex.EncodeToString(recv.Choices()[:])
	for m := range chi {
		b := chi[m].Bytes()
		v.Chi[m] = hex.EncodeToString(b[:])
	}
	v.U0 = hex.EncodeToString(msg[:RowBytes])
	v.XTilde = hex.EncodeToString(msg[uSize : uSize+16])
	v.TTilde0 = hex.EncodeToString(msg[uSize+16 : uSize+32])
	v.TTilde255 = hex.EncodeToString(msg[MsgSize-16:])
	sum := sha256.Sum256(msg)
	v.OTESHA256 = hex.EncodeToString(sum[:])
	v.OTE = hex.EncodeToString(msg)
	v.RecvPadsSHA = padsHash(recv.Pads())
	v.Pads0SHA = padsHash(out.Pads0())
	v.Pads1SHA = padsHash(out.Pads1())
	v.Alpha0 = hexScalars(&recv.Pads()[0])
	v.Alpha511 = hexScalars(&recv.Pads()[OTs-1])
	v.Alpha0Sender = hexScalars(&out.Pads0()[0])
	v.Alpha1Sender = hexScalars(&out.Pads1()[0])
	return v
}

func vectorInputs() extensionVectors {
	return extensionVectors{
		Description: "SoftSpokenOT extension (PROTOCOL.md §5) with fixed leaves, Δ and β′; see testdata/README.md",
		Regenerate:  regenerate,
		Cases: []extensionVector{
			{
				Description: "random leaves and Δ, correlation (R, S) = (0, 1)",
				SignSID:     "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
				R:           0, S: 1,
				SeedsRNG: "ote/vector/seeds", BetaRNG: "ote/vector/beta",
			},
			{
				Description: "Δ = 0 (every leaf 0 punctured), correlation (R, S) = (1, 0)",
				SignSID:     "e55350055c657b9e04a8654cf9e61c0c67c372eb8a918c4dfbcc1defb634d47e",
				R:           1, S: 0, DeltaZero: true,
				SeedsRNG: "ote/vector/seeds-2", BetaRNG: "ote/vector/beta-2",
			},
		},
	}
}

// TestGenerate writes (with -update) or checks testdata/ote/extension.json.
func TestGenerate(t *testing.T) {
	want := vectorInputs()
	for i := range want.Cases {
		want.Cases[i] = computeExtension(t, want.Cases[i])
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
	require.Equal(t, string(enc), string(got), "testdata/ote/%s differs; regenerate with: %s", vectorFile, regenerate)
}

// TestVectors recomputes every case of the stored file from its inputs only.
func TestVectors(t *testing.T) {
	vs := readVectors(t)
	require.NotEmpty(t, vs.Cases)
	for _, c := range vs.Cases {
		in := extensionVector{Description: c.Description, SignSID: c.SignSID, R: c.R, S: c.S,
			SeedsRNG: c.SeedsRNG, DeltaZero: c.DeltaZero, BetaRNG: c.BetaRNG}
		require.Equal(t, c, computeExtension(t, in), c.Description)
	}
}

func readVectors(t testing.TB) extensionVectors {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(vectorDir, vectorFile))
	require.NoError(t, err)
	var vs extensionVectors
	require.NoError(t, json.Unmarshal(raw, &vs))
	return vs
}

// loadVectorMessages returns the OTE messages of the stored vectors (fuzz seeds).
func loadVectorMessages(t testing.TB) [][]byte {
	var out [][]byte
	for _, c := range readVectors(t).Cases {
		msg, err := hex.DecodeString(c.OTE)
		require.NoError(t, err)
		out = append(out, msg)
	}
	return out
}
