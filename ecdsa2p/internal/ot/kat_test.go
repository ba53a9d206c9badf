package ot

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/schnorr"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/testrng"
	"github.com/tandem-mpc/tandem/internal/secp"
)

// Sub-payload hashes of the keygen vector, PROTOCOL.md §12.4(d)/(e).
const (
	katSIDKG        = "00d477a6b1c34d0fdadd38a5c852e3d028d6a5c2465cb1181d8aed82794152a8"
	katK2P1OTMsg1   = "c9e9c39272812807055042bbdb1c61ee0497c97b75ae9a2f5cc286a65dc7212e"
	katK2P2OTMsg1   = "933a4c8eee7d0c18442096caf3317eaa7f9b158698c40d933ab31219c0f15c23"
	katK3P1OTMsg2   = "fc69ac4395c88759d7b1e8e0f5e53d2e88f9f008b67e71d13d08876981203690"
	katK3P2OTMsg2   = "84b01a4a8116bab5899f899fc0ec1341a6156a4eb579e62972293a6b6998afc2"
	katK3P1Corr     = "7a73f6bafefb53e33809897d0eca1fc9232efa8da10961cbc9a60ba9e85d115f"
	katK3P2Corr     = "626b1745ce4b05613d0aa02b321dbd8873e42f0ffebf2e090e28f35548fa75fb"
	katK3P1TTilde   = "5669507bfa733efc1a177c430029695660c277efb91b85323e059e003bd225b9"
	katK3P2TTilde   = "d1574089690fb0c6d8b8bc956aab0fbc12e2074aa0f017203d5301bf0e21527d"
	katK3P1STilde   = "8d1aaba4ba86d6ca36f2035fab73b921777b40a88b74648cf8d2f25fc9641775"
	katK3P2STilde   = "4bc35f2fc2f5d474939f31afbc556e8a241516587e50575ede9779c7db05812b"
	katDeltaP1      = "87c7b4d375c14129d51605b2ad066c4d83eca1bafe7c26658c13530102923d82"
	katK1Draws      = "σ, x, cc, ω"
	katBlocksBefore = 1 + 2 + 1 + 1 + 2 // σ, x, cc, ω, Schnorr nonce (RandomScalar = 2 blocks)

	// Full payload hashes of §12.4(d), which this layer's messages complete.
	katK2P1 = "16cc11f22f95041255627f4a1c15cc6f6751d195c782e734a9373c7cf3bd9c1a"
	katK2P2 = "0e3eae8e9c0dcf360351e8fc4bd8cc6b2319abdacf36861156ff027c7659531c"
	katK3P1 = "c950f65a28b8991aeb2b31964f17a7fe3816f245ab2c9eb079226875f5dd822a"
	katK3P2 = "2029429b8d01e93c08fabdac79f2f2aa21f97cfd41c64034f9a85817c7c67862"
)

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func unhex32(t testing.TB, s string) [32]byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	require.NoError(t, err)
	require.Len(t, b, 32)
	return [32]byte(b)
}

// katParty is one party of the keygen vector, driven only as far as the OT layer goes.
type katParty struct {
	idx  uint8
	rng  *testrng.RNG
	k2   []byte // the K2 payload before OTmsg1
	recv *BaseOTReceiver
	msg1 []byte // this party's OTmsg1 (K2), as base-OT receiver of correlation (peer, self)
	send *SenderOutputs
	msg2 []byte // this party's OTmsg2 (K3), as base-OT sender of correlation (self, peer)
	pprf []byte // this party's PPRF message (K3)
	cs   *ChooserSeeds
	ds   *DeltaSeeds
}

// k2Prefix draws what keygen draws before the base-OT receiver (PROTOCOL.md §7.1, §7.2):
// σ = RandomBytes(32), x = RandomScalar(), cc = RandomBytes(32), ω = RandomBytes(32), then the
// Schnorr nonce inside Prove. It returns the K2 payload up to OTmsg1:
// 01 12 ‖ sid_kg ‖ pt(X_i) ‖ cc_i ‖ ω_i ‖ π_i.
func k2Prefix(t *testing.T, r *testrng.RNG, sidKG [32]byte, i uint8) (sigma, x [32]byte, k2 []byte) {
	r.RandomBytes(sigma[:])
	xs := r.RandomScalar()
	x = xs.Bytes()
	var cc, omega [32]byte
	r.RandomBytes(cc[:])
	r.RandomBytes(omega[:])
	X := new(secp.Point).ScalarBaseMult(xs)
	pi, err := schnorr.Prove("keygen", sidKG, i, secp.NewGeneratorPoint(), X, xs, r)
	require.NoError(t, err)
	ptX, err := X.Bytes()
	require.NoError(t, err)
	k2 = append([]byte{0x01, 0x12}, sidKG[:]...)
	k2 = append(append(append(append(k2, ptX[:]...), cc[:]...), omega[:]...), pi[:]...)
	return sigma, x, k2
}

// runKeygenOT drives both parties' OT layer through K2 and K3 of the keygen vector.
func runKeygenOT(t *testing.T, batch Batch) [2]*katParty {
	t.Helper()
	sidKG := unhex32(t, katSIDKG)
	var ps [2]*katParty
	for i := range ps {
		ps[i] = &katParty{idx: uint8(i), rng: testrng.New([]string{"kat/keygen/0", "kat/keygen/1"}[i])}
		var sigma, x [32]byte
		sigma, x, ps[i].k2 = k2Prefix(t, ps[i].rng, sidKG, uint8(i))
		if i == 0 {
			// §12.5: the first RandomBytes(32) and the next RandomScalar of "kat/keygen/0".
			require.Equal(t, "db03adc46acf0a0f2a874cc14023d451c9bef9c274ae1b1058f1031fe04acd5b", hex.EncodeToString(sigma[:]))
			require.Equal(t, "a5590c5918494d3b0f6a8d2d8896d96ee185645f58038625045bedba335cb067", hex.EncodeToString(x[:]))
		}
		require.Equal(t, uint64(katBlocksBefore), ps[i].rng.Blocks(), "draws before OTmsg1: %s and the Schnorr nonce", katK1Draws)
	}
	// K2: each party is base-OT receiver for correlation (R = peer, S = self).
	for _, p := range ps {
		c, err := NewCorrelation(sidKG, 1-p.idx, p.idx)
		require.NoError(t, err)
		p.recv, p.msg1, err = NewBaseOTReceiver(c, p.rng, batch)
		require.NoError(t, err)
	}
	// On the peer's K2: base-OT sender and PPRF build for correlation (R = self, S = peer).
	for _, p := range ps {
		peer := ps[1-p.idx]
		c, err := NewCorrelation(sidKG, p.idx, peer.idx)
		require.NoError(t, err)
		p.send, p.msg2, err = NewBaseOTSender(c, peer.msg1, p.rng, batch)
		require.NoError(t, err)
		p.cs, p.pprf, err = p.send.BuildPPRF(batch)
		require.NoError(t, err)
	}
	// On the peer's K3: base-OT receiver output and PPRF evaluation for (R = peer, S = self).
	for _, p := range ps {
		peer := ps[1-p.idx]
		out, err := p.recv.Finish(peer.msg2, batch)
		require.NoError(t, err)
		p.ds, err = out.EvalPPRF(peer.pprf, batch)
		require.NoError(t, err)
	}
	return ps
}

func TestKnownAnswerKeygen(t *testing.T) {
	ps := runKeygenOT(t, nil)
	p1, p2 := ps[0], ps[1]
	checks := []struct {
		name, want string
		got        []byte
	}{
		{"K2 P1 OTmsg1", katK2P1OTMsg1, p1.msg1},
		{"K2 P2 OTmsg1", katK2P2OTMsg1, p2.msg1},
		{"K3 P1 OTmsg2", katK3P1OTMsg2, p1.msg2},
		{"K3 P2 OTmsg2", katK3P2OTMsg2, p2.msg2},
		{"K3 P1 corrections", katK3P1Corr, p1.pprf[:CorrectionsSize]},
		{"K3 P2 corrections", katK3P2Corr, p2.pprf[:CorrectionsSize]},
		{"K3 P1 t~", katK3P1TTilde, p1.pprf[CorrectionsSize : CorrectionsSize+TTildeSize]},
		{"K3 P2 t~", katK3P2TTilde, p2.pprf[CorrectionsSize : CorrectionsSize+TTildeSize]},
		{"K3 P1 s~", katK3P1STilde, p1.pprf[CorrectionsSize+TTildeSize:]},
		{"K3 P2 s~", katK3P2STilde, p2.pprf[CorrectionsSize+TTildeSize:]},
	}
	for _, c := range checks {
		assert.Equal(t, c.want, sha(c.got), c.name)
	}
	for _, p := range ps {
		want := map[uint8][2]string{0: {katK2P1, katK3P1}, 1: {katK2P2, katK3P2}}[p.idx]
		k2 := append(bytes.Clone(p.k2), p.msg1...)
		require.Len(t, k2, 17092)
		assert.Equal(t, want[0], sha(k2), "SHA-256(K2 P%d)", p.idx+1)
		k3 := append(append(append([]byte{0x01, 0x13}, p.k2[2:34]...), p.msg2...), p.pprf...)
		require.Len(t, k3, 31298)
		assert.Equal(t, want[1], sha(k3), "SHA-256(K3 P%d)", p.idx+1)
	}
	// Each party's ChooserSeeds are the peer's DeltaSeeds, except at Δ.
	for _, p := range ps {
		peer := ps[1-p.idx].ds
		for b := range Blocks {
			for x := range LeavesPerBlock {
				if uint8(x) != peer.Delta()[b] {
					require.Equal(t, p.cs.Leaves()[b][x], peer.Leaves()[b][x])
				}
			}
		}
	}
	d := p1.ds.DeltaBytes()
	require.Equal(t, katDeltaP1, hex.EncodeToString(d[:]), "Δ of P1 (packed, correlation (P2, P1))")
}

// The refresh vector of PROTOCOL.md §12.4(d): RF2 = 01 32 ‖ sid_rf ‖ OTmsg1 and
// RF3 = 01 33 ‖ sid_rf ‖ OTmsg2 ‖ PPRF message, with parent_sid = sid_rf (§9.1). The refresh
// stream draws σ_i = RandomBytes(32) and ζ_i = RandomScalar() before the receiver draws.
func TestKnownAnswerRefresh(t *testing.T) {
	sidRF := unhex32(t, "fd139a535d9d724e47189f1c476792d9efc9aebc3936410196679bed63456cca")
	want := [2][2]string{
		{"35684cc8e5765ec2bcc71e90522602080a847e9a9108b77b55194c24bc5b7769", "7be06e8445d4ca854fbf54c54159a9da140677ac3fdb17078df0831a26f46ad7"},
		{"7c1d2d38b64bfc1b4a364e7de46cc2a255f80a6792cdd46ae163de4a19f08f83", "81eb3fd62c3b28269ac2fd7eefc9d3f97ffd5739e71f70f1d37d2d2911699c28"},
	}
	var rngs [2]*testrng.RNG
	var recvs [2]*BaseOTReceiver
	var msg1 [2][]byte
	for i := range 2 {
		rngs[i] = testrng.New([]string{"kat/refresh/0", "kat/refresh/1"}[i])
		rngs[i].RandomBytes(make([]byte, 32)) // σ_i
		_ = rngs[i].RandomScalar()            // ζ_i
		c, err := NewCorrelation(sidRF, uint8(1-i), uint8(i))
		require.NoError(t, err)
		recvs[i], msg1[i], err = NewBaseOTReceiver(c, rngs[i], nil)
		require.NoError(t, err)
		rf2 := append(append([]byte{0x01, 0x32}, sidRF[:]...), msg1[i]...)
		require.Len(t, rf2, 16930)
		assert.Equal(t, want[i][0], sha(rf2), "SHA-256(RF2 P%d)", i+1)
	}
	var msg2, pprf [2][]byte
	for i := range 2 {
		c, err := NewCorrelation(sidRF, uint8(i), uint8(1-i))
		require.NoError(t, err)
		so, m2, err := NewBaseOTSender(c, msg1[1-i], rngs[i], nil)
		require.NoError(t, err)
		_, p, err := so.BuildPPRF(nil)
		require.NoError(t, err)
		msg2[i], pprf[i] = m2, p
		rf3 := append(append(append([]byte{0x01, 0x33}, sidRF[:]...), m2...), p...)
		require.Len(t, rf3, 31298)
		assert.Equal(t, want[i][1], sha(rf3), "SHA-256(RF3 P%d)", i+1)
	}
	for i := range 2 {
		ro, err := recvs[i].Finish(msg2[1-i], nil)
		require.NoError(t, err)
		_, err = ro.EvalPPRF(pprf[1-i], nil)
		require.NoError(t, err)
	}
}
