package ot

import (
	"encoding/hex"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/testrng"
	"github.com/tandem-mpc/tandem/internal/secp"
	"github.com/tandem-mpc/tandem/internal/transcript"
)

var update = flag.Bool("update", false, "rewrite testdata/ot/*.json")

const (
	vectorDir   = "../../../testdata/ot"
	regenerate  = "go test ./ecdsa2p/internal/ot -run TestGenerate -update"
	vectorLabel = transcript.Label("tandem/v1/test/ot-vector") // test-only label (§2.13)
)

// baseOTVector is testdata/ot/baseot.json: one batch of 256 base OTs (PROTOCOL.md §3) with
// fixed scalars. The scalars are the §12.5 TestRNG streams named by receiver_rng and
// sender_rng, drawn in §3's order; detail lists them for a few t with every intermediate value.
type baseOTVector struct {
	Description     string         `json:"description"`
	Regenerate      string         `json:"regenerate"`
	ParentSID       string         `json:"parent_sid"`
	R               uint8          `json:"R"`
	S               uint8          `json:"S"`
	SIDOT           string         `json:"sid_ot"`
	ReceiverRNG     string         `json:"receiver_rng"`
	SenderRNG       string         `json:"sender_rng"`
	CB              string         `json:"cb"`
	Msg1SHA256      string         `json:"msg1_sha256"`
	Msg2SHA256      string         `json:"msg2_sha256"`
	SenderOutSHA256 string         `json:"sender_outputs_sha256"`   // o_{0,0} ‖ o_{0,1} ‖ … ‖ o_{255,1}
	RecvOutSHA256   string         `json:"receiver_outputs_sha256"` // o_{0,c_0} ‖ … ‖ o_{255,c_255}
	Detail          []baseOTDetail `json:"detail"`
}

type baseOTDetail struct {
	T  int    `json:"t"`
	C  int    `json:"c"`
	A  string `json:"a"`
	Z  string `json:"z"`
	B0 string `json:"b0"`
	B1 string `json:"b1"`
	R0 string `json:"r0"`
	R1 string `json:"r1"`
	P0 string `json:"B0"`
	P1 string `json:"B1"`
	O0 string `json:"o0"`
	O1 string `json:"o1"`
	OC string `json:"oc"`
}

// pprfVector is testdata/ot/pprf.json: the PPRF of PROTOCOL.md §4 on fixed base-OT outputs
// o_{t,slot} = H("tandem/v1/test/ot-vector", u16(t), u8(slot)) and choice bits
// cb = H("tandem/v1/test/ot-vector", "cb").
type pprfVector struct {
	Description       string      `json:"description"`
	Regenerate        string      `json:"regenerate"`
	ParentSID         string      `json:"parent_sid"`
	R                 uint8       `json:"R"`
	S                 uint8       `json:"S"`
	SIDPPRF           string      `json:"sid_pprf"`
	CB                string      `json:"cb"`
	CorrectionsSHA256 string      `json:"corrections_sha256"`
	TTildeSHA256      string      `json:"ttilde_sha256"`
	STilde            string      `json:"stilde"`
	ChooserSHA256     string      `json:"chooser_leaves_sha256"` // L_R[0][0] ‖ … ‖ L_R[63][15]
	DeltaLeavesSHA256 string      `json:"delta_leaves_sha256"`   // L_S, zero at each Δ_b
	Delta             string      `json:"delta_packed"`          // byte q = Δ_{2q} | Δ_{2q+1} << 4
	Block0            pprfBlock0V `json:"block0"`
}

type pprfBlock0V struct {
	O           [4][2]string `json:"o"`           // o_{h,slot}
	Corrections [3][2]string `json:"corrections"` // C_{0,h,side}, h = 1..3
	Leaves      [16]string   `json:"leaves"`      // L_R[0][x]
	TTilde      string       `json:"ttilde"`
	Delta       uint8        `json:"delta"`
}

func hx(b []byte) string { return hex.EncodeToString(b) }

func vectorParent() [32]byte {
	var p [32]byte
	for i := range p {
		p[i] = byte(i)
	}
	return p
}

func genBaseOTVector(t *testing.T) *baseOTVector {
	parent := vectorParent()
	c, err := NewCorrelation(parent, 1, 0)
	require.NoError(t, err)
	v := &baseOTVector{
		Description: "Endemic base OT (PROTOCOL.md §3), one batch of 256, correlation (R, S) = (1, 0) under parent_sid; " +
			"scalars from the §12.5 TestRNG streams receiver_rng (cb, then a_t, z_t for t = 0..255) and sender_rng " +
			"(b_{t,0}, b_{t,1} for t = 0..255)",
		Regenerate: regenerate, ParentSID: hx(parent[:]), R: c.R, S: c.S, SIDOT: hx(c.SIDOT[:]),
		ReceiverRNG: "ot/vector/receiver", SenderRNG: "ot/vector/sender",
	}
	recv, msg1, err := NewBaseOTReceiver(c, testrng.New(v.ReceiverRNG), nil)
	require.NoError(t, err)
	cb := recv.cb
	so, msg2, err := NewBaseOTSender(c, msg1, testrng.New(v.SenderRNG), nil)
	require.NoError(t, err)
	ro, err := recv.Finish(msg2, nil)
	require.NoError(t, err)
	v.CB, v.Msg1SHA256, v.Msg2SHA256 = hx(cb[:]), sha(msg1), sha(msg2)
	var sOut, rOut []byte
	for i := range BaseOTs {
		sOut = append(append(sOut, so.o[i][0][:]...), so.o[i][1][:]...)
		rOut = append(rOut, ro.o[i][:]...)
	}
	v.SenderOutSHA256, v.RecvOutSHA256 = sha(sOut), sha(rOut)

	// Replay the streams to list the scalars.
	rr, sr := testrng.New(v.ReceiverRNG), testrng.New(v.SenderRNG)
	rr.RandomBytes(make([]byte, 32))
	for i := range BaseOTs {
		a, z := rr.RandomScalar().Bytes(), rr.RandomScalar().Bytes()
		b0, b1 := sr.RandomScalar().Bytes(), sr.RandomScalar().Bytes()
		if i > 3 && i != 255 {
			continue
		}
		p := func(m []byte, slot int) string { return hx(m[(2*i+slot)*PointSize : (2*i+slot+1)*PointSize]) }
		v.Detail = append(v.Detail, baseOTDetail{
			T: i, C: choiceBit(&cb, i), A: hx(a[:]), Z: hx(z[:]), B0: hx(b0[:]), B1: hx(b1[:]),
			R0: p(msg1, 0), R1: p(msg1, 1), P0: p(msg2, 0), P1: p(msg2, 1),
			O0: hx(so.o[i][0][:]), O1: hx(so.o[i][1][:]), OC: hx(ro.o[i][:]),
		})
	}
	return v
}

// pprfVectorInputs are the fixed base-OT outputs of pprf.json.
func pprfVectorInputs() (cb [32]byte, o *[BaseOTs][2][32]byte, oc *[BaseOTs][32]byte) {
	cb = transcript.H(vectorLabel, []byte("cb"))
	o, oc = new([BaseOTs][2][32]byte), new([BaseOTs][32]byte)
	for t := range BaseOTs {
		tt := transcript.U16(uint16(t))
		for slot := range 2 {
			s := transcript.U8(uint8(slot))
			o[t][slot] = transcript.H(vectorLabel, tt[:], s[:])
		}
		oc[t] = o[t][choiceBit(&cb, t)]
	}
	return cb, o, oc
}

func genPPRFVector(t *testing.T) *pprfVector {
	parent := vectorParent()
	c, err := NewCorrelation(parent, 1, 0)
	require.NoError(t, err)
	cb, o, oc := pprfVectorInputs()
	lr, msg := buildPPRF(&c.SIDPPRF, o, nil)
	delta, ls, ok := evalPPRF(&c.SIDPPRF, &cb, oc, msg, nil)
	require.Equal(t, 1, ok)
	ds, err := NewDeltaSeeds(delta, ls)
	require.NoError(t, err)
	raw := msg.Marshal()
	var lrb, lsb []byte
	for b := range Blocks {
		for x := range LeavesPerBlock {
			lrb, lsb = append(lrb, lr[b][x][:]...), append(lsb, ls[b][x][:]...)
		}
	}
	d := ds.DeltaBytes()
	v := &pprfVector{
		Description: "All-but-one OT / PPRF with proof (PROTOCOL.md §4), correlation (R, S) = (1, 0) under parent_sid, " +
			"on fixed base-OT outputs o_{t,slot} = H(\"tandem/v1/test/ot-vector\", u16(t), u8(slot)) and choice bits " +
			"cb = H(\"tandem/v1/test/ot-vector\", \"cb\")",
		Regenerate: regenerate, ParentSID: hx(parent[:]), R: c.R, S: c.S, SIDPPRF: hx(c.SIDPPRF[:]), CB: hx(cb[:]),
		CorrectionsSHA256: sha(raw[:CorrectionsSize]), TTildeSHA256: sha(raw[CorrectionsSize : CorrectionsSize+TTildeSize]),
		STilde: hx(msg.STilde[:]), ChooserSHA256: sha(lrb), DeltaLeavesSHA256: sha(lsb), Delta: hx(d[:]),
	}
	for h := range 4 {
		for slot := range 2 {
			v.Block0.O[h][slot] = hx(o[h][slot][:])
		}
	}
	for h := range 3 {
		for side := range 2 {
			v.Block0.Corrections[h][side] = hx(msg.C[0][h][side][:])
		}
	}
	for x := range LeavesPerBlock {
		v.Block0.Leaves[x] = hx(lr[0][x][:])
	}
	v.Block0.TTilde, v.Block0.Delta = hx(msg.TTilde[0][:]), delta[0]
	return v
}

func writeOrCompare(t *testing.T, name string, got any) {
	path := filepath.Join(vectorDir, name)
	enc, err := json.MarshalIndent(got, "", "  ")
	require.NoError(t, err)
	enc = append(enc, '\n')
	if *update {
		require.NoError(t, os.MkdirAll(vectorDir, 0o755))
		require.NoError(t, os.WriteFile(path, enc, 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run %s", regenerate)
	require.JSONEq(t, string(want), string(enc), "%s differs from a fresh generation", path)
}

// TestGenerate writes (with -update) or checks testdata/ot/baseot.json and pprf.json.
func TestGenerate(t *testing.T) {
	writeOrCompare(t, "baseot.json", genBaseOTVector(t))
	writeOrCompare(t, "pprf.json", genPPRFVector(t))
}

// TestVectorsReference recomputes the detail entries of the stored vectors with a plain,
// branchy reference of §3 and §4 written from the spec text (no midstates, no masks), so the
// files are checked independently of the optimised code.
func TestVectorsReference(t *testing.T) {
	var bv baseOTVector
	readJSON(t, "baseot.json", &bv)
	sid := unhexN(t, bv.SIDOT)
	parent := unhexN(t, bv.ParentSID)
	wantSID, _ := SessionIDs([32]byte(parent), bv.R, bv.S)
	require.Equal(t, wantSID[:], sid)
	for _, d := range bv.Detail {
		refBaseOT(t, sid, d)
	}

	var pv pprfVector
	readJSON(t, "pprf.json", &pv)
	_, o, _ := pprfVectorInputs()
	cb := [32]byte(unhexN(t, pv.CB))
	sidP := unhexN(t, pv.SIDPPRF)
	leaves, corr := refTree(sidP, 0, o)
	var tt [32]byte
	for x := range 16 {
		require.Equal(t, pv.Block0.Leaves[x], hx(leaves[x][:]), "leaf %d", x)
		pi := transcript.H(transcript.LabelPPRFLeaf, sidP, []byte{0}, []byte{byte(x)}, leaves[x][:])
		xor32(&tt, &pi)
	}
	require.Equal(t, pv.Block0.TTilde, hx(tt[:]))
	for h := range 3 {
		for side := range 2 {
			require.Equal(t, pv.Block0.Corrections[h][side], hx(corr[h][side][:]))
		}
	}
	// The reference puncturing: S walks down its path, branching on its choice bits.
	var delta uint8
	for h := range 4 {
		delta = delta<<1 | uint8(1-choiceBit(&cb, h))
	}
	require.Equal(t, pv.Block0.Delta, delta)
}

func readJSON(t *testing.T, name string, v any) {
	b, err := os.ReadFile(filepath.Join(vectorDir, name))
	require.NoError(t, err, "run %s", regenerate)
	require.NoError(t, json.Unmarshal(b, v))
}

func unhexN(t *testing.T, s string) []byte {
	b, err := hex.DecodeString(s)
	require.NoError(t, err)
	return b
}

func scalarHex(t *testing.T, s string) *secp.Scalar {
	k, err := secp.NewScalar().SetCanonicalBytes(unhexN(t, s))
	require.NoError(t, err)
	return k
}

func ptHex(t *testing.T, P *secp.Point) []byte {
	b, err := P.Bytes()
	require.NoError(t, err)
	return b[:]
}

// refBaseOT checks one detail entry against §3 computed step by step.
func refBaseOT(t *testing.T, sid []byte, d baseOTDetail) {
	u16 := transcript.U16(uint16(d.T))
	a, z := scalarHex(t, d.A), scalarHex(t, d.Z)
	// §3.1
	var pOther, pChoice secp.Point
	pOther.ScalarBaseMult(z)
	h := transcript.H2C(transcript.LabelOTH2C, sid, u16[:], []byte{byte(d.C)}, ptHex(t, &pOther))
	pChoice.ScalarBaseMult(a)
	pChoice.Subtract(&pChoice, h)
	r := [2][]byte{ptHex(t, &pOther), ptHex(t, &pOther)}
	r[d.C] = ptHex(t, &pChoice)
	require.Equal(t, d.R0, hx(r[0]), "t=%d r0", d.T)
	require.Equal(t, d.R1, hx(r[1]), "t=%d r1", d.T)
	// §3.2
	var rp [2]secp.Point
	for slot := range 2 {
		_, err := rp[slot].SetBytes(r[slot])
		require.NoError(t, err)
	}
	var oSend [2][32]byte
	var Bs [2][]byte
	for slot, bHex := range []string{d.B0, d.B1} {
		b := scalarHex(t, bHex)
		var M, B, K secp.Point
		M.Add(&rp[slot], transcript.H2C(transcript.LabelOTH2C, sid, u16[:], []byte{byte(slot)}, r[1-slot]))
		B.ScalarBaseMult(b)
		K.ScalarMult(b, &M)
		Bs[slot] = ptHex(t, &B)
		oSend[slot] = transcript.H(transcript.LabelOTKey, sid, u16[:], []byte{byte(slot)}, r[0], r[1], Bs[slot], ptHex(t, &K))
	}
	require.Equal(t, d.P0, hx(Bs[0]), "t=%d B0", d.T)
	require.Equal(t, d.P1, hx(Bs[1]), "t=%d B1", d.T)
	require.Equal(t, d.O0, hx(oSend[0][:]), "t=%d o0", d.T)
	require.Equal(t, d.O1, hx(oSend[1][:]), "t=%d o1", d.T)
	// §3.3
	var Bc, K secp.Point
	_, err := Bc.SetBytes(Bs[d.C])
	require.NoError(t, err)
	K.ScalarMult(a, &Bc)
	oc := transcript.H(transcript.LabelOTKey, sid, u16[:], []byte{byte(d.C)}, r[0], r[1], Bs[d.C], ptHex(t, &K))
	require.Equal(t, d.OC, hx(oc[:]), "t=%d oc", d.T)
	require.Equal(t, oSend[d.C], oc)
}

// refTree builds block b of §4.1 with PRG called directly.
func refTree(sid []byte, b int, o *[BaseOTs][2][32]byte) (leaves [16][32]byte, corr [3][2][32]byte) {
	level := [][32]byte{o[4*b][0], o[4*b][1]}
	for h := 1; h <= 3; h++ {
		var next [][32]byte
		var k [2][32]byte
		for y, node := range level {
			out := transcript.PRG(transcript.LabelPPRFExpand, 64, node, sid, []byte{byte(b)}, []byte{byte(h)}, []byte{byte(y)})
			l, r := [32]byte(out[:32]), [32]byte(out[32:])
			next = append(next, l, r)
			xor32(&k[0], &l)
			xor32(&k[1], &r)
		}
		for side := range 2 {
			corr[h-1][side] = k[side]
			xor32(&corr[h-1][side], &o[4*b+h][side])
		}
		level = next
	}
	copy(leaves[:], level)
	return leaves, corr
}
