package mpc

import (
	"encoding/base64"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLabelValidate(t *testing.T) {
	tests := []struct {
		label string
		ok    bool
	}{
		{"tandem/ecdsa2p/sign/v1", true},
		{"x", true},
		{"!", true},
		{"~", true},
		{strings.Repeat("a", 64), true},
		{"", false},
		{strings.Repeat("a", 65), false},
		{"has space", false},
		{"tab\there", false},
		{"del\x7f", false},
		{"nul\x00", false},
		{"é", false},
		{"newline\n", false},
	}
	for _, tt := range tests {
		err := Label(tt.label).Validate()
		if tt.ok {
			assert.NoError(t, err, "%q", tt.label)
		} else {
			assert.ErrorIs(t, err, ErrInvalidLabel, "%q", tt.label)
		}
	}
}

func TestParseInstanceID(t *testing.T) {
	var id InstanceID
	for i := range id {
		id[i] = byte(i + 1)
	}
	hexForm := hex.EncodeToString(id[:])
	b64 := base64.StdEncoding.EncodeToString(id[:])
	require.Equal(t, hexForm, id.Hex())
	require.Equal(t, b64, id.Base64())

	good := []string{hexForm, strings.ToUpper(hexForm), b64}
	for _, s := range good {
		got, err := ParseInstanceID(s)
		require.NoError(t, err, s)
		require.Equal(t, id, got, s)
	}
	bad := []string{
		"",
		hexForm[:62],
		hexForm + "00",
		"zz" + hexForm[2:],
		strings.Repeat("0", 64), // all zero
		base64.StdEncoding.EncodeToString(make([]byte, 32)), // all zero
		b64[:42] + "==",             // wrong padding shape
		strings.TrimRight(b64, "="), // unpadded
		base64.URLEncoding.EncodeToString(append([]byte{0xfb, 0xff}, id[2:]...)), // URL alphabet
		b64[:42] + "B=", // non-canonical trailing bits
		" " + b64[1:],
	}
	for _, s := range bad {
		_, err := ParseInstanceID(s)
		require.ErrorIs(t, err, ErrInvalidInstance, "%q", s)
	}
}

func TestRandomInstanceID(t *testing.T) {
	a, b := RandomInstanceID(), RandomInstanceID()
	require.False(t, a.IsZero())
	require.NotEqual(t, a, b)
	require.True(t, InstanceID{}.IsZero())
}

func TestSubInstance(t *testing.T) {
	inst := RandomInstanceID()
	p, f := SubInstance(inst, "presign"), SubInstance(inst, "finish")
	require.NotEqual(t, p, f)
	require.NotEqual(t, inst, p)
	require.Equal(t, p, SubInstance(inst, "presign"))
	// The definition, spelled out.
	want := taggedHash("tandem/v1/sub-instance", []byte{0, 0, 0, 32}, inst[:], []byte{0, 0, 0, 7}, []byte("presign"))
	require.Equal(t, InstanceID(want), p)
	// A [32]byte is accepted where an InstanceID is expected.
	var raw [32]byte = inst
	require.Equal(t, p, SubInstance(raw, "presign"))
}

func TestTags(t *testing.T) {
	require.Equal(t, uint64(0x0000_0002_0000_0001), Tag(2, 1))
	require.Equal(t, uint32(2), TagRound(Tag(2, 1)))
	require.Equal(t, uint32(1), TagSeq(Tag(2, 1)))
	require.Equal(t, AbortTag, Tag(0xFFFF_FFFF, 0xFFFF_FFFF))

	tests := []struct {
		tag                     uint64
		class                   tagClass
		signed, encrypted, abrt bool
	}{
		{Tag(0, 0), tagKEX, true, false, false},
		{Tag(0, 1), tagReserved, false, false, false},
		{Tag(0, 0xFFFF_FFFF), tagReserved, false, false, false},
		{Tag(1, 0), tagProtocol, true, true, false},
		{Tag(1, 0xFFFF_FFFF), tagProtocol, true, true, false},
		{Tag(MaxProtocolRound, 5), tagProtocol, true, true, false},
		{Tag(0xFFFF_FFFF, 0), tagReserved, false, false, false},
		{Tag(0xFFFF_FFFF, 0xFFFF_FFFE), tagReserved, false, false, false},
		{AbortTag, tagAbort, false, false, true},
	}
	for _, tt := range tests {
		require.Equal(t, tt.class, classifyTag(tt.tag), "%#x", tt.tag)
		require.Equal(t, tt.signed, tagAllowed(Signed, tt.tag), "%#x signed", tt.tag)
		require.Equal(t, tt.encrypted, tagAllowed(Encrypted, tt.tag), "%#x encrypted", tt.tag)
		require.Equal(t, tt.abrt, tagAllowed(kindAbort, tt.tag), "%#x abort", tt.tag)
		require.False(t, tagAllowed(Kind(0), tt.tag))
	}
}

func TestKindString(t *testing.T) {
	require.Equal(t, "signed", Signed.String())
	require.Equal(t, "encrypted", Encrypted.String())
	require.Equal(t, "abort", kindAbort.String())
	require.Equal(t, "kind(0x00)", Kind(0).String())
	require.Equal(t, "kind(0xfe)", Kind(0xfe).String())
}

func TestLabelsUnique(t *testing.T) {
	seen := map[string]bool{}
	for _, l := range allLabels {
		require.False(t, seen[l], "duplicate label %q", l)
		seen[l] = true
	}
	require.Len(t, labelSignedEnvelope, 25, "the signing prefix byte u8(25) of WIRE.md §10.6")
	require.Equal(t, byte(25), signingPrefix[0])
}
