package signer_test

import (
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"io/fs"
	"math/big"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tandem-mpc/tandem/signer"
)

func pemOf(blockType string, der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: blockType, Bytes: der})
}

func TestPEMRoundTrip(t *testing.T) {
	for typ, k := range genKeys(t) {
		t.Run(string(typ), func(t *testing.T) {
			p, err := k.MarshalPKCS8PEM()
			require.NoError(t, err)
			assert.True(t, strings.HasPrefix(string(p), "-----BEGIN PRIVATE KEY-----\n"))

			got, err := signer.ParsePrivateKeyPEM(p)
			require.NoError(t, err)
			assert.Equal(t, k.VerifyingKey(), got.VerifyingKey())
			assert.Equal(t, secretOf(t, k), secretOf(t, got))

			// The parsed key signs for the same verifying key.
			sig, err := got.Sign(t.Context(), []byte("m"))
			require.NoError(t, err)
			assert.True(t, k.VerifyingKey().Verify([]byte("m"), sig))

			// Surrounding whitespace is fine.
			_, err = signer.ParsePrivateKeyPEM(append(append([]byte("\n\n"), p...), "\n\n"...))
			assert.NoError(t, err)
		})
	}
}

func TestPEMSEC1P256Accepted(t *testing.T) {
	k := mustGen(t, signer.GenerateP256)
	der, err := x509.MarshalECPrivateKey(ecdsaOf(t, k))
	require.NoError(t, err)
	got, err := signer.ParsePrivateKeyPEM(pemOf("EC PRIVATE KEY", der))
	require.NoError(t, err)
	assert.Equal(t, k.VerifyingKey(), got.VerifyingKey())
}

func TestSaveLoadPrivateKey(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "party.key")
	keys := genKeys(t)
	for _, typ := range []signer.KeyType{signer.Ed25519, signer.ECDSAP256} {
		k := keys[typ]
		// The second iteration replaces the first file.
		require.NoError(t, signer.SavePrivateKey(path, k))
		if runtime.GOOS != "windows" {
			st, err := os.Stat(path)
			require.NoError(t, err)
			assert.Equal(t, fs.FileMode(0o600), st.Mode().Perm())
		}
		got, err := signer.LoadPrivateKey(path)
		require.NoError(t, err)
		assert.Equal(t, k.VerifyingKey(), got.VerifyingKey())
	}
	// No temporary files are left behind.
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 1)
	assert.Equal(t, "party.key", entries[0].Name())

	// A relative path in the current directory works too.
	t.Chdir(dir)
	require.NoError(t, signer.SavePrivateKey("rel.key", keys[signer.Ed25519]))
	got, err := signer.LoadPrivateKey("rel.key")
	require.NoError(t, err)
	assert.Equal(t, keys[signer.Ed25519].VerifyingKey(), got.VerifyingKey())
}

func TestSaveLoadErrors(t *testing.T) {
	dir := t.TempDir()
	_, err := signer.LoadPrivateKey(filepath.Join(dir, "missing.key"))
	assert.ErrorIs(t, err, fs.ErrNotExist)
	assert.True(t, strings.HasPrefix(err.Error(), "signer: "), err.Error())

	err = signer.SavePrivateKey(filepath.Join(dir, "no-such-dir", "k.key"), mustGen(t, signer.GenerateEd25519))
	assert.ErrorIs(t, err, fs.ErrNotExist)
	err = signer.SavePrivateKey(filepath.Join(dir, "zero.key"), &signer.PrivateKey{})
	assert.ErrorIs(t, err, signer.ErrInvalidKey)
	err = signer.SavePrivateKey(filepath.Join(dir, "nil.key"), nil)
	assert.ErrorIs(t, err, signer.ErrInvalidKey)
	_, err = os.Stat(filepath.Join(dir, "zero.key"))
	assert.ErrorIs(t, err, fs.ErrNotExist)

	// A failed rename (the target is a directory) leaves no temporary file behind.
	sub := filepath.Join(dir, "sub")
	require.NoError(t, os.Mkdir(sub, 0o700))
	require.Error(t, signer.SavePrivateKey(sub, mustGen(t, signer.GenerateEd25519)))
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 1, "only sub/ remains")
	_, err = signer.LoadPrivateKey(sub)
	require.Error(t, err)

	big := filepath.Join(dir, "big.key")
	require.NoError(t, os.WriteFile(big, make([]byte, 100<<10), 0o600))
	_, err = signer.LoadPrivateKey(big)
	assert.ErrorIs(t, err, signer.ErrInvalidPEM)

	garbage := filepath.Join(dir, "garbage.key")
	require.NoError(t, os.WriteFile(garbage, []byte("not a key"), 0o600))
	_, err = signer.LoadPrivateKey(garbage)
	assert.ErrorIs(t, err, signer.ErrInvalidPEM)
	assert.Contains(t, err.Error(), garbage)
	assert.Equal(t, 1, strings.Count(err.Error(), "signer: "), err.Error())
}

func TestParsePrivateKeyPEMWrongKind(t *testing.T) {
	ed := mustGen(t, signer.GenerateEd25519)
	good, err := ed.MarshalPKCS8PEM()
	require.NoError(t, err)
	goodBlock, _ := pem.Decode(good)

	rsaKey, err := rsa.GenerateKey(rand.Reader, 1024)
	require.NoError(t, err)
	rsaPKCS8, err := x509.MarshalPKCS8PrivateKey(rsaKey)
	require.NoError(t, err)
	p384, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	require.NoError(t, err)
	p384PKCS8, err := x509.MarshalPKCS8PrivateKey(p384)
	require.NoError(t, err)
	p384SEC1, err := x509.MarshalECPrivateKey(p384)
	require.NoError(t, err)
	x25519, err := ecdh.X25519().GenerateKey(rand.Reader)
	require.NoError(t, err)
	x25519PKCS8, err := x509.MarshalPKCS8PrivateKey(x25519)
	require.NoError(t, err)

	edPub, edPriv, err := ed25519.GenerateKey(nil)
	require.NoError(t, err)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "t"}}
	cert, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, edPub, edPriv)
	require.NoError(t, err)
	pubDER, err := x509.MarshalPKIXPublicKey(edPub)
	require.NoError(t, err)

	encrypted := pem.EncodeToMemory(&pem.Block{
		Type: "PRIVATE KEY", Headers: map[string]string{"Proc-Type": "4,ENCRYPTED"}, Bytes: goodBlock.Bytes,
	})

	for _, tc := range []struct {
		name  string
		data  []byte
		alsoU bool // also ErrUnknownKeyType
	}{
		{"empty", nil, false},
		{"whitespace", []byte(" \n\t"), false},
		{"garbage", []byte("hello, world"), false},
		{"DER without PEM", goodBlock.Bytes, false},
		{"truncated PEM", good[:len(good)-10], false},
		{"text before block", append([]byte("key:\n"), good...), false},
		{"text after block", append(append([]byte(nil), good...), "trailer\n"...), false},
		{"two blocks", append(append([]byte(nil), good...), good...), false},
		{"encrypted headers", encrypted, false},
		{"CERTIFICATE", pemOf("CERTIFICATE", cert), false},
		{"PUBLIC KEY", pemOf("PUBLIC KEY", pubDER), false},
		{"RSA PRIVATE KEY block", pemOf("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(rsaKey)), false},
		{"PRIVATE KEY with garbage DER", pemOf("PRIVATE KEY", []byte{0x30, 0x03, 0x02, 0x01, 0x00}), false},
		{"EC PRIVATE KEY with PKCS #8 content", pemOf("EC PRIVATE KEY", goodBlock.Bytes), false},
		{"RSA in PKCS #8", pemOf("PRIVATE KEY", rsaPKCS8), true},
		{"P-384 in PKCS #8", pemOf("PRIVATE KEY", p384PKCS8), true},
		{"P-384 SEC 1", pemOf("EC PRIVATE KEY", p384SEC1), true},
		{"X25519 in PKCS #8", pemOf("PRIVATE KEY", x25519PKCS8), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k, err := signer.ParsePrivateKeyPEM(tc.data)
			assert.Nil(t, k)
			require.Error(t, err)
			assert.ErrorIs(t, err, signer.ErrInvalidPEM)
			assert.Equal(t, tc.alsoU, errors.Is(err, signer.ErrUnknownKeyType), err.Error())
			assert.True(t, strings.HasPrefix(err.Error(), "signer: "), err.Error())
			assert.Equal(t, 1, strings.Count(err.Error(), "signer: "), err.Error())
		})
	}
}
