package signer_test

import (
	"context"
	"testing"

	"github.com/tandem-mpc/tandem/signer"
)

// benchMsg is the size of a typical SIGNED envelope's signing input.
var benchMsg = make([]byte, 256)

func benchSign(b *testing.B, gen func() (*signer.PrivateKey, error)) {
	k, err := gen()
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.SetBytes(int64(len(benchMsg)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := k.Sign(ctx, benchMsg); err != nil {
			b.Fatal(err)
		}
	}
}

func benchVerify(b *testing.B, gen func() (*signer.PrivateKey, error)) {
	k, err := gen()
	if err != nil {
		b.Fatal(err)
	}
	sig, err := k.Sign(context.Background(), benchMsg)
	if err != nil {
		b.Fatal(err)
	}
	vk := k.VerifyingKey()
	b.SetBytes(int64(len(benchMsg)))
	b.ReportAllocs()
	for b.Loop() {
		if !vk.Verify(benchMsg, sig) {
			b.Fatal("signature does not verify")
		}
	}
}

func BenchmarkSignEd25519(b *testing.B)   { benchSign(b, signer.GenerateEd25519) }
func BenchmarkVerifyEd25519(b *testing.B) { benchVerify(b, signer.GenerateEd25519) }
func BenchmarkSignP256(b *testing.B)      { benchSign(b, signer.GenerateP256) }
func BenchmarkVerifyP256(b *testing.B)    { benchVerify(b, signer.GenerateP256) }

func BenchmarkParseVerifyingKeyEd25519(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := signer.ParseVerifyingKey(vk1Text); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseVerifyingKeyP256(b *testing.B) {
	text := "ECDSA_P256_SEC1:" + b64(hexBytes(p256GCompressedHex))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := signer.ParseVerifyingKey(text); err != nil {
			b.Fatal(err)
		}
	}
}
