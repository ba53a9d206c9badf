package signer

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/tandem-mpc/tandem/internal/atomicfile"
)

// PEM block types read and written by this package.
const (
	pemPKCS8 = "PRIVATE KEY"    // PKCS #8, written by MarshalPKCS8PEM, read for both key types
	pemSEC1  = "EC PRIVATE KEY" // SEC 1 (RFC 5915), read for P-256 (OpenSSL's traditional form)
)

// maxKeyFileSize bounds what LoadPrivateKey reads; a PEM private key is a few hundred bytes.
const maxKeyFileSize = 64 << 10

// MarshalPKCS8PEM returns k as an unencrypted PKCS #8 "PRIVATE KEY" PEM block.
//
// The result is SECRET: it is the whole private key. Store it only where the key itself may
// live (SavePrivateKey writes it with mode 0600), and clear the slice when done with it.
func (k *PrivateKey) MarshalPKCS8PEM() ([]byte, error) {
	var der []byte
	var err error
	switch {
	case k == nil || k.vk.IsZero():
		return nil, fmt.Errorf("%w: marshal a nil or zero PrivateKey", ErrInvalidKey)
	case k.ed != nil:
		der, err = x509.MarshalPKCS8PrivateKey(k.ed)
	case k.ec != nil:
		der, err = x509.MarshalPKCS8PrivateKey(k.ec)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: marshal PKCS #8: %v", ErrInvalidKey, err)
	}
	out := pem.EncodeToMemory(&pem.Block{Type: pemPKCS8, Bytes: der})
	clear(der)
	return out, nil
}

// ParsePrivateKeyPEM parses exactly one unencrypted PEM private key block: PKCS #8
// ("PRIVATE KEY") holding an Ed25519 or P-256 key, or SEC 1 ("EC PRIVATE KEY") holding a P-256
// key. Surrounding whitespace is allowed; other blocks or text are not. Errors wrap
// ErrInvalidPEM, and also ErrUnknownKeyType when the block is a well-formed key of another
// algorithm or curve (RSA, P-384, X25519, …).
func ParsePrivateKeyPEM(data []byte) (*PrivateKey, error) {
	// pem.Decode skips any text before the first BEGIN line; we do not.
	if !bytes.HasPrefix(bytes.TrimSpace(data), []byte("-----BEGIN ")) {
		return nil, fmt.Errorf("%w: no PEM block at the start of the data", ErrInvalidPEM)
	}
	block, rest := pem.Decode(data)
	if block == nil {
		return nil, fmt.Errorf("%w: malformed PEM block", ErrInvalidPEM)
	}
	defer clear(block.Bytes)
	if len(bytes.TrimSpace(rest)) != 0 {
		return nil, fmt.Errorf("%w: data after the PEM block", ErrInvalidPEM)
	}
	if len(block.Headers) != 0 {
		return nil, fmt.Errorf("%w: PEM block has headers (encrypted keys are not supported)", ErrInvalidPEM)
	}
	var parsed any
	var err error
	switch block.Type {
	case pemPKCS8:
		parsed, err = x509.ParsePKCS8PrivateKey(block.Bytes)
	case pemSEC1:
		parsed, err = x509.ParseECPrivateKey(block.Bytes)
	default:
		return nil, fmt.Errorf("%w: PEM block type %q, want %q or %q", ErrInvalidPEM, truncate(block.Type), pemPKCS8, pemSEC1)
	}
	if err != nil {
		// x509's message names the failing structure, never key material.
		return nil, fmt.Errorf("%w: %s: %v", ErrInvalidPEM, block.Type, err)
	}
	var k *PrivateKey
	switch p := parsed.(type) {
	case ed25519.PrivateKey:
		k, err = NewEd25519PrivateKey(p)
		clear(p)
	case *ecdsa.PrivateKey:
		if p.Curve != elliptic.P256() {
			return nil, unsupportedPEM(fmt.Sprintf("ECDSA key on %s", p.Curve.Params().Name))
		}
		k, err = NewP256PrivateKey(p)
	default:
		return nil, unsupportedPEM(fmt.Sprintf("%T", parsed))
	}
	if err != nil {
		return nil, &multiError{
			msg:  "signer: invalid PEM private key: " + strings.TrimPrefix(err.Error(), "signer: "),
			errs: []error{ErrInvalidPEM, err},
		}
	}
	return k, nil
}

// unsupportedPEM is the error for a well-formed private key of an unsupported kind.
func unsupportedPEM(what string) error {
	return &multiError{
		msg:  "signer: invalid PEM private key: unsupported key type: " + what,
		errs: []error{ErrInvalidPEM, ErrUnknownKeyType},
	}
}

// SavePrivateKey writes k to path as PKCS #8 PEM (see MarshalPKCS8PEM) with file mode 0600.
// It writes a temporary file in the same directory, syncs it and renames it over path, so a
// crash leaves either the old file or the new one, never a partial key.
func SavePrivateKey(path string, k *PrivateKey) (err error) {
	data, err := k.MarshalPKCS8PEM()
	if err != nil {
		return err
	}
	defer clear(data)
	if err := atomicfile.WriteFile(path, data, 0o600); err != nil {
		return fmt.Errorf("signer: save private key: %w", err)
	}
	return nil
}

// LoadPrivateKey reads a private key written by SavePrivateKey (or any PEM that
// ParsePrivateKeyPEM accepts). Files larger than 64 KiB are rejected. I/O errors are returned
// wrapped (errors.Is(err, fs.ErrNotExist) works); content errors wrap ErrInvalidPEM.
func LoadPrivateKey(path string) (*PrivateKey, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("signer: load private key: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxKeyFileSize+1))
	defer clear(data)
	if err != nil {
		return nil, fmt.Errorf("signer: load private key: %w", err)
	}
	if len(data) > maxKeyFileSize {
		return nil, fmt.Errorf("%w: %s is larger than %d bytes", ErrInvalidPEM, path, maxKeyFileSize)
	}
	k, err := ParsePrivateKeyPEM(data)
	if err != nil {
		return nil, withContext("load private key "+path, err)
	}
	return k, nil
}
