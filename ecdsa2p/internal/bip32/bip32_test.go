package bip32_test

import (
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/bip32"
	"github.com/tandem-mpc/tandem/internal/secp"
)

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	require.NoError(t, err)
	return b
}

// TestKnownAnswersBIP32 checks PROTOCOL.md §12.4(c): BIP-32 test vector 1, public chain.
func TestKnownAnswersBIP32(t *testing.T) {
	tests := []struct {
		parent               string
		index                uint32
		il, child, chainCode string
		xpubPrefix, xpubTail string
	}{
		{
			parent: "xpub68Gmy5EdvgibQVfPdqkBBCHxA5htiqg55crXYuXoQRKfDBFA1WEjWgP6LHhwBZeNK1VTsfTFUHCdrfp1bgwQ9xv5ski8PX9rL2dZXvgGDnw",
			index:  1, il: "4eb9d78157bae7a24115001621c4d91e3a3110e11e143c5259eaa4e55c5ec4bf",
			child:      "03501e454bf00751f24b1b489aa925215d66af2234e3891c3b21a52bedb3cd711c",
			chainCode:  "2a7857631386ba23dacac34180dd1983734e444fdbf774041578e9b6adb37c19",
			xpubPrefix: "xpub6ASuArnX", xpubTail: "ppuCkwQ",
		},
		{
			parent: "xpub6D4BDPcP2GT577Vvch3R8wDkScZWzQzMMUm3PWbmWvVJrZwQY4VUNgqFJPMM3No2dFDFGTsxxpG5uJh7n7epu4trkrX7x7DogT5Uv6fcLW5",
			index:  2, il: "437984d45c4a2f5840c65b3dc6d7274e2859ad25d092db032c49aa4d006a426b",
			child:      "02e8445082a72f29b75ca48748a914df60622a609cacfce8ed0e35804560741d29",
			chainCode:  "cfb71883f01676f587d023cc53a35bc7f88f724b1f8c2892ac1275ac822a3edd",
			xpubPrefix: "xpub6FHa3pjL", xpubTail: "4fiyLHV",
		},
	}
	var last *bip32.Child
	for _, tc := range tests {
		p, err := bip32.ParseXPub(tc.parent)
		require.NoError(t, err)
		require.Equal(t, tc.parent, p.XPub(), "xpub round trip")
		c, err := bip32.Derive(p.Key, p.ChainCode, bip32.Path{tc.index})
		require.NoError(t, err)
		require.Equal(t, tc.il, hex.EncodeToString(c.Tweak[:]), "I_L")
		require.Equal(t, tc.child, hex.EncodeToString(c.Key[:]))
		require.Equal(t, tc.chainCode, hex.EncodeToString(c.ChainCode[:]))
		c.Depth = p.Depth + 1 // Derive counts depth from its own root
		x := c.XPub()
		require.True(t, strings.HasPrefix(x, tc.xpubPrefix) && strings.HasSuffix(x, tc.xpubTail), x)
		last = c
	}
	// The third row: index 1000000000 below the previous child.
	c, err := bip32.Derive(last.Key, last.ChainCode, bip32.Path{1000000000})
	require.NoError(t, err)
	require.Equal(t, "37d3e49d8ecb854cc518bba096f46795a9707860bf0fc95e5b19278c997098d4", hex.EncodeToString(c.Tweak[:]))
	require.Equal(t, "022a471424da5e657499d1ff51cb43c47481a03b1e77f951fe64cec9f5a48f7011", hex.EncodeToString(c.Key[:]))
	require.Equal(t, "c783e67b921d2beb8f6b389cc646d7263b4145701dadd2161548a8b078e65e9e", hex.EncodeToString(c.ChainCode[:]))
	c.Depth = 5
	x := c.XPub()
	require.True(t, strings.HasPrefix(x, "xpub6H1LXWLa") && strings.HasSuffix(x, "JodrTHy"), x)

	// The two-step path /2/1000000000 from m/0H/1/2H: accumulated δ, and Q′ = Q + δ·G.
	p, err := bip32.ParseXPub(tests[1].parent)
	require.NoError(t, err)
	c2, err := bip32.Derive(p.Key, p.ChainCode, bip32.Path{2, 1000000000})
	require.NoError(t, err)
	require.Equal(t, "7b4d6971eb15b4a505df16de5dcb8ee3d1ca25868fa2a4618762d1d999dadb3f", hex.EncodeToString(c2.Tweak[:]))
	require.Equal(t, c.Key, c2.Key)
	require.Equal(t, c.ChainCode, c2.ChainCode)
	Q, err := new(secp.Point).SetBytes(p.Key[:])
	require.NoError(t, err)
	d, err := secp.NewScalar().SetCanonicalBytes(c2.Tweak[:])
	require.NoError(t, err)
	want, err := new(secp.Point).Add(Q, new(secp.Point).ScalarBaseMult(d)).Bytes()
	require.NoError(t, err)
	require.Equal(t, want, c2.Key)

	// The root path changes nothing.
	r, err := bip32.Derive(p.Key, p.ChainCode, bip32.Path{})
	require.NoError(t, err)
	require.Equal(t, p.Key, r.Key)
	require.Equal(t, [32]byte{}, r.Tweak)
}

// TestN26_PathSyntax is N26 of §12.2 plus the accepted forms of §9.2.
func TestN26_PathSyntax(t *testing.T) {
	long := "m" + strings.Repeat("/1", 256)
	max := "m" + strings.Repeat("/7", 255)
	tests := []struct {
		in   string
		want bip32.Path
		err  error
	}{
		{"m", bip32.Path{}, nil},
		{"m/0", bip32.Path{0}, nil},
		{"m/0/1", bip32.Path{0, 1}, nil},
		{"m/2147483647", bip32.Path{1<<31 - 1}, nil},
		{"m/0'", nil, bip32.ErrHardened},
		{"m/0h", nil, bip32.ErrHardened},
		{"m/0H", nil, bip32.ErrHardened},
		{"m/2147483648", nil, bip32.ErrHardened},
		{"m/4294967295", nil, bip32.ErrHardened},
		{"m/99999999999999999999999", nil, bip32.ErrInvalidPath},
		{"M/0", nil, bip32.ErrInvalidPath},
		{"m/01", nil, bip32.ErrInvalidPath},
		{"m//1", nil, bip32.ErrInvalidPath},
		{"m/1/", nil, bip32.ErrInvalidPath},
		{"m/ 1", nil, bip32.ErrInvalidPath},
		{"m/+1", nil, bip32.ErrInvalidPath},
		{"m/-1", nil, bip32.ErrInvalidPath},
		{"m/", nil, bip32.ErrInvalidPath},
		{"", nil, bip32.ErrInvalidPath},
		{"m/'", nil, bip32.ErrInvalidPath},
		{"m/1 ", nil, bip32.ErrInvalidPath},
		{long, nil, bip32.ErrInvalidPath},
	}
	for _, tc := range tests {
		p, err := bip32.ParsePath(tc.in)
		if tc.err != nil {
			require.True(t, errors.Is(err, tc.err), "%q: %v", tc.in, err)
			continue
		}
		require.NoError(t, err, tc.in)
		require.Equal(t, tc.want, p, tc.in)
		require.Equal(t, tc.in, p.String())
	}
	p, err := bip32.ParsePath(max)
	require.NoError(t, err)
	require.Len(t, p, 255)
}

func TestEncodedPath(t *testing.T) {
	p := bip32.Path{0, 1}
	require.Equal(t, "02"+"00000000"+"00000001", hex.EncodeToString(p.Encode()))
	require.Equal(t, []byte{0}, bip32.Path{}.Encode())
	q, err := bip32.ParseEncoded(p.Encode())
	require.NoError(t, err)
	require.Equal(t, p, q)
	for _, bad := range []string{"", "01", "0100000000ff", "0180000000", "020000000000000001ff"} {
		_, err := bip32.ParseEncoded(unhex(t, bad))
		require.ErrorIs(t, err, bip32.ErrInvalidPath, bad)
	}
}

func TestParseXPubRejects(t *testing.T) {
	good := "xpub68Gmy5EdvgibQVfPdqkBBCHxA5htiqg55crXYuXoQRKfDBFA1WEjWgP6LHhwBZeNK1VTsfTFUHCdrfp1bgwQ9xv5ski8PX9rL2dZXvgGDnw"
	for _, bad := range []string{"", "0", good[:len(good)-1], good[:10] + "1" + good[11:], good + "1", "xprv"} {
		_, err := bip32.ParseXPub(bad)
		require.ErrorIs(t, err, bip32.ErrInvalidXPub, bad)
	}
}

func FuzzParsePath(f *testing.F) {
	for _, s := range []string{"m", "m/0/1", "m/0'", "m//1", "m/2147483648", "m/01"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := bip32.ParsePath(s)
		if err != nil {
			return
		}
		require.True(t, p.Valid())
		require.Equal(t, s, p.String())
		q, err := bip32.ParseEncoded(p.Encode())
		require.NoError(t, err)
		require.Equal(t, p, q)
	})
}

func FuzzParseEncoded(f *testing.F) {
	f.Add([]byte{0})
	f.Add(bip32.Path{0, 1}.Encode())
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := bip32.ParseEncoded(b)
		if err != nil {
			return
		}
		require.Equal(t, b, p.Encode())
	})
}

func FuzzParseXPub(f *testing.F) {
	f.Add("xpub68Gmy5EdvgibQVfPdqkBBCHxA5htiqg55crXYuXoQRKfDBFA1WEjWgP6LHhwBZeNK1VTsfTFUHCdrfp1bgwQ9xv5ski8PX9rL2dZXvgGDnw")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := bip32.ParseXPub(s)
		if err != nil {
			return
		}
		_ = c.XPub()
	})
}
