package mpc

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"math/big"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tandem-mpc/tandem/signer"
)

// opener opens one frame against a fixed expectation and returns the error only.
type opener func(frame []byte) error

// envCase is one valid frame of some envelope kind with the opener that accepts it.
type envCase struct {
	name  string
	frame []byte
	open  opener
}

// envCases returns a valid frame of every envelope kind (and both key types) for the bit-flip
// and mutation tests.
func envCases(t testing.TB) []envCase {
	t.Helper()
	var out []envCase
	for _, kt := range []struct {
		name string
		a, b signer.KeyType
	}{{"ed25519", signer.Ed25519, signer.Ed25519}, {"p256", signer.ECDSAP256, signer.ECDSAP256}, {"mixed", signer.ECDSAP256, signer.Ed25519}} {
		s := newSession(t, kt.a, kt.b)
		a, b := s.a, s.b
		payload := []byte("payload bytes of the round")

		kexFrame := s.sealSigned(t, a, nil, Tag(1, 0), true, payload)
		kexExp := s.expect(a, b, 1, 0, Signed, true, true)
		out = append(out, envCase{kt.name + "/signed-kex-broadcast", kexFrame, func(f []byte) error { _, err := openSigned(f, &kexExp); return err }})

		sigFrame := s.sealSigned(t, a, b, Tag(3, 7), false, payload)
		sigExp := s.expect(a, b, 3, 7, Signed, false, false)
		out = append(out, envCase{kt.name + "/signed-directed", sigFrame, func(f []byte) error { _, err := openSigned(f, &sigExp); return err }})

		emptyFrame := s.sealSigned(t, a, b, Tag(0, 0), true, nil)
		emptyExp := s.expect(a, b, 0, 0, Signed, false, true)
		out = append(out, envCase{kt.name + "/signed-round0-kex-empty", emptyFrame, func(f []byte) error { _, err := openSigned(f, &emptyExp); return err }})

		encFrame := sealEncrypted(s.ka, s.header(a, b, Tag(2, 1)), payload)
		encExp := s.expect(a, b, 2, 1, Encrypted, false, false)
		out = append(out, envCase{kt.name + "/encrypted", encFrame, func(f []byte) error { _, err := openEncrypted(nil, f, &encExp, s.kb); return err }})

		abFrame, err := sealAbort(context.Background(), a.signer, s.label, &s.inst, 60, abortPayload{code: AbortTimeout, round: 4, reason: "TIMEOUT"})
		require.NoError(t, err)
		abExp := abortExpectation(s.label, &s.inst, a.vk)
		out = append(out, envCase{kt.name + "/abort", abFrame, func(f []byte) error { _, err := openAbort(f, &abExp); return err }})
	}
	return out
}

func TestEnvelopeCasesOpen(t *testing.T) {
	for _, c := range envCases(t) {
		require.NoError(t, c.open(c.frame), c.name)
	}
}

// TestEnvelopeBitFlips flips every bit of every field of every envelope kind: the frame never
// opens, and no flip is ever reported as an authenticated peer violation.
func TestEnvelopeBitFlips(t *testing.T) {
	for _, c := range envCases(t) {
		t.Run(c.name, func(t *testing.T) {
			f := bytes.Clone(c.frame)
			for i := range f {
				for bit := range 8 {
					f[i] ^= 1 << bit
					err := c.open(f)
					f[i] ^= 1 << bit
					require.Error(t, err, "byte %d bit %d", i, bit)
					require.True(t, isDrop(err), "byte %d bit %d: %v", i, bit, err)
				}
			}
			require.Equal(t, c.frame, f)
		})
	}
}

// TestEnvelopeTruncateExtend: removing or adding bytes at the end never opens.
func TestEnvelopeTruncateExtend(t *testing.T) {
	for _, c := range envCases(t) {
		for n := range len(c.frame) {
			err := c.open(c.frame[:n])
			require.True(t, isDrop(err), "%s: truncated to %d: %v", c.name, n, err)
		}
		for _, extra := range [][]byte{{0}, {0xff}, make([]byte, 64)} {
			err := c.open(append(bytes.Clone(c.frame), extra...))
			require.True(t, isDrop(err), "%s: extended by %d: %v", c.name, len(extra), err)
		}
	}
}

// resign re-signs a mutated SIGNED/ABORT frame with p's key, so the mutation is authentic.
func resign(t testing.TB, p *party, frame []byte) []byte {
	t.Helper()
	msg := append(bytes.Clone(signingPrefix), frame[:len(frame)-signatureSize]...)
	sig, err := p.signer.Sign(context.Background(), msg)
	require.NoError(t, err)
	out := bytes.Clone(frame)
	copy(out[len(out)-signatureSize:], sig)
	return out
}

// reseal re-encrypts a mutated ENCRYPTED frame under the (mutated) header with k's sending key.
func reseal(k *p2pKeys, frame, plaintext []byte) []byte {
	hdr := bytes.Clone(frame[:envHeaderSize])
	nonce := aeadNonce(binary.BigEndian.Uint64(hdr[offTag:]))
	return k.sender().Seal(hdr, nonce[:], plaintext, hdr)
}

// TestStructuralChecksBeforeAuthentication: header fields that are wrong for the expected slot
// are dropped as malformed even when the frame is authentic (re-signed or re-sealed by the real
// peer after the change), so junk under a known id never costs a verification and never blames.
func TestStructuralChecksBeforeAuthentication(t *testing.T) {
	s := newSession(t, signer.Ed25519, signer.Ed25519)
	a, b := s.a, s.b
	payload := []byte("round payload")
	sigExp := s.expect(a, b, 2, 0, Signed, false, false)
	encExp := s.expect(a, b, 2, 0, Encrypted, false, false)
	abExp := abortExpectation(s.label, &s.inst, a.vk)
	sigFrame := s.sealSigned(t, a, b, Tag(2, 0), false, payload)
	encFrame := sealEncrypted(s.ka, s.header(a, b, Tag(2, 0)), payload)
	abFrame, err := sealAbort(context.Background(), a.signer, s.label, &s.inst, 60, abortPayload{code: AbortCancelled})
	require.NoError(t, err)

	type mut struct {
		name string
		f    func(b []byte)
		want error
	}
	setTag := func(tag uint64) func([]byte) { return func(b []byte) { binary.BigEndian.PutUint64(b[offTag:], tag) } }
	muts := []mut{
		{"version 0", func(b []byte) { b[offVersion] = 0 }, errBadVersion},
		{"version 2", func(b []byte) { b[offVersion] = 2 }, errBadVersion},
		{"kind 0", func(b []byte) { b[offKind] = 0 }, errBadKind},
		{"kind 4", func(b []byte) { b[offKind] = 4 }, errBadKind},
		{"ext bit 1", func(b []byte) { b[offExt] |= 2 }, errBadExt},
		{"ext bit 7", func(b []byte) { b[offExt] |= 0x80 }, errBadExt},
		{"reserved 1", func(b []byte) { b[offReserved] = 1 }, errBadReserved},
		{"reserved 0x80", func(b []byte) { b[offReserved] = 0x80 }, errBadReserved},
		{"tag round 3", setTag(Tag(3, 0)), errWrongTag},
		{"tag seq 1", setTag(Tag(2, 1)), errWrongTag},
		{"tag reserved round", setTag(Tag(0xFFFF_FFFF, 0)), errBadTag},
		{"tag round 0 seq 1", setTag(Tag(0, 1)), errBadTag},
	}
	check := func(t *testing.T, name string, err, want error) {
		t.Helper()
		require.ErrorIs(t, err, want, name)
		require.ErrorIs(t, err, errMalformed, name)
	}
	for _, m := range muts {
		t.Run(m.name, func(t *testing.T) {
			f := bytes.Clone(sigFrame)
			m.f(f)
			_, err := openSigned(resign(t, a, f), &sigExp)
			check(t, "signed", err, m.want)

			f = bytes.Clone(encFrame)
			m.f(f)
			_, err = openEncrypted(nil, reseal(s.ka, f, payload), &encExp, s.kb)
			want := m.want
			if m.name == "ext bit 1" || m.name == "ext bit 7" {
				want = errBadExt
			}
			check(t, "encrypted", err, want)
		})
	}
	t.Run("abort tag", func(t *testing.T) {
		f := bytes.Clone(abFrame)
		setTag(Tag(2, 0))(f)
		_, err := openAbort(resign(t, a, f), &abExp)
		check(t, "abort", err, errBadTag)
	})
	t.Run("ext KEX on encrypted and abort", func(t *testing.T) {
		f := bytes.Clone(encFrame)
		f[offExt] = extKEX
		_, err := openEncrypted(nil, reseal(s.ka, f, payload), &encExp, s.kb)
		check(t, "encrypted", err, errBadExt)
		f = bytes.Clone(abFrame)
		f[offExt] = extKEX
		_, err = openAbort(resign(t, a, f), &abExp)
		check(t, "abort", err, errBadExt)
	})
	t.Run("kind differs from the slot", func(t *testing.T) {
		f := bytes.Clone(sigFrame)
		f[offKind] = byte(Encrypted)
		_, err := openSigned(resign(t, a, f), &sigExp)
		check(t, "signed as encrypted", err, errWrongKind)
		f = bytes.Clone(encFrame)
		f[offKind] = byte(Signed)
		_, err = openEncrypted(nil, reseal(s.ka, f, payload), &encExp, s.kb)
		check(t, "encrypted as signed", err, errWrongKind)
	})
	t.Run("too short", func(t *testing.T) {
		// A SIGNED header claiming EXT_KEX on a frame of 112..143 bytes.
		f := bytes.Clone(sigFrame[:minSignedLen])
		f[offExt] = extKEX
		_, err := openSigned(resign(t, a, f), &sigExp)
		check(t, "signed kex short", err, errTooShort)
		_, err = openEncrypted(nil, encFrame[:minEncryptedLen-1], &encExp, s.kb)
		check(t, "encrypted short", err, errTooShort)
	})
}

// TestExtKEXAfterAuthentication: on an authenticated SIGNED frame, a missing or an extra
// EXT_KEX is a peer violation; on an unauthenticated one it is a drop.
func TestExtKEXAfterAuthentication(t *testing.T) {
	s := newSession(t, signer.Ed25519, signer.ECDSAP256)
	a, b := s.a, s.b
	carrierExp := s.expect(a, b, 1, 0, Signed, false, true)
	plainExp := s.expect(a, b, 1, 0, Signed, false, false)
	withKEX := s.sealSigned(t, a, b, Tag(1, 0), true, []byte("x"))
	without := s.sealSigned(t, a, b, Tag(1, 0), false, []byte("x"))

	_, err := openSigned(without, &carrierExp)
	require.ErrorIs(t, err, errMissingKEX)
	_, err = openSigned(withKEX, &plainExp)
	require.ErrorIs(t, err, errUnexpectedKX)
	var v *envelopeViolation
	require.ErrorAs(t, err, &v)
	var pf interface{ PeerFault() bool }
	require.ErrorAs(t, err, &pf)
	require.True(t, pf.PeerFault())
	require.False(t, isDrop(err))

	// Forged by someone else (signed with another key): a drop, not a violation.
	mallory := newParty(t, signer.Ed25519)
	forged := resign(t, mallory, withKEX)
	_, err = openSigned(forged, &plainExp)
	require.ErrorIs(t, err, errUnauthenticated)
	require.False(t, errors.As(err, &v))
}

// TestFrameMovedToAnotherID: a valid frame re-labelled with another expected id never opens.
func TestFrameMovedToAnotherID(t *testing.T) {
	s := newSession(t, signer.Ed25519, signer.Ed25519)
	a, b := s.a, s.b
	payload := []byte("p")

	sigFrame := s.sealSigned(t, a, b, Tag(2, 0), false, payload)
	encFrame := sealEncrypted(s.ka, s.header(a, b, Tag(2, 0)), payload)
	// Same tag, other ids: broadcast instead of directed, another label, another instance,
	// the reverse direction.
	other := []expectation{
		s.expect(a, b, 2, 0, Signed, true, false),
		newExpectation("tandem/other/v1", &s.inst, 2, 0, Signed, a.vk, &b.vk, false),
		newExpectation(s.label, new(RandomInstanceID()), 2, 0, Signed, a.vk, &b.vk, false),
	}
	for i, exp := range other {
		f := bytes.Clone(sigFrame)
		copy(f, exp.id[:])
		_, err := openSigned(f, &exp)
		require.ErrorIs(t, err, errUnauthenticated, "signed %d", i)

		exp.kind = Encrypted
		f = bytes.Clone(encFrame)
		copy(f, exp.id[:])
		_, err = openEncrypted(nil, f, &exp, s.kb)
		require.ErrorIs(t, err, errUnauthenticated, "encrypted %d", i)
	}
	// Under its own id but checked against another slot's expectation: dropped unread.
	exp := s.expect(a, b, 3, 0, Signed, false, false)
	_, err := openSigned(sigFrame, &exp)
	require.ErrorIs(t, err, errWrongID)
}

// TestDirectionSwap: a frame opened with the wrong directional key (or reflected back to its
// sender) never opens.
func TestDirectionSwap(t *testing.T) {
	s := newSession(t, signer.Ed25519, signer.Ed25519)
	a, b := s.a, s.b
	frame := sealEncrypted(s.ka, s.header(a, b, Tag(2, 0)), []byte("to b"))
	exp := s.expect(a, b, 2, 0, Encrypted, false, false)

	// a opens its own frame (its receiving key is b's sending key).
	_, err := openEncrypted(nil, frame, &exp, s.ka)
	require.ErrorIs(t, err, errBadAEAD)
	// Keys with the roles swapped.
	swapped := *s.kb
	swapped.selfIsA = !swapped.selfIsA
	_, err = openEncrypted(nil, frame, &exp, &swapped)
	require.ErrorIs(t, err, errBadAEAD)
	// The right keys open it.
	pt, err := openEncrypted(nil, frame, &exp, s.kb)
	require.NoError(t, err)
	require.Equal(t, "to b", string(pt))

	// Both directions of the same (round, seq) use different keys, hence different
	// ciphertexts for equal plaintexts.
	back := sealEncrypted(s.kb, s.header(b, a, Tag(2, 0)), []byte("to b"))
	require.NotEqual(t, frame[envHeaderSize:], back[envHeaderSize:])
}

// TestSignedRoundTrip covers both key types, KEX and plain, broadcast and directed, payload
// sizes, and the randomised P-256 signatures.
func TestSignedRoundTrip(t *testing.T) {
	for _, kt := range []signer.KeyType{signer.Ed25519, signer.ECDSAP256} {
		s := newSession(t, kt, kt)
		a, b := s.a, s.b
		for _, n := range []int{0, 1, 1000, 50_000} {
			for _, kex := range []bool{false, true} {
				for _, bcast := range []bool{false, true} {
					name := fmt.Sprintf("%s/n=%d/kex=%v/bcast=%v", kt, n, kex, bcast)
					payload := bytes.Repeat([]byte{0xA5}, n)
					q := b
					if bcast {
						q = nil
					}
					f := s.sealSigned(t, a, q, Tag(5, 2), kex, payload)
					want := minSignedLen + n
					if kex {
						want += epkSize
					}
					require.Len(t, f, want, name)
					exp := s.expect(a, b, 5, 2, Signed, bcast, kex)
					env, err := openSigned(f, &exp)
					require.NoError(t, err, name)
					require.Equal(t, payload, env.payload, name)
					if kex {
						require.Equal(t, a.epk, env.epk, name)
					} else {
						require.Nil(t, env.epk, name)
					}
					require.Equal(t, exp.tag, env.header.tag, name)
				}
			}
		}
		if kt == signer.ECDSAP256 {
			f1 := s.sealSigned(t, a, b, Tag(1, 0), false, []byte("same"))
			f2 := s.sealSigned(t, a, b, Tag(1, 0), false, []byte("same"))
			require.NotEqual(t, f1, f2, "P-256 signatures are randomised")
		}
	}
}

func TestEncryptedRoundTrip(t *testing.T) {
	s := newSession(t, signer.ECDSAP256, signer.Ed25519)
	for _, n := range []int{0, 1, 64, 1000, 50_000} {
		for _, dir := range []struct{ p, q *party }{{s.a, s.b}, {s.b, s.a}} {
			pt := bytes.Repeat([]byte{byte(n)}, n)
			f := sealEncrypted(s.keysOf(dir.p), s.header(dir.p, dir.q, Tag(9, 3)), pt)
			require.Len(t, f, minEncryptedLen+n)
			exp := s.expect(dir.p, dir.q, 9, 3, Encrypted, false, false)
			got, err := openEncrypted(nil, f, &exp, s.keysOf(dir.q))
			require.NoError(t, err)
			require.True(t, bytes.Equal(pt, got))
			// Appending to a caller buffer.
			got, err = openEncrypted([]byte("prefix"), f, &exp, s.keysOf(dir.q))
			require.NoError(t, err)
			require.Equal(t, append([]byte("prefix"), pt...), got)
		}
	}
}

// TestOpenDoesNotModifyFrame: opening, successful or not, leaves the frame unchanged (the
// driver keeps it as evidence and hashes it for the rejected set).
func TestOpenDoesNotModifyFrame(t *testing.T) {
	for _, c := range envCases(t) {
		f := bytes.Clone(c.frame)
		require.NoError(t, c.open(f))
		require.Equal(t, c.frame, f, c.name)
		f[len(f)-1] ^= 1
		g := bytes.Clone(f)
		require.Error(t, c.open(f))
		require.Equal(t, g, f, c.name)
	}
}

// TestOpenEncryptedAllocations: opening a 50 KB ENCRYPTED frame allocates at most the
// plaintext, and nothing when the caller supplies the buffer (WIRE.md §13.3).
func TestOpenEncryptedAllocations(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are not meaningful under the race detector")
	}
	s := newSession(t, signer.Ed25519, signer.Ed25519)
	pt := make([]byte, 50_000)
	f := sealEncrypted(s.ka, s.header(s.a, s.b, Tag(2, 0)), pt)
	exp := s.expect(s.a, s.b, 2, 0, Encrypted, false, false)
	allocs := testing.AllocsPerRun(50, func() {
		if _, err := openEncrypted(nil, f, &exp, s.kb); err != nil {
			t.Fatal(err)
		}
	})
	require.LessOrEqual(t, allocs, 1.0)
	buf := make([]byte, 0, len(pt)+nonceSize)
	allocs = testing.AllocsPerRun(50, func() {
		if _, err := openEncrypted(buf, f, &exp, s.kb); err != nil {
			t.Fatal(err)
		}
	})
	require.Zero(t, allocs)
	// Junk under the id costs no allocation either.
	junk := bytes.Clone(f)
	junk[offVersion] = 9
	allocs = testing.AllocsPerRun(50, func() { _, _ = openEncrypted(nil, junk, &exp, s.kb) })
	require.Zero(t, allocs)
}

func TestMessageIDAllocations(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are not meaningful under the race detector")
	}
	s := newSession(t, signer.ECDSAP256, signer.ECDSAP256)
	allocs := testing.AllocsPerRun(100, func() { _ = messageID(s.label, &s.inst, Tag(1, 0), s.a.enc, s.b.enc) })
	require.Zero(t, allocs)
}

// TestP256SigningInputIndependent checks a P-256 envelope signature with crypto/ecdsa directly:
// ECDSA over SHA-256(u8(25) ‖ "tandem/v1/signed-envelope" ‖ frame[0:len−64]) (WIRE.md §10.6).
func TestP256SigningInputIndependent(t *testing.T) {
	s := newSession(t, signer.ECDSAP256, signer.Ed25519)
	f := s.sealSigned(t, s.a, s.b, Tag(1, 0), true, []byte("independent"))
	x, y := elliptic.UnmarshalCompressed(elliptic.P256(), s.a.vk.Raw())
	require.NotNil(t, x)
	pub := &ecdsa.PublicKey{Curve: elliptic.P256(), X: x, Y: y}
	msg := append([]byte{25}, "tandem/v1/signed-envelope"...)
	msg = append(msg, f[:len(f)-64]...)
	digest := sha256.Sum256(msg)
	sig := f[len(f)-64:]
	r, sv := new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])
	require.True(t, ecdsa.Verify(pub, digest[:], r, sv))
	// And Ed25519 signs the input itself.
	g := s.sealSigned(t, s.b, s.a, Tag(1, 0), false, []byte("independent"))
	msg = append(append([]byte{25}, "tandem/v1/signed-envelope"...), g[:len(g)-64]...)
	require.True(t, ed25519.Verify(ed25519.PublicKey(s.b.vk.Raw()), msg, g[len(g)-64:]))
}
