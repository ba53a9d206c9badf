package signer_test

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tandem-mpc/tandem/signer"
)

// Appendix A of WIRE.md (the seeds are RFC 8032 §7.1 tests 1 and 2).
const (
	seed1Hex = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"
	vk1Hex   = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
	vk1Text  = "ED25519:11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="
	seed2Hex = "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb"
	vk2Hex   = "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c"

	// RFC 8032 §7.1 test 1: the signature of the empty message under seed 1.
	rfc8032Sig1Hex = "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"

	// Appendix A: the SIGNED KEX carrier and the ABORT frame, both from party 1.
	signedFrameHex = "54304efc82521d8cb6b30ff4905c85b16269e121a833e32f0cd26072d8b8f3d4" +
		"64000000" + "01010100" + "0000000100000000" +
		"8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a" +
		"68656c6c6f20726f756e642031" +
		"51086d2ded333680adb2318bc84d9cdc905a5f2657d058dea5e2bd833f60c943" +
		"4375a49ec719c7a87d34df6edd6fc0836efbcf98d8d7f86926a1dd1b006e900f"
	abortFrameHex = "fb026dc41969b586eb64896c513d1df806707d0400a6d9477d15c913797e79706400000001030000ffffffffffffffff000102140000000200096261642070726f6f667d3f72b0c808765072e1f73a4b58b17c640e67e21d82137e3346776886e5890b47b3b9d301f868a457d2024a67609fc10ca61b0aad3d3031c42ef2452820de02"
)

// envelopeSigningInput is WIRE.md §10.6's signing input: u8(25) ‖ "tandem/v1/signed-envelope" ‖
// frame[0 : len−64].
func envelopeSigningInput(frame []byte) []byte {
	const label = "tandem/v1/signed-envelope"
	in := append([]byte{byte(len(label))}, label...)
	return append(in, frame[:len(frame)-64]...)
}

func TestAppendixAVerifyingKeys(t *testing.T) {
	for _, tc := range []struct {
		name, seed, vk string
	}{
		{"party 1", seed1Hex, vk1Hex},
		{"party 2", seed2Hex, vk2Hex},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := signer.NewEd25519Signer(ed25519.NewKeyFromSeed(mustHex(t, tc.seed)))
			vk := s.VerifyingKey()
			require.False(t, vk.IsZero())
			assert.Equal(t, signer.Ed25519, vk.Type())
			assert.Equal(t, tc.vk, hexOf(vk.Raw()))
			assert.Equal(t, "01"+tc.vk, hexOf(vk.Encoding()))

			fromRaw, err := signer.NewVerifyingKey(signer.Ed25519, mustHex(t, tc.vk))
			require.NoError(t, err)
			assert.True(t, fromRaw.Equal(vk))
		})
	}

	vk1, err := signer.NewVerifyingKey(signer.Ed25519, mustHex(t, vk1Hex))
	require.NoError(t, err)
	assert.Equal(t, vk1Text, vk1.String())
	parsed, err := signer.ParseVerifyingKey(vk1Text)
	require.NoError(t, err)
	assert.Equal(t, vk1, parsed)

	j, err := json.Marshal(vk1)
	require.NoError(t, err)
	assert.JSONEq(t, `{"keyType":"ED25519","value":"11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="}`, string(j))
	assert.Equal(t, `{"keyType":"ED25519","value":"11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="}`, string(j))

	// enc(vk2) < enc(vk1): party 2 is A (WIRE.md §10.7).
	vk2, err := signer.NewVerifyingKey(signer.Ed25519, mustHex(t, vk2Hex))
	require.NoError(t, err)
	assert.Less(t, string(vk2.Encoding()), string(vk1.Encoding()))
}

func TestAppendixASignatures(t *testing.T) {
	k1 := signer.NewEd25519Signer(ed25519.NewKeyFromSeed(mustHex(t, seed1Hex)))
	ctx := context.Background()

	// RFC 8032 test 1.
	sig, err := k1.Sign(ctx, nil)
	require.NoError(t, err)
	assert.Equal(t, rfc8032Sig1Hex, hexOf(sig))
	assert.True(t, k1.VerifyingKey().Verify(nil, sig))

	// The Appendix A SIGNED and ABORT frames: re-signing reproduces their signatures exactly.
	for _, tc := range []struct{ name, frame string }{
		{"SIGNED KEX carrier", signedFrameHex},
		{"ABORT", abortFrameHex},
	} {
		t.Run(tc.name, func(t *testing.T) {
			frame := mustHex(t, tc.frame)
			in := envelopeSigningInput(frame)
			want := frame[len(frame)-64:]
			assert.True(t, k1.VerifyingKey().Verify(in, want))
			got, err := k1.Sign(ctx, in)
			require.NoError(t, err)
			assert.Equal(t, hexOf(want), hexOf(got))
		})
	}
}
