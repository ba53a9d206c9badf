package mpc

import (
	"context"
	"crypto/ed25519"
	"crypto/hkdf"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tandem-mpc/tandem/relay"
	"github.com/tandem-mpc/tandem/signer"
)

// The inputs and expected values of WIRE.md Appendix A.
const (
	vecLabel   = "tandem/example/v1"
	vecSeed1   = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"
	vecSeed2   = "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb"
	vecVK1     = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
	vecVK2     = "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c"
	vecVK1Text = "ED25519:11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="
	// RFC 7748 §6.1 (Alice = party 1, Bob = party 2).
	vecEph1 = "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"
	vecEph2 = "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb"
	vecEPK1 = "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a"
	vecEPK2 = "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f"

	vecTagHash     = "ef418d113eec793ed8997f778219e4884c1fa38f772c63b3cb2eb45a074b355c"
	vecIDBcast1R1  = "54304efc82521d8cb6b30ff4905c85b16269e121a833e32f0cd26072d8b8f3d4"
	vecID1to2R2    = "3670fb07b542d486b5799d7c91275625e79bcde6830109ba94c5f374ad8b6030"
	vecID2to1R2    = "aaa514500735be6c42897b4bb2045351de4f8b818209b607e99fbb4baca89833"
	vecIDAbort1    = "fb026dc41969b586eb64896c513d1df806707d0400a6d9477d15c913797e7970"
	vecShared      = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742"
	vecSalt        = "80d201beac4949c65bcdbe59d6cbbf562f15c22011f360194e1e739918b65d6d"
	vecPRK         = "fa9d4832f514937a67d772830e85831ecde99588a91d16ae07b1355949f9247d"
	vecKAB         = "bd8c76d7d49aa82d666a11e82ee63fd6eb6bfd90b971fe71b4246c066df3b3ef"
	vecKBA         = "ee6302369dc559b8a18dde99d1984acdf01131e317d373727c3420bed6929cb1"
	vecNonceR2     = "000000000000000200000000"
	vecSubPresign  = "1b6d73524211cb8b921020a1c14409453ebb205bc9530a78e4da1128409c1921"
	vecSubFinish   = "6b48019cb985736aa7321529c380fab9e72058feee51ca4ac8748f6e71a8c658"
	vecSignedFrame = "54304efc82521d8cb6b30ff4905c85b16269e121a833e32f0cd26072d8b8f3d4" +
		"64000000" + "01010100" + "0000000100000000" +
		"8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a" +
		"68656c6c6f20726f756e642031" +
		"51086d2ded333680adb2318bc84d9cdc905a5f2657d058dea5e2bd833f60c943" +
		"4375a49ec719c7a87d34df6edd6fc0836efbcf98d8d7f86926a1dd1b006e900f"
	vecEncryptedFrame = "3670fb07b542d486b5799d7c91275625e79bcde6830109ba94c5f374ad8b603064000000010200000000000200000000e5891366f82f665573534891885eaaf370973624f7269de66797dcba08d0"
	vecAbortFrame     = "fb026dc41969b586eb64896c513d1df806707d0400a6d9477d15c913797e79706400000001030000ffffffffffffffff000102140000000200096261642070726f6f667d3f72b0c808765072e1f73a4b58b17c640e67e21d82137e3346776886e5890b47b3b9d301f868a457d2024a67609fc10ca61b0aad3d3031c42ef2452820de02"
	vecTTL100         = 100
)

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	require.NoError(t, err)
	return b
}

// vecParty is one party of the Appendix A vectors.
type vecParty struct {
	signer signer.Signer
	vk     signer.VerifyingKey
	enc    []byte
	eph    string // X25519 secret, hex
}

func vecParties(t testing.TB) (p1, p2 vecParty) {
	t.Helper()
	mk := func(seed, vkHex, eph string) vecParty {
		s := signer.NewEd25519Signer(ed25519.NewKeyFromSeed(unhex(t, seed)))
		vk := s.VerifyingKey()
		require.Equal(t, vkHex, hex.EncodeToString(vk.Raw()))
		return vecParty{signer: s, vk: vk, enc: vk.Encoding(), eph: eph}
	}
	return mk(vecSeed1, vecVK1, vecEph1), mk(vecSeed2, vecVK2, vecEph2)
}

func vecInstance() InstanceID {
	var id InstanceID
	for i := range id {
		id[i] = 0x01
	}
	return id
}

// vecKeys derives party p's keys against peer q from the vector ephemeral secrets.
func vecKeys(t testing.TB, p, q vecParty) *p2pKeys {
	t.Helper()
	inst := vecInstance()
	eph, err := ephemeralKeyFromSecret(unhex(t, p.eph))
	require.NoError(t, err)
	peerEph, err := ephemeralKeyFromSecret(unhex(t, q.eph))
	require.NoError(t, err)
	k, err := deriveKeys(eph, vecLabel, &inst, p.enc, q.enc, peerEph.public())
	require.NoError(t, err)
	return k
}

func TestVectorsIDs(t *testing.T) {
	p1, p2 := vecParties(t)
	inst := vecInstance()
	require.Equal(t, vecVK1Text, p1.vk.String())

	tagHash := sha256.Sum256([]byte(tagMsgID))
	require.Equal(t, vecTagHash, hex.EncodeToString(tagHash[:]))

	tests := []struct {
		name     string
		tag      uint64
		sender   signer.VerifyingKey
		receiver *signer.VerifyingKey
		want     string
	}{
		{"broadcast from 1, round 1", Tag(1, 0), p1.vk, nil, vecIDBcast1R1},
		{"1 to 2, round 2", Tag(2, 0), p1.vk, &p2.vk, vecID1to2R2},
		{"2 to 1, round 2", Tag(2, 0), p2.vk, &p1.vk, vecID2to1R2},
		{"abort from 1", AbortTag, p1.vk, nil, vecIDAbort1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := MessageID(vecLabel, inst, tt.tag, tt.sender, tt.receiver)
			require.Equal(t, tt.want, got.String())
			// The midstate path agrees with the plain definition of TH.
			var renc []byte
			if tt.receiver != nil {
				renc = tt.receiver.Encoding()
			}
			plain := taggedHash(tagMsgID, msgIDPreimage(nil, vecLabel, &inst, tt.tag, tt.sender.Encoding(), renc))
			require.Equal(t, tt.want, hex.EncodeToString(plain[:]))
		})
	}
	exp := abortExpectation(vecLabel, &inst, p1.vk)
	require.Equal(t, vecIDAbort1, exp.id.String())
}

func TestVectorsKeySchedule(t *testing.T) {
	p1, p2 := vecParties(t)
	inst := vecInstance()
	require.Negative(t, strings.Compare(string(p2.enc), string(p1.enc)), "party 2 is A")

	e1, err := ephemeralKeyFromSecret(unhex(t, vecEph1))
	require.NoError(t, err)
	e2, err := ephemeralKeyFromSecret(unhex(t, vecEph2))
	require.NoError(t, err)
	require.Equal(t, vecEPK1, hex.EncodeToString(e1.public()))
	require.Equal(t, vecEPK2, hex.EncodeToString(e2.public()))

	shared, err := e1.priv.ECDH(e2.priv.PublicKey())
	require.NoError(t, err)
	require.Equal(t, vecShared, hex.EncodeToString(shared))

	// A = party 2, B = party 1.
	salt := kexSalt(vecLabel, &inst, p2.enc, p1.enc, e2.public(), e1.public())
	require.Equal(t, vecSalt, hex.EncodeToString(salt[:]))
	prk, err := hkdf.Extract(sha256.New, shared, salt[:])
	require.NoError(t, err)
	require.Equal(t, vecPRK, hex.EncodeToString(prk))

	k1 := vecKeys(t, p1, p2)
	k2 := vecKeys(t, p2, p1)
	for _, k := range []*p2pKeys{k1, k2} {
		require.Equal(t, vecKAB, hex.EncodeToString(k.keys.kAB[:]))
		require.Equal(t, vecKBA, hex.EncodeToString(k.keys.kBA[:]))
	}
	require.False(t, k1.selfIsA)
	require.True(t, k2.selfIsA)

	nonce := aeadNonce(Tag(2, 0))
	require.Equal(t, vecNonceR2, hex.EncodeToString(nonce[:]))
}

func TestVectorsSubInstance(t *testing.T) {
	inst := vecInstance()
	p := SubInstance(inst, "presign")
	f := SubInstance(inst, "finish")
	require.Equal(t, vecSubPresign, p.Hex())
	require.Equal(t, vecSubFinish, f.Hex())
}

func TestVectorSignedKEXCarrier(t *testing.T) {
	p1, p2 := vecParties(t)
	inst := vecInstance()
	want := unhex(t, vecSignedFrame)
	require.Len(t, want, 157)

	e1, err := ephemeralKeyFromSecret(unhex(t, vecEph1))
	require.NoError(t, err)
	h := envHeader{id: messageID(vecLabel, &inst, Tag(1, 0), p1.enc, nil), ttlCode: relay.EncodeTTL(vecTTL100 * 1e9), tag: Tag(1, 0)}
	got, err := sealSigned(context.Background(), p1.signer, Signed, h, e1.public(), []byte("hello round 1"))
	require.NoError(t, err)
	require.Equal(t, hex.EncodeToString(want), hex.EncodeToString(got))

	exp := newExpectation(vecLabel, &inst, 1, 0, Signed, p1.vk, nil, true)
	env, err := openSigned(want, &exp)
	require.NoError(t, err)
	require.Equal(t, vecEPK1, hex.EncodeToString(env.epk))
	require.Equal(t, "hello round 1", string(env.payload))
	require.Equal(t, uint16(vecTTL100), env.header.ttlCode)
	_ = p2
}

func TestVectorEncrypted(t *testing.T) {
	p1, p2 := vecParties(t)
	inst := vecInstance()
	want := unhex(t, vecEncryptedFrame)
	require.Len(t, want, 78)

	k1 := vecKeys(t, p1, p2)
	h := envHeader{id: messageID(vecLabel, &inst, Tag(2, 0), p1.enc, p2.enc), ttlCode: vecTTL100, tag: Tag(2, 0)}
	got := sealEncrypted(k1, h, []byte("secret round 2"))
	require.Equal(t, hex.EncodeToString(want), hex.EncodeToString(got))

	k2 := vecKeys(t, p2, p1)
	exp := newExpectation(vecLabel, &inst, 2, 0, Encrypted, p1.vk, &p2.vk, false)
	pt, err := openEncrypted(nil, want, &exp, k2)
	require.NoError(t, err)
	require.Equal(t, "secret round 2", string(pt))
}

func TestVectorAbort(t *testing.T) {
	p1, _ := vecParties(t)
	inst := vecInstance()
	want := unhex(t, vecAbortFrame)
	require.Len(t, want, 131)

	p := abortPayload{code: AbortProtocolViolation, culprit: CulpritPeer, detail: 0x14, round: 2, reason: "bad proof"}
	pb, err := p.marshal()
	require.NoError(t, err)
	require.Equal(t, "0001021400000002000962616420"+"70726f6f66", hex.EncodeToString(pb))

	got, err := sealAbort(context.Background(), p1.signer, vecLabel, &inst, vecTTL100, p)
	require.NoError(t, err)
	require.Equal(t, hex.EncodeToString(want), hex.EncodeToString(got))

	exp := abortExpectation(vecLabel, &inst, p1.vk)
	opened, err := openAbort(want, &exp)
	require.NoError(t, err)
	require.Equal(t, p, opened)
}
