package sharefile

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCodec(t *testing.T) {
	plain := []byte("TNDG not really a keyshare, the codec does not care")
	enc, err := encodeShare(plain, &Options{Passphrase: testPass})
	require.NoError(t, err)
	require.True(t, bytes.HasPrefix(enc, []byte(ageHeader)))
	require.False(t, bytes.Contains(enc, plain))
	pt, err := encodeShare(plain, &Options{InsecurePlaintext: true})
	require.NoError(t, err)
	require.Equal(t, plaintextHeader+string(plain), string(pt))
	// A passphrase wins over InsecurePlaintext when writing.
	enc2, err := encodeShare(plain, &Options{Passphrase: testPass, InsecurePlaintext: true})
	require.NoError(t, err)
	require.True(t, bytes.HasPrefix(enc2, []byte(ageHeader)))

	_, err = encodeShare(plain, &Options{})
	require.ErrorIs(t, err, ErrNoPassphrase)

	tests := []struct {
		name string
		file []byte
		opts Options
		want error
	}{
		{"encrypted", enc, Options{Passphrase: testPass}, nil},
		{"encrypted, insecure allowed too", enc, Options{Passphrase: testPass, InsecurePlaintext: true}, nil},
		{"encrypted, wrong passphrase", enc, Options{Passphrase: NewPassphrase([]byte("wrong"))}, ErrPassphrase},
		{"encrypted, no passphrase", enc, Options{}, ErrNoPassphrase},
		{"encrypted, no passphrase, insecure", enc, Options{InsecurePlaintext: true}, ErrNoPassphrase},
		{"encrypted, truncated body", enc[:len(enc)-5], Options{Passphrase: testPass}, ErrCorrupt},
		{"encrypted, truncated header", enc[:len(ageHeader)+10], Options{Passphrase: testPass}, ErrCorrupt},
		{"encrypted, flipped last byte", flip(enc, len(enc)-1), Options{Passphrase: testPass}, ErrCorrupt},
		{"plaintext", pt, Options{InsecurePlaintext: true}, nil},
		{"plaintext with a passphrase and insecure", pt, Options{Passphrase: testPass, InsecurePlaintext: true}, nil},
		{"plaintext refused", pt, Options{}, ErrPlaintextRefused},
		{"plaintext refused with a passphrase", pt, Options{Passphrase: testPass}, ErrPlaintextRefused},
		{"empty", nil, Options{Passphrase: testPass, InsecurePlaintext: true}, ErrCorrupt},
		{"garbage", []byte("hello"), Options{Passphrase: testPass, InsecurePlaintext: true}, ErrCorrupt},
		{"armored age is not ours", []byte("-----BEGIN AGE ENCRYPTED FILE-----\n"), Options{Passphrase: testPass}, ErrCorrupt},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := decodeShare(tt.file, &tt.opts)
			if tt.want != nil {
				require.ErrorIs(t, err, tt.want)
				assert.Nil(t, got)
				assert.NotContains(t, err.Error(), string(plain))
				return
			}
			require.NoError(t, err)
			assert.Equal(t, plain, got)
		})
	}
}

func flip(b []byte, i int) []byte {
	c := bytes.Clone(b)
	c[i] ^= 1
	return c
}
