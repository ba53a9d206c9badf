package mpc

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tandem-mpc/tandem/signer"
)

func TestAbortCodeString(t *testing.T) {
	want := map[AbortCode]string{
		AbortUnspecified: "UNSPECIFIED", AbortProtocolViolation: "PROTOCOL_VIOLATION",
		AbortLocalError: "LOCAL_ERROR", AbortCancelled: "CANCELLED", AbortTimeout: "TIMEOUT",
		AbortRejected: "REJECTED", AbortTransport: "TRANSPORT", AbortUnsupported: "UNSUPPORTED",
		AbortInputMismatch: "INPUT_MISMATCH", 9: "UNKNOWN_9", 0xFFFF: "UNKNOWN_65535",
	}
	for c, s := range want {
		assert.Equal(t, s, c.String())
	}
	for i := range 9 {
		assert.Equal(t, AbortCode(i), []AbortCode{AbortUnspecified, AbortProtocolViolation, AbortLocalError,
			AbortCancelled, AbortTimeout, AbortRejected, AbortTransport, AbortUnsupported, AbortInputMismatch}[i])
	}
}

func TestCulprit(t *testing.T) {
	assert.Equal(t, "none", CulpritNone.String())
	assert.Equal(t, "self", CulpritSelf.String())
	assert.Equal(t, "peer", CulpritPeer.String())
	assert.Equal(t, "culprit(7)", Culprit(7).String())
	assert.Equal(t, CulpritSelf, CulpritPeer.flip())
	assert.Equal(t, CulpritPeer, CulpritSelf.flip())
	assert.Equal(t, CulpritNone, CulpritNone.flip())
}

func TestAbortPayloadRoundTrip(t *testing.T) {
	tests := []abortPayload{
		{},
		{code: AbortProtocolViolation, culprit: CulpritPeer, detail: 0x14, round: 2, reason: "bad proof"},
		{code: 0xBEEF, culprit: CulpritSelf, detail: 0xff, round: 0xFFFF_FFFF, reason: strings.Repeat("x", MaxAbortReason)},
		{code: AbortRejected, reason: "not valid \xff utf-8 \x00\x1b[31m"},
	}
	for _, p := range tests {
		b, err := p.marshal()
		require.NoError(t, err)
		require.Len(t, b, abortPayloadFixed+len(p.reason))
		got, err := parseAbortPayload(b)
		require.NoError(t, err)
		require.Equal(t, p, got)
		again, err := got.marshal()
		require.NoError(t, err)
		require.Equal(t, b, again)
	}
}

func TestAbortPayloadErrors(t *testing.T) {
	_, err := (&abortPayload{reason: strings.Repeat("x", MaxAbortReason+1)}).marshal()
	require.ErrorIs(t, err, errAbortPayload)
	_, err = (&abortPayload{culprit: 3}).marshal()
	require.ErrorIs(t, err, errAbortPayload)

	valid, err := (&abortPayload{code: 1, reason: "abc"}).marshal()
	require.NoError(t, err)
	long := append([]byte{0, 1, 0, 0, 0, 0, 0, 0, 0x01, 0x01}, make([]byte, 257)...)
	bad := map[string][]byte{
		"empty":          nil,
		"9 bytes":        valid[:9],
		"fixed only":     valid[:10],
		"short reason":   valid[:12],
		"trailing byte":  append(valid, 0),
		"culprit 3":      {0, 1, 3, 0, 0, 0, 0, 0, 0, 0},
		"culprit 0xff":   {0, 1, 0xff, 0, 0, 0, 0, 0, 0, 0},
		"reason 257":     long,
		"reason len max": {0, 1, 0, 0, 0, 0, 0, 0, 0xff, 0xff},
	}
	for name, b := range bad {
		_, err := parseAbortPayload(b)
		require.ErrorIs(t, err, errAbortPayload, name)
	}
}

func TestAbortEnvelope(t *testing.T) {
	for _, kt := range []signer.KeyType{signer.Ed25519, signer.ECDSAP256} {
		s := newSession(t, kt, signer.Ed25519)
		p := abortPayload{code: AbortInputMismatch, detail: 3, round: 1, reason: AbortInputMismatch.String()}
		f, err := sealAbort(context.Background(), s.a.signer, s.label, &s.inst, 60, p)
		require.NoError(t, err)
		require.Len(t, f, 122+len(p.reason), "§10.12 overhead")
		exp := abortExpectation(s.label, &s.inst, s.a.vk)
		got, err := openAbort(f, &exp)
		require.NoError(t, err)
		require.Equal(t, p, got)

		// An authenticated ABORT with an invalid payload: dropped as unauthenticated input.
		h := envHeader{id: exp.id, ttlCode: 60, tag: AbortTag}
		bad, err := sealSigned(context.Background(), s.a.signer, kindAbort, h, nil, []byte{0, 1, 2})
		require.NoError(t, err)
		_, err = openAbort(bad, &exp)
		require.ErrorIs(t, err, errBadAbortPayload)
		require.True(t, isDrop(err))

		// Signed by the other party: not the expected sender.
		exp2 := abortExpectation(s.label, &s.inst, s.b.vk)
		_, err = openAbort(f, &exp2)
		require.ErrorIs(t, err, errWrongID)

		_, err = sealAbort(context.Background(), s.a.signer, s.label, &s.inst, 60, abortPayload{reason: strings.Repeat("y", 300)})
		require.ErrorIs(t, err, errAbortPayload)
	}
}

func TestSanitizeReason(t *testing.T) {
	tests := map[string]string{
		"bad proof":                     "bad proof",
		"a\x00b\nc\td\x7f":              "abcd",
		"\x1b[31mred\x1b[0m":            "[31mred[0m",
		"rtl\u202eevil":                 "rtlevil",
		"zero\u200bwidth":               "zerowidth",
		"bad \xff utf8":                 "bad \uFFFD utf8",
		"ünïcödé ok":                    "ünïcödé ok",
		"\u0085next line \u2028 sep ok": "next line \u2028 sep ok",
	}
	for in, want := range tests {
		assert.Equal(t, want, SanitizeReason(in), "%q", in)
	}
}

func TestTruncateReason(t *testing.T) {
	assert.Equal(t, "short", TruncateReason("short"))
	assert.Len(t, TruncateReason(strings.Repeat("a", 300)), MaxAbortReason)
	// A multi-byte rune straddling the limit is dropped whole.
	s := strings.Repeat("a", 255) + "é" + "b"
	got := TruncateReason(s)
	assert.Equal(t, strings.Repeat("a", 255), got)
	assert.Equal(t, "\uFFFD", TruncateReason("\xff"))
}
