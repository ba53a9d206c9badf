package ecdsa2p_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"log/slog"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	secp "github.com/decred/dcrd/dcrec/secp256k1/v4"
	"github.com/decred/dcrd/dcrec/secp256k1/v4/ecdsa"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
	"golang.org/x/crypto/sha3"

	"github.com/tandem-mpc/tandem/ecdsa2p"
	"github.com/tandem-mpc/tandem/mpc/mpctest"
	"github.com/tandem-mpc/tandem/relay"
	"github.com/tandem-mpc/tandem/relay/relaytest"
	"github.com/tandem-mpc/tandem/relay/server"
	"github.com/tandem-mpc/tandem/signer"
)

// transports are the two link types every end-to-end Session test runs over.
var transports = []string{"memory", "websocket"}

// fastBackoff makes clients reconnect quickly after the drops and restarts of the fault tests.
var fastBackoff = relay.Backoff{Initial: 5 * time.Millisecond, Max: 50 * time.Millisecond}

// linkWrap wraps the link of every (re)connection of one party's client (memory only).
type linkWrap func(relay.Link) relay.Link

// envOpts tunes newSessionEnv.
type envOpts struct {
	transport string // "memory" (default) or "websocket"
	wrap1     linkWrap
	wrap2     linkWrap
	opts1     []ecdsa2p.SessionOption
	opts2     []ecdsa2p.SessionOption
}

// sessionEnv is P1 (Ed25519 message key) and P2 (P-256 message key), each with its own relay
// client, MemoryStore and Session, over one in-process relay.
type sessionEnv struct {
	rl       *relaytest.Relay
	k1, k2   *signer.PrivateKey
	vk1, vk2 signer.VerifyingKey
	c1, c2   *relay.Client
	st1, st2 *ecdsa2p.MemoryStore
	s1, s2   *ecdsa2p.Session
}

// newSessionEnv builds the pair. Its cleanups close the clients and the relay, then check
// that no goroutine outlived the test (goleak; goroutines that existed before are ignored).
func newSessionEnv(t *testing.T, o envOpts) *sessionEnv {
	t.Helper()
	ignore := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, ignore) }) // registered first: runs last
	cfg := server.DefaultConfig()
	cfg.Logger = slog.New(slog.DiscardHandler)
	rl, err := relaytest.New(cfg)
	require.NoError(t, err)
	t.Cleanup(func() { _ = rl.Close() })
	e := &sessionEnv{rl: rl, st1: &ecdsa2p.MemoryStore{}, st2: &ecdsa2p.MemoryStore{}}
	e.k1, e.k2 = fixtureKeys(t)
	e.vk1, e.vk2 = e.k1.VerifyingKey(), e.k2.VerifyingKey()
	e.c1 = dialParty(t, rl, o.transport, mpctest.IPA, o.wrap1)
	e.c2 = dialParty(t, rl, o.transport, mpctest.IPB, o.wrap2)
	e.s1 = ecdsa2p.NewSession(e.c1, e.k1, append([]ecdsa2p.SessionOption{ecdsa2p.WithStore(e.st1)}, o.opts1...)...)
	e.s2 = ecdsa2p.NewSession(e.c2, e.k2, append([]ecdsa2p.SessionOption{ecdsa2p.WithStore(e.st2)}, o.opts2...)...)
	return e
}

func dialParty(t *testing.T, rl *relaytest.Relay, transport string, ip netip.Addr, wrap linkWrap) *relay.Client {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	opts := &relay.ClientOptions{Backoff: fastBackoff, Logger: slog.New(slog.DiscardHandler)}
	var c *relay.Client
	var err error
	switch transport {
	case "", "memory":
		dial := rl.LinkDialer(ip)
		if wrap != nil {
			inner := dial
			dial = func(ctx context.Context) (relay.Link, error) {
				l, err := inner(ctx)
				if err != nil {
					return nil, err
				}
				return wrap(l), nil
			}
		}
		c, err = relay.NewClient(ctx, dial, opts)
	case "websocket":
		require.Nil(t, wrap, "link wrappers are for in-memory links")
		c, err = relay.Dial(ctx, rl.ServeWebSocket(), opts)
	default:
		t.Fatalf("unknown transport %q", transport)
	}
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// keygen runs KeygenP1 and KeygenP2 concurrently and requires both to succeed.
func (e *sessionEnv) keygen(t *testing.T) (ks1, ks2 *ecdsa2p.Keyshare) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	id := ecdsa2p.RandomInstanceID()
	var e1, e2 error
	both(func() { ks1, e1 = e.s1.KeygenP1(ctx, id, e.vk2) }, func() { ks2, e2 = e.s2.KeygenP2(ctx, id, e.vk1) })
	require.NoError(t, e1)
	require.NoError(t, e2)
	require.Equal(t, ks1.PublicKey(), ks2.PublicKey())
	require.Equal(t, ks1.KeyID(), ks2.KeyID())
	require.Equal(t, 0, ks1.Index())
	require.Equal(t, 1, ks2.Index())
	require.Equal(t, ecdsa2p.StatusActive, ks1.Status())
	require.Equal(t, ecdsa2p.StatusActive, ks2.Status())
	return ks1, ks2
}

// fixture is one keygen's result, made once per test binary for the tests that need a key but
// do not test keygen: parsed copies go into each test's fresh Stores.
var fixture struct {
	keysOnce, sharesOnce sync.Once
	k1, k2               *signer.PrivateKey
	keysErr              error
	b1, b2               []byte
	sharesErr            error
}

// fixtureKeys returns the message keys of P1 (Ed25519) and P2 (P-256), the same in every test
// so that the fixture's keyshares (which bind them) work everywhere.
func fixtureKeys(t *testing.T) (*signer.PrivateKey, *signer.PrivateKey) {
	t.Helper()
	fixture.keysOnce.Do(func() {
		var err1, err2 error
		fixture.k1, err1 = signer.GenerateEd25519()
		fixture.k2, err2 = signer.GenerateP256()
		fixture.keysErr = errors.Join(err1, err2)
	})
	require.NoError(t, fixture.keysErr)
	return fixture.k1, fixture.k2
}

// shares returns fresh parsed copies of the fixture's keyshares (made by one Session keygen
// over its own in-memory relay, closed before this returns).
func (e *sessionEnv) shares(t *testing.T) (ks1, ks2 *ecdsa2p.Keyshare) {
	t.Helper()
	fixture.sharesOnce.Do(func() {
		fixture.sharesErr = func() error {
			cfg := server.DefaultConfig()
			cfg.Logger = slog.New(slog.DiscardHandler)
			rl, err := relaytest.New(cfg)
			if err != nil {
				return err
			}
			defer rl.Close()
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			c1, err := rl.DialAs(ctx, mpctest.IPA, nil)
			if err != nil {
				return err
			}
			defer c1.Close()
			c2, err := rl.DialAs(ctx, mpctest.IPB, nil)
			if err != nil {
				return err
			}
			defer c2.Close()
			id := ecdsa2p.RandomInstanceID()
			var k1, k2 *ecdsa2p.Keyshare
			var e1, e2 error
			both(func() { k1, e1 = ecdsa2p.NewSession(c1, e.k1).KeygenP1(ctx, id, e.vk2) },
				func() { k2, e2 = ecdsa2p.NewSession(c2, e.k2).KeygenP2(ctx, id, e.vk1) })
			if err := errors.Join(e1, e2); err != nil {
				return err
			}
			fixture.b1, e1 = k1.MarshalBinary()
			fixture.b2, e2 = k2.MarshalBinary()
			return errors.Join(e1, e2)
		}()
	})
	require.NoError(t, fixture.sharesErr, "fixture keygen")
	ks1, ks2 = mustParse(t, fixture.b1), mustParse(t, fixture.b2)
	require.Equal(t, ecdsa2p.StatusActive, ks1.Status())
	require.Equal(t, ks1.PublicKey(), ks2.PublicKey())
	return ks1, ks2
}

// signResult is what one SigngenP1/P2 pair returned.
type signResult struct {
	sig1, sig2 *ecdsa2p.Signature
	err1, err2 error
	seen       []ecdsa2p.MessageToSign // what P2's Approve was called with
}

// sign runs SigngenP1(req1) and SigngenP2(req2) concurrently under one fresh instance id
// (unless the requests name one). P2's Approve records what it saw, then calls req2.Approve.
func (e *sessionEnv) sign(ctx context.Context, req1, req2 ecdsa2p.SignRequest) *signResult {
	id := ecdsa2p.RandomInstanceID()
	if req1.InstanceID.IsZero() {
		req1.InstanceID = id
	}
	if req2.InstanceID.IsZero() {
		req2.InstanceID = id
	}
	if req1.OtherVK.IsZero() {
		req1.OtherVK = e.vk2
	}
	if req2.OtherVK.IsZero() {
		req2.OtherVK = e.vk1
	}
	r := &signResult{}
	var mu sync.Mutex
	inner := req2.Approve
	req2.Approve = func(ctx context.Context, m ecdsa2p.MessageToSign) error {
		mu.Lock()
		r.seen = append(r.seen, m)
		mu.Unlock()
		if inner != nil {
			return inner(ctx, m)
		}
		return nil
	}
	both(func() { r.sig1, r.err1 = e.s1.SigngenP1(ctx, req1) }, func() { r.sig2, r.err2 = e.s2.SigngenP2(ctx, req2) })
	return r
}

// both runs f and g concurrently and waits for both.
func both(f, g func()) {
	var wg sync.WaitGroup
	wg.Go(f)
	wg.Go(g)
	wg.Wait()
}

// digest computes e_bytes independently of the package.
func digest(t *testing.T, h ecdsa2p.HashAlg, msg []byte) [32]byte {
	t.Helper()
	var d [32]byte
	switch h {
	case ecdsa2p.Keccak256:
		k := sha3.NewLegacyKeccak256()
		k.Write(msg)
		copy(d[:], k.Sum(nil))
	case ecdsa2p.SHA256:
		d = sha256.Sum256(msg)
	case ecdsa2p.RawDigest:
		require.Len(t, msg, 32)
		copy(d[:], msg)
	default:
		t.Fatalf("hash %v", h)
	}
	return d
}

// requireValidSignature verifies sig over d under pub with decred's ecdsa.Verify, checks low
// s, and checks that RecoverCompact with sig's recovery id returns pub.
func requireValidSignature(t *testing.T, sig *ecdsa2p.Signature, d [32]byte, pub [33]byte) {
	t.Helper()
	require.NotNil(t, sig)
	require.Equal(t, pub, sig.Key, "the signature names the expected public key")
	pk, err := secp.ParsePubKey(pub[:])
	require.NoError(t, err)
	var r, s secp.ModNScalar
	require.False(t, r.SetByteSlice(sig.R[:]), "r overflows")
	require.False(t, s.SetByteSlice(sig.S[:]), "s overflows")
	require.False(t, s.IsOverHalfOrder(), "s is low")
	require.True(t, ecdsa.NewSignature(&r, &s).Verify(d[:], pk), "decred ecdsa.Verify")
	require.LessOrEqual(t, sig.RecID, uint8(3))
	compact := make([]byte, 65)
	compact[0] = 27 + 4 + sig.RecID // compressed key
	copy(compact[1:33], sig.R[:])
	copy(compact[33:], sig.S[:])
	rec, compressed, err := ecdsa.RecoverCompact(compact, d[:])
	require.NoError(t, err)
	require.True(t, compressed)
	require.True(t, rec.IsEqual(pk), "RecoverCompact with RecID %d gives the public key", sig.RecID)
	b65 := sig.Bytes65()
	require.Equal(t, sig.R[:], b65[:32])
	require.Equal(t, sig.S[:], b65[32:64])
	require.Equal(t, sig.RecID, b65[64])
}

// ckdPub is an independent BIP-32 CKDpub (non-hardened) of the compressed key pub with
// chain code cc along path ("m", "m/0/1"), written from the BIP-32 text (PROTOCOL.md 8.1).
func ckdPub(t *testing.T, pub [33]byte, cc [32]byte, path string) [33]byte {
	t.Helper()
	parts := strings.Split(path, "/")
	require.Equal(t, "m", parts[0])
	K, err := secp.ParsePubKey(pub[:])
	require.NoError(t, err)
	c := cc
	for _, p := range parts[1:] {
		i, err := strconv.ParseUint(p, 10, 31)
		require.NoError(t, err)
		mac := hmac.New(sha512.New, c[:])
		mac.Write(K.SerializeCompressed())
		var ib [4]byte
		binary.BigEndian.PutUint32(ib[:], uint32(i))
		mac.Write(ib[:])
		I := mac.Sum(nil)
		var tk secp.ModNScalar
		require.False(t, tk.SetByteSlice(I[:32]), "tweak ≥ n")
		var tG, k, sum secp.JacobianPoint
		secp.ScalarBaseMultNonConst(&tk, &tG)
		K.AsJacobian(&k)
		secp.AddNonConst(&tG, &k, &sum)
		require.False(t, (sum.X.IsZero() && sum.Y.IsZero()) || sum.Z.IsZero(), "child is the identity")
		sum.ToAffine()
		K = secp.NewPublicKey(&sum.X, &sum.Y)
		copy(c[:], I[32:])
	}
	var out [33]byte
	copy(out[:], K.SerializeCompressed())
	return out
}

// storeKey is the documented Store key of a keyshare ("keyshare/<key_id hex>/p1").
func storeKey(ks *ecdsa2p.Keyshare) string {
	id := ks.KeyID()
	return "keyshare/" + hex.EncodeToString(id[:]) + "/p" + strconv.Itoa(ks.Index()+1)
}

// dropLink drops outgoing publish frames whose id is in drop, and calls onPub (if set) after
// each publish frame it forwarded, with the frame's id.
type dropLink struct {
	relay.Link
	drop    func(relay.MsgID) bool
	onPub   func(relay.MsgID)
	dropped *atomic.Int32
}

func (l *dropLink) WriteFrame(ctx context.Context, frame []byte) error {
	if relay.Classify(frame) == relay.FramePublish {
		if h, err := relay.ParseHeader(frame); err == nil {
			if l.drop != nil && l.drop(h.ID) {
				if l.dropped != nil {
					l.dropped.Add(1)
				}
				return nil
			}
			if err := l.Link.WriteFrame(ctx, frame); err != nil {
				return err
			}
			if l.onPub != nil {
				l.onPub(h.ID)
			}
			return nil
		}
	}
	return l.Link.WriteFrame(ctx, frame)
}

// zeroVK is the zero verifying key (none).
var zeroVK signer.VerifyingKey

// newStrangerVK returns the verifying key of a third party.
func newStrangerVK(t *testing.T) signer.VerifyingKey {
	t.Helper()
	k, err := signer.GenerateEd25519()
	require.NoError(t, err)
	return k.VerifyingKey()
}
