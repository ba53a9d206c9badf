package mpc

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tandem-mpc/tandem/relay"
	"github.com/tandem-mpc/tandem/signer"
)

// party is one side of a test session.
type party struct {
	signer signer.Signer
	vk     signer.VerifyingKey
	enc    []byte
	eph    *ephemeralKey
	epk    []byte
}

func newParty(t testing.TB, typ signer.KeyType) *party {
	t.Helper()
	var k *signer.PrivateKey
	var err error
	switch typ {
	case signer.Ed25519:
		k, err = signer.GenerateEd25519()
	case signer.ECDSAP256:
		k, err = signer.GenerateP256()
	default:
		t.Fatalf("unknown key type %q", typ)
	}
	require.NoError(t, err)
	eph, err := newEphemeralKey()
	require.NoError(t, err)
	vk := k.VerifyingKey()
	return &party{signer: k, vk: vk, enc: vk.Encoding(), eph: eph, epk: eph.public()}
}

// session is a pair of parties with derived keys in one session.
type session struct {
	label  string
	inst   InstanceID
	a, b   *party // a and b are just the two parties, not the A/B order of §10.7
	ka, kb *p2pKeys
}

func newSession(t testing.TB, ta, tb signer.KeyType) *session {
	t.Helper()
	s := &session{label: "tandem/test/v1", inst: RandomInstanceID(), a: newParty(t, ta), b: newParty(t, tb)}
	var err error
	s.ka, err = deriveKeys(s.a.eph, s.label, &s.inst, s.a.enc, s.b.enc, s.b.epk)
	require.NoError(t, err)
	s.kb, err = deriveKeys(s.b.eph, s.label, &s.inst, s.b.enc, s.a.enc, s.a.epk)
	require.NoError(t, err)
	return s
}

// header returns the header of a message from p to q (q nil: broadcast) with the given tag.
func (s *session) header(p, q *party, tag uint64) envHeader {
	var qenc []byte
	if q != nil {
		qenc = q.enc
	}
	return envHeader{id: messageID(s.label, &s.inst, tag, p.enc, qenc), ttlCode: relay.EncodeTTL(600e9), tag: tag}
}

// expect returns q's expectation for a message from p (broadcast when bcast).
func (s *session) expect(p, q *party, r, seq uint32, kind Kind, bcast, kex bool) expectation {
	self := &q.vk
	if bcast {
		self = nil
	}
	return newExpectation(s.label, &s.inst, r, seq, kind, p.vk, self, kex)
}

func (s *session) sealSigned(t testing.TB, p, q *party, tag uint64, kex bool, payload []byte) []byte {
	t.Helper()
	var epk []byte
	if kex {
		epk = p.epk
	}
	f, err := sealSigned(context.Background(), p.signer, Signed, s.header(p, q, tag), epk, payload)
	require.NoError(t, err)
	return f
}

func (s *session) keysOf(p *party) *p2pKeys {
	if p == s.a {
		return s.ka
	}
	return s.kb
}
