package secp

import (
	"crypto"
	"encoding/binary"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/cloudflare/circl/expander"
	"github.com/stretchr/testify/require"
)

// RFC 9380 Appendix J.8.1 (secp256k1_XMD:SHA-256_SSWU_RO_), as copied into
// PROTOCOL.md §12.4(b).
var rfc9380Vectors = []struct {
	msg                string
	px, py             string
	u0, u1             string
	q0x, q0y, q1x, q1y string
}{
	{
		msg: "",
		px:  "c1cae290e291aee617ebaef1be6d73861479c48b841eaba9b7b5852ddfeb1346",
		py:  "64fa678e07ae116126f08b022a94af6de15985c996c3a91b64c406a960e51067",
		u0:  "6b0f9910dd2ba71c78f2ee9f04d73b5f4c5f7fc773a701abea1e573cab002fb3",
		u1:  "1ae6c212e08fe1a5937f6202f929a2cc8ef4ee5b9782db68b0d5799fd8f09e16",
		q0x: "74519ef88b32b425a095e4ebcc84d81b64e9e2c2675340a720bb1a1857b99f1e",
		q0y: "c174fa322ab7c192e11748beed45b508e9fdb1ce046dee9c2cd3a2a86b410936",
		q1x: "44548adb1b399263ded3510554d28b4bead34b8cf9a37b4bd0bd2ba4db87ae63",
		q1y: "96eb8e2faf05e368efe5957c6167001760233e6dd2487516b46ae725c4cce0c6",
	},
	{
		msg: "abc",
		px:  "3377e01eab42db296b512293120c6cee72b6ecf9f9205760bd9ff11fb3cb2c4b",
		py:  "7f95890f33efebd1044d382a01b1bee0900fb6116f94688d487c6c7b9c8371f6",
		u0:  "128aab5d3679a1f7601e3bdf94ced1f43e491f544767e18a4873f397b08a2b61",
		u1:  "5897b65da3b595a813d0fdcc75c895dc531be76a03518b044daaa0f2e4689e00",
		q0x: "07dd9432d426845fb19857d1b3a91722436604ccbbbadad8523b8fc38a5322d7",
		q0y: "604588ef5138cffe3277bbd590b8550bcbe0e523bbaf1bed4014a467122eb33f",
		q1x: "e9ef9794d15d4e77dde751e06c182782046b8dac05f8491eb88764fc65321f78",
		q1y: "cb07ce53670d5314bf236ee2c871455c562dd76314aa41f012919fe8e7f717b3",
	},
	{
		msg: "abcdef0123456789",
		px:  "bac54083f293f1fe08e4a70137260aa90783a5cb84d3f35848b324d0674b0e3a",
		py:  "4436476085d4c3c4508b60fcf4389c40176adce756b398bdee27bca19758d828",
		u0:  "ea67a7c02f2cd5d8b87715c169d055a22520f74daeb080e6180958380e2f98b9",
		u1:  "7434d0d1a500d38380d1f9615c021857ac8d546925f5f2355319d823a478da18",
		q0x: "576d43ab0260275adf11af990d130a5752704f79478628761720808862544b5d",
		q0y: "643c4a7fb68ae6cff55edd66b809087434bbaff0c07f3f9ec4d49bb3c16623c3",
		q1x: "f89d6d261a5e00fe5cf45e827b507643e67c2a947a20fd9ad71039f8b0e29ff8",
		q1y: "b33855e0cc34a9176ead91c6c3acb1aacb1ce936d563bc1cee1dcffc806caf57",
	},
	{
		msg: "q128_" + strings.Repeat("q", 128),
		px:  "e2167bc785333a37aa562f021f1e881defb853839babf52a7f72b102e41890e9",
		py:  "f2401dd95cc35867ffed4f367cd564763719fbc6a53e969fb8496a1e6685d873",
		u0:  "eda89a5024fac0a8207a87e8cc4e85aa3bce10745d501a30deb87341b05bcdf5",
		u1:  "dfe78cd116818fc2c16f3837fedbe2639fab012c407eac9dfe9245bf650ac51d",
		q0x: "9c91513ccfe9520c9c645588dff5f9b4e92eaf6ad4ab6f1cd720d192eb58247a",
		q0y: "c7371dcd0134412f221e386f8d68f49e7fa36f9037676e163d4a063fbf8a1fb8",
		q1x: "10fee3284d7be6bd5912503b972fc52bf4761f47141a0015f1c6ae36848d869b",
		q1y: "0b163d9b4bf21887364332be3eff3c870fa053cf508732900fc69a6eb0e1b672",
	},
	{
		msg: "a512_" + strings.Repeat("a", 512),
		px:  "e3c8d35aaaf0b9b647e88a0a0a7ee5d5bed5ad38238152e4e6fd8c1f8cb7c998",
		py:  "8446eeb6181bf12f56a9d24e262221cc2f0c4725c7e3803024b5888ee5823aa6",
		u0:  "8d862e7e7e23d7843fe16d811d46d7e6480127a6b78838c277bca17df6900e9f",
		u1:  "68071d2530f040f081ba818d3c7188a94c900586761e9115efa47ae9bd847938",
		q0x: "b32b0ab55977b936f1e93fdc68cec775e13245e161dbfe556bbb1f72799b4181",
		q0y: "2f5317098360b722f132d7156a94822641b615c91f8663be69169870a12af9e8",
		q1x: "148f98780f19388b9fa93e7dc567b5a673e5fca7079cd9cdafd71982ec4c5e12",
		q1y: "3989645d83a433bc0c001f3dac29af861f33a6fd1e04f4b36873f5bff497298a",
	},
}

const rfcDST = "QUUX-V01-CS02-with-secp256k1_XMD:SHA-256_SSWU_RO_"

func uncompressedHex(t *testing.T, p *Point) string {
	t.Helper()
	b, err := p.BytesUncompressed()
	require.NoError(t, err)
	return hex.EncodeToString(b[1:])
}

func TestHashToCurveRFC9380(t *testing.T) {
	for _, v := range rfc9380Vectors {
		t.Run(v.msg[:min(len(v.msg), 8)], func(t *testing.T) {
			u := HashToFieldForTest([]byte(v.msg), []byte(rfcDST))
			require.Equal(t, v.u0, hex.EncodeToString(u[0][:]), "u[0]")
			require.Equal(t, v.u1, hex.EncodeToString(u[1][:]), "u[1]")
			require.Equal(t, v.q0x+v.q0y, uncompressedHex(t, MapToCurveForTest(u[0])), "Q0")
			require.Equal(t, v.q1x+v.q1y, uncompressedHex(t, MapToCurveForTest(u[1])), "Q1")
			require.Equal(t, v.px+v.py, uncompressedHex(t, HashToCurve([]byte(v.msg), []byte(rfcDST))), "P")
		})
	}
}

// TestExpandMessageXMD checks the expander against RFC 9380 K.1 (PROTOCOL.md
// §12.4(b)).
func TestExpandMessageXMD(t *testing.T) {
	dst := []byte("QUUX-V01-CS02-with-expander-SHA256-128")
	for _, tc := range []struct{ msg, want string }{
		{"", "68a985b87eb6b46952128911f2a4412bbc302a9d759667f87f7a21d803f07235"},
		{"abc", "d8ccab23b5985ccea865c6c97b6e5b8350e794e603b4b97902f53a8a0d605615"},
	} {
		got := expander.NewExpanderMD(crypto.SHA256, dst).Expand([]byte(tc.msg), 32)
		require.Equal(t, tc.want, hex.EncodeToString(got))
	}
}

// lengthPrefixed builds E(label, fields...) of PROTOCOL.md §2.3 by hand.
func lengthPrefixed(label string, fields ...string) []byte {
	var out []byte
	for _, f := range append([]string{label}, fields...) {
		out = binary.BigEndian.AppendUint64(out, uint64(len(f)))
		out = append(out, f...)
	}
	return out
}

// TestHashToCurveTandemDST is the H2C row of PROTOCOL.md §12.4(a).
func TestHashToCurveTandemDST(t *testing.T) {
	msg := lengthPrefixed("tandem/v1/test/h2c", "abc")
	p := HashToCurve(msg, []byte(H2CDST))
	require.Equal(t,
		"bcd8398f59c0ac9aaf43cb004ca24a5b7ed7819582b6139aa354808ba38a9e10"+
			"54224a98950506c45d61cb4d00aab2692b26140798d3fd58c741ab21fc95d81c",
		uncompressedHex(t, p))
	b, err := p.Bytes()
	require.NoError(t, err)
	require.Equal(t, "02bcd839", hex.EncodeToString(b[:4]))
	require.Len(t, H2CDST, 51)
}

// TestMapToCurveExceptional exercises u = 0 (tv2 = 0 branch of SSWU, handled
// by a select) and checks the result is on the curve.
func TestMapToCurveExceptional(t *testing.T) {
	for _, u := range [][32]byte{{}, {31: 1}} {
		p := MapToCurveForTest(u)
		b, err := p.BytesUncompressed()
		require.NoError(t, err)
		_, err = new(Point).SetUncompressedBytes(b[:])
		require.NoError(t, err)
	}
}
