package mpc

import (
	"bytes"
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tandem-mpc/tandem/relay"
)

func validHeaders() []envHeader {
	id := relay.MsgID{1, 2, 3, 31: 0xff}
	return []envHeader{
		{id: id, ttlCode: 100, kind: Signed, tag: Tag(1, 0)},
		{id: id, ttlCode: 0xFFFF, flags: 0xFFFF, kind: Signed, ext: extKEX, tag: Tag(0, 0)},
		{id: id, ttlCode: 0, kind: Encrypted, tag: Tag(MaxProtocolRound, 0xFFFF_FFFF)},
		{id: id, ttlCode: 256, flags: 0x8000, kind: kindAbort, tag: AbortTag},
	}
}

func TestEnvHeaderRoundTrip(t *testing.T) {
	for _, h := range validHeaders() {
		b := h.marshal()
		require.Len(t, b, envHeaderSize)
		require.Equal(t, byte(envVersion), b[offVersion])
		require.Zero(t, b[offReserved])
		rh, err := relay.ParseHeader(b)
		require.NoError(t, err)
		require.Equal(t, h.id, rh.ID)
		require.Equal(t, h.ttlCode, rh.TTLCode)
		require.Equal(t, h.flags, rh.Flags)
		require.Equal(t, h.tag, binary.BigEndian.Uint64(b[offTag:]))

		got, err := parseEnvHeader(append(bytes.Clone(b), "trailing body"...))
		require.NoError(t, err)
		require.Equal(t, h, got)
		require.Equal(t, b, got.marshal())
	}
}

func TestParseEnvHeaderErrors(t *testing.T) {
	base := validHeaders()[0].marshal()
	tests := []struct {
		name string
		mut  func([]byte) []byte
		want error
	}{
		{"empty", func(b []byte) []byte { return nil }, errShortFrame},
		{"relay header only", func(b []byte) []byte { return b[:relay.HeaderSize] }, errShortFrame},
		{"47 bytes", func(b []byte) []byte { return b[:47] }, errShortFrame},
		{"version 0", func(b []byte) []byte { b[offVersion] = 0; return b }, errBadVersion},
		{"version 0xff", func(b []byte) []byte { b[offVersion] = 0xff; return b }, errBadVersion},
		{"kind 0", func(b []byte) []byte { b[offKind] = 0; return b }, errBadKind},
		{"kind 4", func(b []byte) []byte { b[offKind] = 4; return b }, errBadKind},
		{"kind 0x81", func(b []byte) []byte { b[offKind] = 0x81; return b }, errBadKind},
		{"signed ext 2", func(b []byte) []byte { b[offExt] = 2; return b }, errBadExt},
		{"signed ext 3", func(b []byte) []byte { b[offExt] = 3; return b }, errBadExt},
		{"encrypted ext 1", func(b []byte) []byte { b[offKind] = byte(Encrypted); b[offExt] = 1; return b }, errBadExt},
		{"abort ext 1", func(b []byte) []byte {
			b[offKind] = byte(kindAbort)
			b[offExt] = 1
			binary.BigEndian.PutUint64(b[offTag:], AbortTag)
			return b
		}, errBadExt},
		{"reserved", func(b []byte) []byte { b[offReserved] = 1; return b }, errBadReserved},
		{"signed abort tag", func(b []byte) []byte { binary.BigEndian.PutUint64(b[offTag:], AbortTag); return b }, errBadTag},
		{"signed round 0 seq 1", func(b []byte) []byte { binary.BigEndian.PutUint64(b[offTag:], Tag(0, 1)); return b }, errBadTag},
		{"encrypted round 0", func(b []byte) []byte {
			b[offKind] = byte(Encrypted)
			binary.BigEndian.PutUint64(b[offTag:], Tag(0, 0))
			return b
		}, errBadTag},
		{"abort protocol tag", func(b []byte) []byte { b[offKind] = byte(kindAbort); return b }, errBadTag},
		{"reserved round", func(b []byte) []byte { binary.BigEndian.PutUint64(b[offTag:], Tag(0xFFFF_FFFF, 1)); return b }, errBadTag},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseEnvHeader(tt.mut(bytes.Clone(base)))
			require.ErrorIs(t, err, tt.want)
			require.ErrorIs(t, err, errMalformed)
		})
	}
}
