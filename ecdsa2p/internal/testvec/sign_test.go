package testvec_test

import (
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/testvec"
)

// sign1Want are the sign-1 values of PROTOCOL.md §12.4(d) and (e).
var sign1Want = map[string]string{
	"sign1.delta":            "2d1f3ce2f7ae762d1ee71d147b88dd0c05f3183f1163d73cd624a2e76909961c",
	"sign1.Q'":               "03a7835177534e47efb88624b1e3d645f8ede1b402d1d40ac5ee69790dc41ab89c",
	"sign1.setup_sg":         "936225790132b4ccb82ed820a71497a311b216b929bd6fec240b8897ba6a0d8c",
	"sign1.sign_sid":         "e55350055c657b9e04a8654cf9e61c0c67c372eb8a918c4dfbcc1defb634d47e",
	"sign1.s1.p1.sha256":     "76aecdedc873b6e4844a85ee246ecaac7822a670a902286a9f2a687ab20982c7",
	"sign1.s1.p2.sha256":     "3fed789fe9a773c5b3c4cc31a9f61be838fd6eaeedfb56f559c5cb13d9ddfcb3",
	"sign1.s2.p1.sha256":     "0db02c550dcef7fcb6b6af8ac7fca590e4545f6234391b9cdefc61e1de7c3ac7",
	"sign1.s2.p2.sha256":     "3d2757db774ee3df905c11759e381c60e1dcd7ae67d12f73ab93a77ddbdd4496",
	"sign1.s3.p1.sha256":     "f2f212789dfa2910e47608c95699bf4b7e41b43798c7ca6e243f04da672ccab3",
	"sign1.s3.p2.sha256":     "288deed2517a74d35839ee031f3fdf6af2c59a1e8ccf38fe2bd9b8d44cc45816",
	"sign1.s4.p1.sha256":     "f69d3d48cc15f2b73240c1f7857b2e79328f46c8038a36246c816ab04adb85f4",
	"sign1.s4.p2.sha256":     "cfa336bfd6c7bf83091575f593eededb263299ccdbaca17c3ade3c32fc5c21a1",
	"sign1.s2.p1.ote.sha256": "dc110b28a95bf66c49c6a2652ee93734f0e7a86b1759079ef4fdce245d3adf9a",
	"sign1.s2.p2.ote.sha256": "c5b5b03c7022dc58858dc380d1cc1c2a48076791371b8b8fae02af4734d5d2b8",
	"sign1.s3.p1.rv.sha256":  "13344f5275b59a6536e26e0d31acbb2ce7b70c8bb8e620389ce498019af84618",
	"sign1.s3.p2.rv.sha256":  "30a7aa1bf016d2c2aee39f3de13d56105a0ee9594a83ab41d307dec4aaa05767",
	"sign1.R":                "029927d2bec471ee7ed5c972537d819806fb573dd084c5a1000b5d243e972ad153",
	"sign1.R'":               "02884557648e2ac69b70907dd31d52cd23d6755744b750dd1cadc08d7827ebf00d",
	"sign1.r":                "884557648e2ac69b70907dd31d52cd23d6755744b750dd1cadc08d7827ebf00d",
	"sign1.s":                "3968a7ec519b7dfb491e6080430cf377a788c90d42cdef2032bd7c3c30c52468",
	"sign1.recid":            "1",
}

func TestRunSignKnownAnswers(t *testing.T) {
	kg, err := testvec.RunKeygen(testvec.DefaultKeygen())
	require.NoError(t, err)
	run, err := testvec.RunSign(testvec.DefaultSign1(kg.Keyshares))
	vs := run.SignValues("sign1")
	for _, v := range vs {
		t.Logf("%s %s", v.Name, v.Hex)
	}
	require.NoError(t, err)
	require.Len(t, vs, len(sign1Want))
	for _, v := range vs {
		require.Equal(t, sign1Want[v.Name], v.Hex, v.Name)
	}
	require.Equal(t, *run.Signatures[0], *run.Signatures[1])
}
