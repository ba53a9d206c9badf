package ecdsa2p

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tandem-mpc/tandem/mpc"
)

// appendixASignRequest is WIRE.md Appendix A's SIGN_REQUEST: sign_sid = 02 × 32,
// Keccak-256, message "hello".
const appendixASignRequest = "01510202020202020202020202020202020202020202020202020202020202020202010000000568656c6c6f"

func sid02() (s [32]byte) {
	for i := range s {
		s[i] = 0x02
	}
	return s
}

func TestSignRequestAppendixA(t *testing.T) {
	want, err := hex.DecodeString(appendixASignRequest)
	require.NoError(t, err)
	require.Len(t, want, 44)

	r := MessageToSign{SignSID: sid02(), Hash: Keccak256, Message: []byte("hello")}
	got, err := r.MarshalBinary()
	require.NoError(t, err)
	require.Equal(t, appendixASignRequest, hex.EncodeToString(got))

	p, err := ParseSignRequest(want)
	require.NoError(t, err)
	require.Equal(t, r, p)

	d := p.Digest()
	require.Equal(t, "1c8aff950685c2ed4bc3174f3472287b56d9517b9c948127319a09a7a36deac8", hex.EncodeToString(d[:]))

	req, e, err := MessageRequest(sid02(), Keccak256, []byte("hello"))
	require.NoError(t, err)
	require.Equal(t, want, req)
	require.Equal(t, d, e)
}

func TestSignRequestDigest(t *testing.T) {
	var raw [32]byte
	for i := range raw {
		raw[i] = byte(i)
	}
	cases := []struct {
		hash HashAlg
		msg  []byte
		want string
	}{
		{Keccak256, []byte("hello"), "1c8aff950685c2ed4bc3174f3472287b56d9517b9c948127319a09a7a36deac8"},
		{SHA256, []byte("hello"), "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"},
		{RawDigest, raw[:], hex.EncodeToString(raw[:])},
		{Keccak256, make([]byte, MaxSignMessage), ""},
		{HashAlg(3), []byte("hello"), hex.EncodeToString(make([]byte, 32))},
		{RawDigest, []byte("short"), hex.EncodeToString(make([]byte, 32))},
	}
	for _, c := range cases {
		r := MessageToSign{Hash: c.hash, Message: c.msg}
		d := r.Digest()
		if c.want == "" {
			s := sha256.Sum256(nil) // only a non-zero check for the large message
			require.NotEqual(t, [32]byte{}, d)
			require.NotEqual(t, s, d)
			continue
		}
		assert.Equal(t, c.want, hex.EncodeToString(d[:]), c.hash.String())
	}
	// SHA-256 of "hello" from the standard library, too.
	s := sha256.Sum256([]byte("hello"))
	r := MessageToSign{Hash: SHA256, Message: []byte("hello")}
	require.Equal(t, s, r.Digest())
}

func TestHashAlgString(t *testing.T) {
	for h, want := range map[HashAlg]string{RawDigest: "raw", Keccak256: "keccak256", SHA256: "sha256", 3: "hash(0x03)", 0xff: "hash(0xff)"} {
		assert.Equal(t, want, h.String())
	}
	assert.True(t, RawDigest.Known())
	assert.False(t, HashAlg(3).Known())
}

// build assembles a SIGN_REQUEST with an arbitrary length field.
func build(version, typ byte, hash byte, mField uint32, msg []byte) []byte {
	b := append([]byte{version, typ}, bytes.Repeat([]byte{0x02}, 32)...)
	b = append(b, hash)
	b = binary.BigEndian.AppendUint32(b, mField)
	return append(b, msg...)
}

func TestParseSignRequestNegative(t *testing.T) {
	raw32 := make([]byte, 32)
	big := make([]byte, MaxSignMessage+1)
	cases := []struct {
		name string
		b    []byte
		want error
	}{
		{"empty", nil, ErrMalformedSignRequest},
		{"short header", build(1, 0x51, 1, 5, nil)[:38], ErrMalformedSignRequest},
		{"short message", build(1, 0x51, 1, 5, []byte("hell")), ErrMalformedSignRequest},
		{"trailing byte", build(1, 0x51, 1, 5, []byte("hello!")), ErrMalformedSignRequest},
		{"version", build(2, 0x51, 1, 5, []byte("hello")), ErrMalformedSignRequest},
		{"version 0", build(0, 0x51, 1, 5, []byte("hello")), ErrMalformedSignRequest},
		{"type", build(1, 0x50, 1, 5, []byte("hello")), ErrMalformedSignRequest},
		{"m = 0", build(1, 0x51, 1, 0, nil), ErrMalformedSignRequest},
		{"m = max+1", build(1, 0x51, 1, MaxSignMessage+1, big), ErrMalformedSignRequest},
		{"m = 2^32-1", build(1, 0x51, 1, 0xffffffff, []byte("hello")), ErrMalformedSignRequest},
		{"raw m = 31", build(1, 0x51, 0, 31, raw32[:31]), ErrMalformedSignRequest},
		{"raw m = 33", build(1, 0x51, 0, 33, append(raw32, 0)), ErrMalformedSignRequest},
		{"hash 3", build(1, 0x51, 3, 5, []byte("hello")), ErrUnknownHash},
		{"hash 0xff", build(1, 0x51, 0xff, 32, raw32), ErrUnknownHash},
		// Layout is checked before the hash code (§12.9 check 1 before 2).
		{"hash 3, trailing", build(1, 0x51, 3, 5, []byte("hello!")), ErrMalformedSignRequest},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseSignRequest(c.b)
			require.ErrorIs(t, err, c.want)
			other := ErrUnknownHash
			if c.want == ErrUnknownHash {
				other = ErrMalformedSignRequest
			}
			require.NotErrorIs(t, err, other)
		})
	}

	// Boundaries that parse.
	for _, b := range [][]byte{
		build(1, 0x51, 1, 1, []byte("x")),
		build(1, 0x51, 2, MaxSignMessage, make([]byte, MaxSignMessage)),
		build(1, 0x51, 0, 32, raw32),
	} {
		r, err := ParseSignRequest(b)
		require.NoError(t, err)
		out, err := r.MarshalBinary()
		require.NoError(t, err)
		require.Equal(t, b, out)
	}
}

func TestSignRequestMarshalNegative(t *testing.T) {
	cases := []struct {
		name string
		r    MessageToSign
		want error
	}{
		{"m = 0", MessageToSign{Hash: Keccak256}, ErrMalformedSignRequest},
		{"m = max+1", MessageToSign{Hash: SHA256, Message: make([]byte, MaxSignMessage+1)}, ErrMalformedSignRequest},
		{"raw m = 5", MessageToSign{Hash: RawDigest, Message: []byte("hello")}, ErrMalformedSignRequest},
		{"hash 7", MessageToSign{Hash: 7, Message: []byte("hello")}, ErrUnknownHash},
	}
	for _, c := range cases {
		_, err := c.r.MarshalBinary()
		require.ErrorIs(t, err, c.want, c.name)
		_, _, err = MessageRequest(c.r.SignSID, c.r.Hash, c.r.Message)
		require.ErrorIs(t, err, c.want, c.name)
	}
}

func TestParseSignRequestCopies(t *testing.T) {
	b, err := hex.DecodeString(appendixASignRequest)
	require.NoError(t, err)
	r, err := ParseSignRequest(b)
	require.NoError(t, err)
	b[39] = 'j'
	require.Equal(t, []byte("hello"), r.Message)
}

// DigestRequest's raw form and the codec agree.
func TestSignRequestMatchesDigestRequest(t *testing.T) {
	d := digestOf("x")
	r, err := ParseSignRequest(DigestRequest(sid02(), d))
	require.NoError(t, err)
	require.Equal(t, RawDigest, r.Hash)
	require.Equal(t, d, r.Digest())
	req, e, err := MessageRequest(sid02(), RawDigest, d[:])
	require.NoError(t, err)
	require.Equal(t, DigestRequest(sid02(), d), req)
	require.Equal(t, d, e)
}

func abortClass(t *testing.T, err error) uint8 {
	t.Helper()
	var c mpc.AbortClassifier
	require.True(t, errors.As(err, &c), "%v", err)
	cl, _ := c.AbortClass()
	return cl
}

// TestAcceptMessageChecks: §12.9 checks 1 and 2 of AcceptMessage's accept hook.
func TestAcceptMessageChecks(t *testing.T) {
	ctx := context.Background()
	appA, _ := hex.DecodeString(appendixASignRequest)
	raw := DigestRequest(sid02(), digestOf("x"))
	cases := []struct {
		name     string
		allowRaw bool
		b        []byte
		class    uint8 // 0xff: accepted
	}{
		{"keccak", false, appA, 0xff},
		{"raw enabled", true, raw, 0xff},
		{"raw not enabled", false, raw, mpc.ClassDeclined},
		{"unknown hash", true, build(1, 0x51, 9, 5, []byte("hello")), mpc.ClassDeclined},
		{"malformed", true, appA[:43], mpc.ClassPeer},
		{"raw m = 31 not enabled", false, build(1, 0x51, 0, 31, make([]byte, 31)), mpc.ClassPeer},
		{"bad type", true, build(1, 0x52, 1, 5, []byte("hello")), mpc.ClassPeer},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			accept, _ := AcceptMessage(c.allowRaw, nil)
			sid, e, err := accept(ctx, c.b)
			if c.class == 0xff {
				require.NoError(t, err)
				r, perr := ParseSignRequest(c.b)
				require.NoError(t, perr)
				require.Equal(t, r.SignSID, sid)
				require.Equal(t, r.Digest(), e)
				return
			}
			require.Error(t, err)
			require.Equal(t, c.class, abortClass(t, err))
			if c.class == mpc.ClassPeer {
				require.ErrorIs(t, err, MalformedPayload)
				require.ErrorIs(t, err, ErrMalformedSignRequest)
				var ee *Error
				require.ErrorAs(t, err, &ee)
				require.Equal(t, 0, ee.Culprit)
			}
		})
	}

	// approve without a preceding accept is an internal error, never an approval.
	_, approve := AcceptMessage(false, nil)
	require.ErrorIs(t, approve(ctx, sid02(), [32]byte{}), Internal)
}

// TestFinishWithMessage runs finish sessions with MessageRequest / AcceptMessage: the
// approval sees the message after the pre-signature check; a refusal is class 3; a P1
// whose digest disagrees with its request fails.
func TestFinishWithMessage(t *testing.T) {
	l := newLocal(t)
	l.keygen(t)
	msg := []byte("pay 1 ETH to bob")
	run := func(sid [32]byte, hash HashAlg, p1Digest *[32]byte, approve ApproveMessageFunc) (seen *MessageToSign, errs [2]error) {
		l.a, l.b = fresh(l.a, l.b)
		req, e, err := MessageRequest(sid, hash, msg)
		require.NoError(t, err)
		if p1Digest != nil {
			e = *p1Digest
		}
		f0, err := NewFinishP1(l.a, l.ks[0], l.st[0], "k", sid, e, req)
		require.NoError(t, err)
		accept, appr := AcceptMessage(false, func(ctx context.Context, r MessageToSign) error {
			seen = &r
			return approve(ctx, r)
		})
		f1, err := NewFinishP2(l.b, l.ks[1], l.st[1], "k", accept)
		require.NoError(t, err)
		f1.WithApproval(appr)
		errs = runLocal(context.Background(), [2]mpc.Protocol{f0, f1})
		if errs[0] == nil {
			s0, err := f0.Result()
			require.NoError(t, err)
			s1, err := f1.Result()
			require.NoError(t, err)
			require.Equal(t, s0.Bytes65(), s1.Bytes65())
		}
		return seen, errs
	}
	ok := func(context.Context, MessageToSign) error { return nil }

	for _, h := range []HashAlg{Keccak256, SHA256} {
		sid := l.presign(t)
		seen, errs := run(sid, h, nil, ok)
		require.NoError(t, errs[0], h.String())
		require.NoError(t, errs[1], h.String())
		require.NotNil(t, seen)
		require.Equal(t, MessageToSign{SignSID: sid, Hash: h, Message: msg}, *seen)
	}

	sid := l.presign(t)
	seen, errs := run(sid, Keccak256, nil, func(context.Context, MessageToSign) error { return errors.New("no") })
	require.NotNil(t, seen)
	require.Equal(t, mpc.ClassDeclined, abortClass(t, errs[1]))

	// Unknown sign_sid: PresignatureConsumed before any approval (check 3 before 4).
	sid = l.presign(t)
	require.NoError(t, l.st[1].Delete(context.Background(), PresignatureKey("k", sid)))
	seen, errs = run(sid, SHA256, nil, ok)
	require.Nil(t, seen)
	require.ErrorIs(t, errs[1], ErrPresignatureConsumed)

	// Raw digest not enabled on P2: declined before the lookup and the approval.
	sid = l.presign(t)
	l.a, l.b = fresh(l.a, l.b)
	d := digestOf("raw")
	f0, err := NewFinishP1(l.a, l.ks[0], l.st[0], "k", sid, d, DigestRequest(sid, d))
	require.NoError(t, err)
	accept, appr := AcceptMessage(false, func(context.Context, MessageToSign) error {
		t.Error("approval asked for a raw digest that is not enabled")
		return nil
	})
	f1, err := NewFinishP2(l.b, l.ks[1], l.st[1], "k", accept)
	require.NoError(t, err)
	errs = runLocal(context.Background(), [2]mpc.Protocol{f0, f1.WithApproval(appr)})
	require.Equal(t, mpc.ClassDeclined, abortClass(t, errs[1]))

	// P1 signs a digest other than its request's: the session fails on both sides.
	sid = l.presign(t)
	wrong := digestOf("something else")
	_, errs = run(sid, SHA256, &wrong, ok)
	require.Error(t, errs[0])
	require.Error(t, errs[1])
}

func FuzzParseSignRequest(f *testing.F) {
	appA, _ := hex.DecodeString(appendixASignRequest)
	f.Add(appA)
	f.Add(DigestRequest(sid02(), digestOf("x")))
	f.Add(build(1, 0x51, 2, 1, []byte("x")))
	f.Add(build(1, 0x51, 3, 5, []byte("hello")))
	f.Add(build(1, 0x51, 0, 31, make([]byte, 31)))
	f.Add(build(1, 0x51, 1, 0, nil))
	f.Add([]byte{1, 0x51})
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := ParseSignRequest(b)
		if err != nil {
			if !errors.Is(err, ErrMalformedSignRequest) && !errors.Is(err, ErrUnknownHash) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		out, err := r.MarshalBinary()
		if err != nil {
			t.Fatalf("parsed request does not marshal: %v", err)
		}
		if !bytes.Equal(out, b) {
			t.Fatal("round trip changed the bytes")
		}
		_ = r.Digest()
	})
}
