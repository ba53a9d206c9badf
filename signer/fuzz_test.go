package signer_test

import (
	"bytes"
	"encoding/asn1"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math/big"
	"strings"
	"testing"

	"github.com/tandem-mpc/tandem/signer"
)

// Fixed seeds: the Appendix A keys, one fixed P-256 key (the P-256 base point G, compressed
// and uncompressed), aliases, and malformed inputs.
const (
	p256GCompressedHex   = "036b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296"
	p256GUncompressedHex = "046b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296" +
		"4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5"
)

func hexBytes(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic("test vector: " + err.Error())
	}
	return b
}

func textSeeds() []string {
	g := hexBytes(p256GCompressedHex)
	gu := hexBytes(p256GUncompressedHex)
	vk2 := hexBytes(vk2Hex)
	return []string{
		vk1Text,
		"Ed25519:11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=",
		"ED25519:" + base64.StdEncoding.EncodeToString(vk2),
		"ECDSA_P256_SEC1:" + base64.StdEncoding.EncodeToString(g),
		"ECDSA_P256:" + base64.StdEncoding.EncodeToString(g),
		"ECDSA_P256_SEC1:" + base64.StdEncoding.EncodeToString(gu),
		"ED25519:AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", // identity
		"ED25519:11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo",
		"ED25519:11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\n",
		"ED25519:",
		":",
		"",
		"RSA:AAAA",
	}
}

func FuzzVerifyingKeyText(f *testing.F) {
	for _, s := range textSeeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		k, err := signer.ParseVerifyingKey(text)
		if err != nil {
			if !k.IsZero() {
				t.Fatal("error with a non-zero key")
			}
			if !errors.Is(err, signer.ErrInvalidKey) && !errors.Is(err, signer.ErrUnknownKeyType) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		checkKeyRoundTrips(t, k)
		// The text is canonical unless it used an alias or an uncompressed P-256 point.
		name, b64, _ := strings.Cut(text, ":")
		raw, _ := base64.StdEncoding.DecodeString(b64)
		if name == string(k.Type()) && len(raw) == len(k.Raw()) && k.String() != text {
			t.Fatalf("canonical text %q formats as %q", text, k.String())
		}
	})
}

func FuzzVerifyingKeyEncoding(f *testing.F) {
	f.Add(append([]byte{0x01}, hexBytes(vk1Hex)...))
	f.Add(append([]byte{0x01}, hexBytes(vk2Hex)...))
	f.Add(append([]byte{0x02}, hexBytes(p256GCompressedHex)...))
	f.Add(append([]byte{0x02}, hexBytes(p256GUncompressedHex)...))
	f.Add(append([]byte{0x01}, hexBytes(smallOrderEncodings[0])...))
	f.Add(append([]byte{0x03}, hexBytes(vk1Hex)...))
	f.Add([]byte{})
	f.Add([]byte{0x02})
	f.Fuzz(func(t *testing.T, enc []byte) {
		k, err := signer.ParseVerifyingKeyEncoding(enc)
		if err != nil {
			if !k.IsZero() {
				t.Fatal("error with a non-zero key")
			}
			if !errors.Is(err, signer.ErrInvalidKey) && !errors.Is(err, signer.ErrUnknownKeyType) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		if !bytes.Equal(k.Encoding(), enc) {
			t.Fatalf("encoding %x re-encodes as %x", enc, k.Encoding())
		}
		checkKeyRoundTrips(t, k)
	})
}

// checkKeyRoundTrips checks that a parsed key survives every encoding unchanged.
func checkKeyRoundTrips(t *testing.T, k signer.VerifyingKey) {
	t.Helper()
	if k.IsZero() {
		t.Fatal("parsed a zero key")
	}
	k2, err := signer.ParseVerifyingKey(k.String())
	if err != nil || k2 != k || k2.String() != k.String() {
		t.Fatalf("text round trip of %s: %v", k, err)
	}
	k3, err := signer.ParseVerifyingKeyEncoding(k.Encoding())
	if err != nil || k3 != k {
		t.Fatalf("encoding round trip of %s: %v", k, err)
	}
	j, err := json.Marshal(k)
	if err != nil {
		t.Fatal(err)
	}
	var k4 signer.VerifyingKey
	if err := json.Unmarshal(j, &k4); err != nil || k4 != k {
		t.Fatalf("JSON round trip of %s: %v", k, err)
	}
	k5, err := signer.NewVerifyingKey(k.Type(), k.Raw())
	if err != nil || k5 != k {
		t.Fatalf("raw round trip of %s: %v", k, err)
	}
}

func FuzzP256SignatureFromDER(f *testing.F) {
	one := big.NewInt(1)
	n1 := new(big.Int).Sub(p256N, one)
	for _, rs := range [][2]*big.Int{
		{one, one}, {n1, n1}, {big.NewInt(0x80), big.NewInt(0x7f)},
		{new(big.Int).Lsh(one, 255), new(big.Int).Lsh(one, 200)},
		{p256N, one}, {big.NewInt(0), one},
	} {
		der, err := asn1.Marshal(struct{ R, S *big.Int }{rs[0], rs[1]})
		if err != nil {
			f.Fatal(err)
		}
		f.Add(der)
	}
	f.Add(hexBytes("3008020212340202" + "5678"))
	f.Add(hexBytes("3009020300123402025678"))
	f.Add(hexBytes("308108020212340202" + "5678"))
	f.Add([]byte{})
	f.Add([]byte{0x30, 0x00})
	f.Fuzz(func(t *testing.T, der []byte) {
		sig, err := signer.P256SignatureFromDER(der)

		// Reference: encoding/asn1 parses it, the values are in [1, n−1], and re-encoding gives
		// the same bytes (so the input was DER, not just BER).
		var ref struct{ R, S *big.Int }
		rest, aerr := asn1.Unmarshal(der, &ref)
		refOK := aerr == nil && len(rest) == 0 &&
			ref.R.Sign() > 0 && ref.R.Cmp(p256N) < 0 && ref.S.Sign() > 0 && ref.S.Cmp(p256N) < 0
		if refOK {
			again, merr := asn1.Marshal(ref)
			refOK = merr == nil && bytes.Equal(again, der)
		}
		if (err == nil) != refOK {
			t.Fatalf("P256SignatureFromDER(%x): err = %v, reference ok = %v", der, err, refOK)
		}
		if err != nil {
			if !errors.Is(err, signer.ErrInvalidSignature) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		if len(sig) != 64 || new(big.Int).SetBytes(sig[:32]).Cmp(ref.R) != 0 || new(big.Int).SetBytes(sig[32:]).Cmp(ref.S) != 0 {
			t.Fatalf("P256SignatureFromDER(%x) = %x, want r = %x, s = %x", der, sig, ref.R, ref.S)
		}
		back, err := signer.P256SignatureToDER(sig)
		if err != nil || !bytes.Equal(back, der) {
			t.Fatalf("DER round trip of %x gives %x, %v", der, back, err)
		}
	})
}
