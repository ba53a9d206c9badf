package mpc

import (
	"context"
	"testing"

	"github.com/tandem-mpc/tandem/signer"
)

func benchSealOpenSigned(b *testing.B, kt signer.KeyType, n int) {
	s := newSession(b, kt, kt)
	payload := make([]byte, n)
	exp := s.expect(s.a, s.b, 1, 0, Signed, false, false)
	h := s.header(s.a, s.b, Tag(1, 0))
	ctx := context.Background()
	b.SetBytes(int64(n))
	b.ReportAllocs()
	for b.Loop() {
		f, err := sealSigned(ctx, s.a.signer, Signed, h, nil, payload)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := openSigned(f, &exp); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSealOpenSigned1K(b *testing.B) {
	b.Run("Ed25519", func(b *testing.B) { benchSealOpenSigned(b, signer.Ed25519, 1024) })
	b.Run("P256", func(b *testing.B) { benchSealOpenSigned(b, signer.ECDSAP256, 1024) })
}

func BenchmarkSealOpenSigned50K(b *testing.B) {
	b.Run("Ed25519", func(b *testing.B) { benchSealOpenSigned(b, signer.Ed25519, 50_000) })
	b.Run("P256", func(b *testing.B) { benchSealOpenSigned(b, signer.ECDSAP256, 50_000) })
}

func benchSealOpenEncrypted(b *testing.B, n int) {
	s := newSession(b, signer.Ed25519, signer.Ed25519)
	pt := make([]byte, n)
	exp := s.expect(s.a, s.b, 2, 0, Encrypted, false, false)
	h := s.header(s.a, s.b, Tag(2, 0))
	buf := make([]byte, 0, n+nonceSize)
	b.SetBytes(int64(n))
	b.ReportAllocs()
	for b.Loop() {
		f := sealEncrypted(s.ka, h, pt)
		if _, err := openEncrypted(buf, f, &exp, s.kb); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSealOpenEncrypted1K(b *testing.B)  { benchSealOpenEncrypted(b, 1024) }
func BenchmarkSealOpenEncrypted50K(b *testing.B) { benchSealOpenEncrypted(b, 50_000) }

// BenchmarkOpenEncrypted50K is the receive path alone (the allocation test's case).
func BenchmarkOpenEncrypted50K(b *testing.B) {
	s := newSession(b, signer.Ed25519, signer.Ed25519)
	f := sealEncrypted(s.ka, s.header(s.a, s.b, Tag(2, 0)), make([]byte, 50_000))
	exp := s.expect(s.a, s.b, 2, 0, Encrypted, false, false)
	b.SetBytes(50_000)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := openEncrypted(nil, f, &exp, s.kb); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMsgID(b *testing.B) {
	s := newSession(b, signer.ECDSAP256, signer.ECDSAP256)
	b.Run("midstate", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = messageID(s.label, &s.inst, Tag(1, 0), s.a.enc, s.b.enc)
		}
	})
	b.Run("plainTH", func(b *testing.B) {
		b.ReportAllocs()
		var buf [256]byte
		for b.Loop() {
			_ = taggedHash(tagMsgID, msgIDPreimage(buf[:0], s.label, &s.inst, Tag(1, 0), s.a.enc, s.b.enc))
		}
	})
	b.Run("MessageID", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = MessageID(s.label, s.inst, Tag(1, 0), s.a.vk, &s.b.vk)
		}
	})
}

func BenchmarkDeriveKeys(b *testing.B) {
	a, c := newParty(b, signer.Ed25519), newParty(b, signer.Ed25519)
	inst := RandomInstanceID()
	b.ReportAllocs()
	for b.Loop() {
		eph, err := newEphemeralKey()
		if err != nil {
			b.Fatal(err)
		}
		if _, err := deriveKeys(eph, "tandem/bench/v1", &inst, a.enc, c.enc, c.epk); err != nil {
			b.Fatal(err)
		}
	}
}
