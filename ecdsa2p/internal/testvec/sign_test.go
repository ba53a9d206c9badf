package testvec_test

import (
	"encoding/hex"
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
	t.Parallel()
	kg, err := testvec.RunKeygen(testvec.DefaultKeygen())
	require.NoError(t, err)
	run, err := testvec.RunSign(testvec.DefaultSign1(kg.Keyshares))
	require.NoError(t, err)
	vs := run.SignValues("sign1")
	require.Len(t, vs, len(sign1Want))
	for _, v := range vs {
		require.Equal(t, sign1Want[v.Name], v.Hex, v.Name)
	}
	require.Equal(t, *run.Signatures[0], *run.Signatures[1])
}

// sign2Want are the sign-2 values of §12.4(d) and (e) (after the refresh; path m).
var sign2Want = map[string]string{
	"sign2.setup_sg":         "6f91f7e51995267200a08ba443f384692def7c48bf29eaa3072b28dbfd53bba8",
	"sign2.sign_sid":         "d0f8a108e306136f9f2a95939ef0ed3e4eab942a97c95827bbede1a4a4c03f89",
	"sign2.s1.p1.sha256":     "ab5ff82b4aaa8b02872ba65415c67324494873ffba4ddfdb64748beb87c15a45",
	"sign2.s1.p2.sha256":     "8b4509178fa5296d642444af7d79eed7b705120d8cffddf1119e884653037c9c",
	"sign2.s2.p1.sha256":     "fa17d6997ab4fcd685a60ce45cbf80018364c03eb661c2b792cd6704635c34ec",
	"sign2.s2.p2.sha256":     "750e4dc0eff14fc784ac64840846add88c8806651d618316b52039683425bfe9",
	"sign2.s3.p1.sha256":     "9e96cdb8b47cf20218968786905a0aaf51f442ff91040d5e3209ef3efd12ecde",
	"sign2.s3.p2.sha256":     "055de64842ea76887cdfb36cb5d00116c26e26afcf7822e5b5ff04b1d85723a0",
	"sign2.s4.p1.sha256":     "1399be43a74c3af7c8cd171d958e4caae30010848fb35ce3b656125da708ee8a",
	"sign2.s4.p2.sha256":     "1d15bad122b53e45b60e1bc0d9b6d039d8a517d6c6c83bb7f8c728e4189d1570",
	"sign2.s2.p1.ote.sha256": "1edccf7748cdcd07bdcd950fd7a9f772a1252fc13d50dc7fffe95935a62221c5",
	"sign2.s2.p2.ote.sha256": "e16c68740aebe9c021df1f5f84a44e81cc3ecabd7d23eeee9d3dc0f8b1fff2f7",
	"sign2.s3.p1.rv.sha256":  "d3e25ba2d8d2a73eaaf43e5555b47da345ab52ccdc0da01d62cb5d47195b339a",
	"sign2.s3.p2.rv.sha256":  "335717884b382e64216dcda813cdf3139e28e6c8ffb8e33ace1c3c2ac241e4a6",
	"sign2.R":                "02253b45f256f1d8b9bdac0934b971e7ce27bcdd291606bab72bb2b6cfce9494d3",
	"sign2.R'":               "033db58669696c44df7471d361fd1b1540782e26f5d2c809cc065e830560a471e9",
	"sign2.r":                "3db58669696c44df7471d361fd1b1540782e26f5d2c809cc065e830560a471e9",
	"sign2.s":                "1023ab12c73d6dc26657088abf0ed975685d1e7518c44018436764dfce792fd7",
	"sign2.recid":            "0",
}

func TestRunSign2AfterRefreshKnownAnswers(t *testing.T) {
	t.Parallel()
	kg, err := testvec.RunKeygen(testvec.DefaultKeygen())
	require.NoError(t, err)
	rf, err := testvec.RunRefresh(testvec.DefaultRefresh(kg.Keyshares))
	require.NoError(t, err)
	run, err := testvec.RunSign(testvec.DefaultSign2(rf.Keyshares))
	require.NoError(t, err)
	vs := run.SignValues("sign2")
	got := map[string]string{}
	for _, v := range vs {
		got[v.Name] = v.Hex
	}
	for name, want := range sign2Want {
		require.Equal(t, want, got[name], name)
	}
	// Path m: δ = 0 and Q′ = Q.
	q := kg.Keyshares[0].PublicKey()
	require.Equal(t, hex.EncodeToString(q[:]), got["sign2.Q'"])
	require.Equal(t, hex.EncodeToString(make([]byte, 32)), got["sign2.delta"])
}
