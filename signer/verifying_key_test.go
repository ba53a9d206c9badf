package signer_test

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tandem-mpc/tandem/signer"
)

func TestParseKeyType(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want signer.KeyType
	}{
		{"ED25519", signer.Ed25519},
		{"Ed25519", signer.Ed25519},
		{"ECDSA_P256_SEC1", signer.ECDSAP256},
		{"ECDSA_P256", signer.ECDSAP256},
	} {
		got, err := signer.ParseKeyType(tc.in)
		require.NoError(t, err, tc.in)
		assert.Equal(t, tc.want, got, tc.in)
	}
	for _, bad := range []string{"", "ed25519", "ED25519 ", "ECDSA_P256_sec1", "ECDSA_P384", "RSA", "SECP256K1", "ED448"} {
		_, err := signer.ParseKeyType(bad)
		assert.ErrorIs(t, err, signer.ErrUnknownKeyType, "%q", bad)
	}
}

func TestVerifyingKeyRoundTrips(t *testing.T) {
	for typ, k := range genKeys(t) {
		t.Run(string(typ), func(t *testing.T) {
			vk := k.VerifyingKey()
			require.Equal(t, typ, vk.Type())
			raw := vk.Raw()
			wantLen := map[signer.KeyType]int{signer.Ed25519: 32, signer.ECDSAP256: 33}[typ]
			require.Len(t, raw, wantLen)

			// Raw returns a copy.
			raw[0] ^= 0xff
			assert.NotEqual(t, raw, vk.Raw())
			raw[0] ^= 0xff

			// Raw.
			got, err := signer.NewVerifyingKey(typ, raw)
			require.NoError(t, err)
			assert.True(t, got.Equal(vk))
			assert.True(t, got == vk, "== agrees with Equal")

			// Typed encoding.
			enc := vk.Encoding()
			require.Len(t, enc, 1+wantLen)
			assert.Equal(t, map[signer.KeyType]byte{signer.Ed25519: 0x01, signer.ECDSAP256: 0x02}[typ], enc[0])
			got, err = signer.ParseVerifyingKeyEncoding(enc)
			require.NoError(t, err)
			assert.Equal(t, vk, got)

			// Text.
			text := vk.String()
			assert.Equal(t, string(typ)+":"+base64.StdEncoding.EncodeToString(raw), text)
			got, err = signer.ParseVerifyingKey(text)
			require.NoError(t, err)
			assert.Equal(t, vk, got)
			mt, err := vk.MarshalText()
			require.NoError(t, err)
			assert.Equal(t, text, string(mt))
			var ut signer.VerifyingKey
			require.NoError(t, ut.UnmarshalText(mt))
			assert.Equal(t, vk, ut)

			// JSON, directly and as a struct field and map key.
			j, err := json.Marshal(vk)
			require.NoError(t, err)
			assert.Equal(t, `{"keyType":"`+string(typ)+`","value":"`+base64.StdEncoding.EncodeToString(raw)+`"}`, string(j))
			var uj signer.VerifyingKey
			require.NoError(t, json.Unmarshal(j, &uj))
			assert.Equal(t, vk, uj)

			type wrapper struct {
				Peer  signer.VerifyingKey
				Names map[signer.VerifyingKey]string
			}
			w := wrapper{Peer: vk, Names: map[signer.VerifyingKey]string{vk: "peer"}}
			wj, err := json.Marshal(w)
			require.NoError(t, err)
			var w2 wrapper
			require.NoError(t, json.Unmarshal(wj, &w2))
			assert.Equal(t, w, w2)
		})
	}
}

func TestVerifyingKeyAliases(t *testing.T) {
	keys := genKeys(t)
	for _, tc := range []struct {
		alias string
		typ   signer.KeyType
	}{
		{"Ed25519", signer.Ed25519},
		{"ECDSA_P256", signer.ECDSAP256},
	} {
		vk := keys[tc.typ].VerifyingKey()
		b64 := base64.StdEncoding.EncodeToString(vk.Raw())

		got, err := signer.ParseVerifyingKey(tc.alias + ":" + b64)
		require.NoError(t, err)
		assert.Equal(t, vk, got)
		assert.Equal(t, string(tc.typ)+":"+b64, got.String(), "String uses the wire name")

		var uj signer.VerifyingKey
		require.NoError(t, json.Unmarshal([]byte(`{"keyType":"`+tc.alias+`","value":"`+b64+`"}`), &uj))
		assert.Equal(t, vk, uj)

		got, err = signer.NewVerifyingKey(signer.KeyType(tc.alias), vk.Raw())
		require.NoError(t, err)
		assert.Equal(t, vk, got)
		assert.Equal(t, tc.typ, got.Type())
	}
}

func TestVerifyingKeyZero(t *testing.T) {
	var z signer.VerifyingKey
	assert.True(t, z.IsZero())
	assert.Equal(t, signer.KeyType(""), z.Type())
	assert.Nil(t, z.Raw())
	assert.Nil(t, z.Encoding())
	assert.False(t, z.Verify(nil, make([]byte, 64)))
	assert.NotEmpty(t, z.String())
	_, err := z.MarshalText()
	assert.ErrorIs(t, err, signer.ErrInvalidKey)
	j, err := json.Marshal(z)
	require.NoError(t, err)
	assert.Equal(t, "null", string(j))

	// null leaves a key unchanged; a failed unmarshal too.
	vk := genKeys(t)[signer.Ed25519].VerifyingKey()
	k := vk
	require.NoError(t, json.Unmarshal([]byte("null"), &k))
	assert.Equal(t, vk, k)
	assert.Error(t, json.Unmarshal([]byte(`{"keyType":"ED25519","value":"AAAA"}`), &k))
	assert.Equal(t, vk, k)
	assert.Error(t, k.UnmarshalText([]byte("ED25519:")))
	assert.Equal(t, vk, k)
	assert.False(t, k.Equal(z))

	// The text form as a JSON string is accepted too (encoding/json passes map keys that way).
	require.NoError(t, json.Unmarshal([]byte(`"`+vk1Text+`"`), &k))
	assert.Equal(t, vk1Text, k.String())
}

func TestVerifyingKeyWrongType(t *testing.T) {
	keys := genKeys(t)
	ed := keys[signer.Ed25519].VerifyingKey()
	p := keys[signer.ECDSAP256].VerifyingKey()

	// A key of one type presented as the other.
	_, err := signer.NewVerifyingKey(signer.ECDSAP256, ed.Raw())
	assert.ErrorIs(t, err, signer.ErrInvalidKey)
	_, err = signer.NewVerifyingKey(signer.Ed25519, p.Raw())
	assert.ErrorIs(t, err, signer.ErrInvalidKey)
	_, err = signer.ParseVerifyingKey("ECDSA_P256_SEC1:" + base64.StdEncoding.EncodeToString(ed.Raw()))
	assert.ErrorIs(t, err, signer.ErrInvalidKey)
	encSwapped := append([]byte{0x02}, ed.Raw()...)
	_, err = signer.ParseVerifyingKeyEncoding(encSwapped)
	assert.ErrorIs(t, err, signer.ErrInvalidKey)

	// Unknown types.
	for _, typ := range []signer.KeyType{"", "RSA", "ed25519", "SECP256K1"} {
		_, err := signer.NewVerifyingKey(typ, ed.Raw())
		assert.ErrorIs(t, err, signer.ErrUnknownKeyType, "%q", typ)
	}
	for _, code := range []byte{0x00, 0x03, 0x04, 0xff} {
		_, err := signer.ParseVerifyingKeyEncoding(append([]byte{code}, ed.Raw()...))
		assert.ErrorIs(t, err, signer.ErrUnknownKeyType, "code %#x", code)
	}
	_, err = signer.ParseVerifyingKey("SECP256K1:" + base64.StdEncoding.EncodeToString(p.Raw()))
	assert.ErrorIs(t, err, signer.ErrUnknownKeyType)

	// Signatures do not cross types.
	ctx := t.Context()
	for _, k := range keys {
		sig, err := k.Sign(ctx, []byte("m"))
		require.NoError(t, err)
		other := ed
		if k.Type() == signer.Ed25519 {
			other = p
		}
		assert.False(t, other.Verify([]byte("m"), sig))
	}
}

func TestVerifyingKeyWrongLengths(t *testing.T) {
	keys := genKeys(t)
	for typ, k := range keys {
		raw := k.VerifyingKey().Raw()
		enc := k.VerifyingKey().Encoding()
		for _, n := range []int{0, 1, 31, 32, 33, 34, 64, 65, 66} {
			if n == len(raw) || (typ == signer.ECDSAP256 && n == 65) {
				continue
			}
			b := make([]byte, n)
			copy(b, raw)
			_, err := signer.NewVerifyingKey(typ, b)
			assert.ErrorIs(t, err, signer.ErrInvalidKey, "%s raw %d bytes", typ, n)
			_, err = signer.ParseVerifyingKey(string(typ) + ":" + base64.StdEncoding.EncodeToString(b))
			assert.ErrorIs(t, err, signer.ErrInvalidKey, "%s text %d bytes", typ, n)
			_, err = signer.ParseVerifyingKeyEncoding(append([]byte{enc[0]}, b...))
			assert.ErrorIs(t, err, signer.ErrInvalidKey, "%s encoding %d bytes", typ, n)
		}
		_, err := signer.ParseVerifyingKeyEncoding(enc[:1])
		assert.ErrorIs(t, err, signer.ErrInvalidKey)
		_, err = signer.ParseVerifyingKeyEncoding(append(enc, 0))
		assert.ErrorIs(t, err, signer.ErrInvalidKey)
	}
	_, err := signer.ParseVerifyingKeyEncoding(nil)
	assert.ErrorIs(t, err, signer.ErrInvalidKey)
}

func TestParseVerifyingKeyMalformed(t *testing.T) {
	b64 := strings.TrimPrefix(vk1Text, "ED25519:")
	for _, tc := range []struct {
		name, text string
		want       error
	}{
		{"empty", "", signer.ErrInvalidKey},
		{"no colon", "ED25519" + b64, signer.ErrInvalidKey},
		{"no value", "ED25519:", signer.ErrInvalidKey},
		{"no type", ":" + b64, signer.ErrUnknownKeyType},
		{"lower-case type", "ed25519:" + b64, signer.ErrUnknownKeyType},
		{"space before value", "ED25519: " + b64, signer.ErrInvalidKey},
		{"trailing space", vk1Text + " ", signer.ErrInvalidKey},
		{"trailing newline", vk1Text + "\n", signer.ErrInvalidKey},
		{"embedded newline", "ED25519:" + b64[:10] + "\n" + b64[10:], signer.ErrInvalidKey},
		{"embedded CR", "ED25519:" + b64[:10] + "\r" + b64[10:], signer.ErrInvalidKey},
		{"missing padding", strings.TrimSuffix(vk1Text, "="), signer.ErrInvalidKey},
		{"url alphabet", "ED25519:" + base64.URLEncoding.EncodeToString(mustHex(t, vk1Hex)), signer.ErrInvalidKey},
		{"non-zero trailing bits", "ED25519:" + b64[:len(b64)-2] + "b=", signer.ErrInvalidKey},
		{"second colon", vk1Text + ":", signer.ErrInvalidKey},
		{"hex value", "ED25519:" + vk1Hex, signer.ErrInvalidKey},
		{"very long", "ED25519:" + strings.Repeat("A", 10000), signer.ErrInvalidKey},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k, err := signer.ParseVerifyingKey(tc.text)
			require.Error(t, err)
			assert.ErrorIs(t, err, tc.want)
			assert.True(t, strings.HasPrefix(err.Error(), "signer: "), err.Error())
			assert.True(t, k.IsZero())
		})
	}
}

func TestUnmarshalJSONMalformed(t *testing.T) {
	b64 := strings.TrimPrefix(vk1Text, "ED25519:")
	for _, tc := range []struct {
		name, json string
		want       error
	}{
		{"string, not a key", `"` + vk1Text[1:] + `"`, signer.ErrUnknownKeyType},
		{"number", `12`, signer.ErrInvalidKey},
		{"array", `[]`, signer.ErrInvalidKey},
		{"missing keyType", `{"value":"` + b64 + `"}`, signer.ErrUnknownKeyType},
		{"missing value", `{"keyType":"ED25519"}`, signer.ErrInvalidKey},
		{"unknown type", `{"keyType":"RSA","value":"` + b64 + `"}`, signer.ErrUnknownKeyType},
		{"value not a string", `{"keyType":"ED25519","value":12}`, signer.ErrInvalidKey},
		{"bad base64", `{"keyType":"ED25519","value":"` + b64[1:] + `"}`, signer.ErrInvalidKey},
		{"short value", `{"keyType":"ED25519","value":"AAAA"}`, signer.ErrInvalidKey},
		{"small-order key", `{"keyType":"ED25519","value":"AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}`, signer.ErrInvalidKey},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var k signer.VerifyingKey
			err := json.Unmarshal([]byte(tc.json), &k)
			require.Error(t, err)
			assert.True(t, errors.Is(err, tc.want), "%v", err)
			assert.True(t, k.IsZero())
		})
	}
}
