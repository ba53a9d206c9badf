package sharefile

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"filippo.io/age"
)

// The two on-disk forms of a share file. An encrypted file is a binary age file (scrypt
// recipient); a plaintext file is plaintextHeader followed by the keyshare bytes.
const (
	ageHeader       = "age-encryption.org/v1\n"
	plaintextHeader = "tandem-keyshare-plaintext v1\n"
)

// maxShareFile bounds a share file read from disk: a keyshare with two generations is about
// 132 KB; age adds well under 1 KB.
const maxShareFile = 4 << 20

// scryptWorkFactor is the log2 scrypt work factor used when encrypting; 0 keeps age's default
// (18: about one second and 256 MiB per encryption or decryption). Tests lower it.
var scryptWorkFactor = 0

// encodeShare returns the file bytes for the keyshare bytes plain: age-encrypted under
// opts.Passphrase, or the plaintext form if there is no passphrase and
// opts.InsecurePlaintext is set.
func encodeShare(plain []byte, opts *Options) ([]byte, error) {
	if opts.Passphrase.IsZero() {
		if !opts.InsecurePlaintext {
			return nil, ErrNoPassphrase
		}
		out := make([]byte, 0, len(plaintextHeader)+len(plain))
		out = append(out, plaintextHeader...)
		return append(out, plain...), nil
	}
	r, err := age.NewScryptRecipient(string(opts.Passphrase.b))
	if err != nil {
		return nil, fmt.Errorf("sharefile: encrypt: %w", err)
	}
	if scryptWorkFactor != 0 {
		r.SetWorkFactor(scryptWorkFactor)
	}
	var buf bytes.Buffer
	w, err := age.Encrypt(&buf, r)
	if err != nil {
		return nil, fmt.Errorf("sharefile: encrypt: %w", err)
	}
	if _, err := w.Write(plain); err != nil {
		return nil, fmt.Errorf("sharefile: encrypt: %w", err)
	}
	if err := w.Close(); err != nil {
		return nil, fmt.Errorf("sharefile: encrypt: %w", err)
	}
	return buf.Bytes(), nil
}

// decodeShare returns the keyshare bytes held by the file bytes b. It detects the form from
// the first line: a plaintext file needs opts.InsecurePlaintext (ErrPlaintextRefused), an
// age file needs a passphrase (ErrNoPassphrase) that decrypts it (ErrPassphrase); anything
// else, or a damaged age file, is ErrCorrupt. The result is not yet parsed as a keyshare.
func decodeShare(b []byte, opts *Options) ([]byte, error) {
	switch {
	case bytes.HasPrefix(b, []byte(plaintextHeader)):
		if !opts.InsecurePlaintext {
			return nil, ErrPlaintextRefused
		}
		return bytes.Clone(b[len(plaintextHeader):]), nil
	case bytes.HasPrefix(b, []byte(ageHeader)):
		if opts.Passphrase.IsZero() {
			return nil, ErrNoPassphrase
		}
		id, err := age.NewScryptIdentity(string(opts.Passphrase.b))
		if err != nil {
			return nil, fmt.Errorf("sharefile: decrypt: %w", err)
		}
		r, err := age.Decrypt(bytes.NewReader(b), id)
		if err != nil {
			var nm *age.NoIdentityMatchError
			if errors.Is(err, age.ErrIncorrectIdentity) || errors.As(err, &nm) {
				return nil, ErrPassphrase
			}
			return nil, fmt.Errorf("%w: share file: %w", ErrCorrupt, err)
		}
		plain, err := io.ReadAll(io.LimitReader(r, maxShareFile))
		if err != nil {
			clear(plain)
			return nil, fmt.Errorf("%w: share file: %w", ErrCorrupt, err)
		}
		return plain, nil
	default:
		return nil, fmt.Errorf("%w: share file: neither an age file nor a plaintext key share", ErrCorrupt)
	}
}
