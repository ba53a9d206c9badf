package ecdsa2p_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tandem-mpc/tandem/ecdsa2p"
	"github.com/tandem-mpc/tandem/mpc"
	"github.com/tandem-mpc/tandem/relay"
	"github.com/tandem-mpc/tandem/signer"
)

// errDeclined is the approval hook's own refusal.
var errDeclined = errors.New("user declined the transfer")

// requireFastPeerAbort requires err to be the peer's ABORT (not this party's deadline).
func requireFastPeerAbort(t *testing.T, err error) *mpc.PeerAbortedError {
	t.Helper()
	var pa *mpc.PeerAbortedError
	require.ErrorAs(t, err, &pa, "%v", err)
	require.NotErrorIs(t, err, mpc.ErrTimeout)
	require.NotErrorIs(t, err, context.DeadlineExceeded)
	return pa
}

// requireOnlyTimeout requires err to be this party's deadline and nothing else: no ABORT
// of the peer, no engine error.
func requireOnlyTimeout(t *testing.T, err error) {
	t.Helper()
	require.ErrorIs(t, err, mpc.ErrTimeout)
	var te *mpc.TimeoutError
	require.ErrorAs(t, err, &te, "%v", err)
	var pa *mpc.PeerAbortedError
	require.False(t, errors.As(err, &pa), "no peer abort: %v", err)
	var ee *ecdsa2p.Error
	require.False(t, errors.As(err, &ee), "no engine error: %v", err)
}

// P2's Approve refuses: P2's error wraps the hook's error, P1 gets the peer's ABORT with code
// REJECTED long before its 60 s deadline. Over both link types.
func TestSessionApproveRefused(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr, func(t *testing.T) {
			e := newSessionEnv(t, envOpts{transport: tr})
			ks1, ks2 := e.shares(t)
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			msg := []byte("send everything to mallory")
			r := e.sign(ctx,
				ecdsa2p.SignRequest{Keyshare: ks1, Message: msg, Hash: ecdsa2p.Keccak256},
				ecdsa2p.SignRequest{Keyshare: ks2, Approve: func(context.Context, ecdsa2p.MessageToSign) error { return errDeclined }})
			require.ErrorIs(t, r.err2, errDeclined, "P2's error wraps the hook's")
			pa := requireFastPeerAbort(t, r.err1)
			assert.Equal(t, mpc.AbortRejected, pa.Code)
			assert.Equal(t, mpc.CulpritNone, pa.Claim)
			assert.Nil(t, r.sig1)
			assert.Nil(t, r.sig2)
			require.Len(t, r.seen, 1)
			assert.Equal(t, msg, r.seen[0].Message)
			require.NoError(t, ctx.Err())

			// The keyshares are not harmed: the next signature works.
			msg = []byte("a modest transfer")
			r = e.sign(ctx,
				ecdsa2p.SignRequest{Keyshare: ks1, Message: msg, Hash: ecdsa2p.Keccak256},
				ecdsa2p.SignRequest{Keyshare: ks2})
			require.NoError(t, r.err1)
			require.NoError(t, r.err2)
			requireValidSignature(t, r.sig1, digest(t, ecdsa2p.Keccak256, msg), ks1.PublicKey())
		})
	}
}

// Sessions that never meet (another instance id, another verifying key for the peer) end on
// both sides with the deadline and nothing else; the deadline comes from ctx or WithTimeout.
// The cases run concurrently (distinct instance ids on shared Sessions).
func TestSessionNeverMeet(t *testing.T) {
	const deadline = 1500 * time.Millisecond
	e := newSessionEnv(t, envOpts{opts1: []ecdsa2p.SessionOption{ecdsa2p.WithTimeout(deadline)}})
	ks1, ks2 := e.shares(t)
	stranger := newStrangerVK(t)
	msg := []byte("m")
	type outcome struct{ e1, e2 error }
	sign := func(ctx1 context.Context, id1, id2 mpc.InstanceID, other1 signer.VerifyingKey) (o outcome) {
		ctx2, cancel2 := context.WithTimeout(context.Background(), deadline)
		defer cancel2()
		both(func() {
			_, o.e1 = e.s1.SigngenP1(ctx1, ecdsa2p.SignRequest{InstanceID: id1, Keyshare: ks1, OtherVK: other1, Message: msg, Hash: ecdsa2p.Keccak256})
		}, func() {
			_, o.e2 = e.s2.SigngenP2(ctx2, ecdsa2p.SignRequest{InstanceID: id2, Keyshare: ks2, OtherVK: e.vk1})
		})
		return o
	}
	keygen := func(id1, id2 mpc.InstanceID, other1 signer.VerifyingKey) (o outcome) {
		ctx, cancel := context.WithTimeout(context.Background(), deadline)
		defer cancel()
		var k1, k2 *ecdsa2p.Keyshare
		both(func() { k1, o.e1 = e.s1.KeygenP1(ctx, id1, other1) }, func() { k2, o.e2 = e.s2.KeygenP2(ctx, id2, e.vk1) })
		assert.Nil(t, k1)
		assert.Nil(t, k2)
		return o
	}
	same := ecdsa2p.RandomInstanceID()
	cases := map[string]func() outcome{
		"sign-wrong-instance-ctx-deadline": func() outcome {
			ctx, cancel := context.WithTimeout(context.Background(), deadline)
			defer cancel()
			return sign(ctx, ecdsa2p.RandomInstanceID(), ecdsa2p.RandomInstanceID(), e.vk2)
		},
		"sign-wrong-instance-with-timeout": func() outcome {
			return sign(context.Background(), ecdsa2p.RandomInstanceID(), ecdsa2p.RandomInstanceID(), e.vk2)
		},
		"keygen-wrong-instance": func() outcome { return keygen(ecdsa2p.RandomInstanceID(), ecdsa2p.RandomInstanceID(), e.vk2) },
		"keygen-wrong-other-vk": func() outcome { return keygen(same, same, stranger) },
	}
	got := make(map[string]outcome)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for name, f := range cases {
		wg.Go(func() {
			o := f()
			mu.Lock()
			got[name] = o
			mu.Unlock()
		})
	}
	// Signing with a peer key that is not the keyshare's: P1 refuses at once (see
	// TestSessionOtherVKNotTheKeysharePeer), and P2 waits for its deadline.
	var wrongVK outcome
	wg.Go(func() { wrongVK = sign(context.Background(), same, same, stranger) })
	wg.Wait()
	for name := range cases {
		t.Run(name, func(t *testing.T) {
			requireOnlyTimeout(t, got[name].e1)
			requireOnlyTimeout(t, got[name].e2)
		})
	}
	t.Run("sign-wrong-other-vk", func(t *testing.T) {
		require.Error(t, wrongVK.e1)
		require.NotErrorIs(t, wrongVK.e1, mpc.ErrTimeout)
		requireOnlyTimeout(t, wrongVK.e2)
	})
}

// A P2 whose keyshare is LOCKED (restored from a backup) refuses at once with
// ErrKeyshareLocked, and tells P1, which ends with the peer's ABORT naming KeyshareLocked
// long before its 60 s deadline.
func TestSessionPeerLocked(t *testing.T) {
	e := newSessionEnv(t, envOpts{})
	ks1, ks2 := e.shares(t)
	ks2.MarkRestored()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	r := e.sign(ctx,
		ecdsa2p.SignRequest{Keyshare: ks1, Message: []byte("m"), Hash: ecdsa2p.SHA256},
		ecdsa2p.SignRequest{Keyshare: ks2})
	require.ErrorIs(t, r.err2, ecdsa2p.ErrKeyshareLocked)
	pa := requireFastPeerAbort(t, r.err1)
	assert.Equal(t, uint8(ecdsa2p.KeyshareLocked), pa.Detail)
	assert.Empty(t, r.seen)
	require.NoError(t, ctx.Err())
}

// BIP-32 paths that differ (P1 "m/0/1", P2 "m/0/2"): the path is bound before the first round,
// so the presign fails on both sides with SetupMismatch — on the side that detects it as its
// own *ecdsa2p.Error, on the other as the peer's ABORT with that detail — quickly.
func TestSessionPathMismatch(t *testing.T) {
	e := newSessionEnv(t, envOpts{})
	ks1, ks2 := e.shares(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	r := e.sign(ctx,
		ecdsa2p.SignRequest{Keyshare: ks1, Path: "m/0/1", Message: []byte("m"), Hash: ecdsa2p.Keccak256},
		ecdsa2p.SignRequest{Keyshare: ks2, Path: "m/0/2"})
	for i, err := range []error{r.err1, r.err2} {
		require.Error(t, err, "P%d", i+1)
		var ee *ecdsa2p.Error
		if errors.As(err, &ee) {
			assert.Equal(t, "presign", ee.Op)
			assert.Equal(t, ecdsa2p.SetupMismatch, ee.Code)
		}
		require.NotErrorIs(t, err, mpc.ErrTimeout, "P%d: %v", i+1, err)
		var pa *mpc.PeerAbortedError
		if errors.As(err, &pa) {
			assert.Equal(t, uint8(ecdsa2p.SetupMismatch), pa.Detail, "P%d: %v", i+1, err)
			assert.Equal(t, mpc.AbortInputMismatch, pa.Code, "P%d: %v", i+1, err)
		} else {
			assert.ErrorIs(t, err, ecdsa2p.SetupMismatch, "P%d: %v", i+1, err)
		}
		t.Logf("P%d: %v", i+1, err)
	}
	assert.Empty(t, r.seen)
}

// The relay restarts (store wiped, connections dropped) or drops both connections in the
// middle of a sign (from P2's Approve, between P1's request + S4 and P2's S4) and of a keygen
// (right after P2 published its K3): the clients reconnect, re-publish and re-ask, and the
// sessions complete.
func TestSessionRelayFaults(t *testing.T) {
	for _, tr := range transports {
		for _, fault := range []string{"restart", "drop"} {
			t.Run(tr+"/"+fault, func(t *testing.T) {
				var e *sessionEnv // set before any session starts
				inject := func() {
					if fault == "restart" {
						e.rl.Restart()
					} else {
						e.rl.DropConnections(nil)
					}
				}
				var k3 relay.MsgID
				var armed atomic.Bool
				var bg sync.WaitGroup
				var wrap2 linkWrap
				if tr == "memory" {
					wrap2 = func(l relay.Link) relay.Link {
						return &dropLink{Link: l, onPub: func(id relay.MsgID) {
							if armed.Load() && id == k3 && armed.CompareAndSwap(true, false) {
								bg.Go(inject)
							}
						}}
					}
				}
				e = newSessionEnv(t, envOpts{transport: tr, wrap2: wrap2})
				ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
				defer cancel()

				var ks1, ks2 *ecdsa2p.Keyshare
				if tr == "memory" {
					id := ecdsa2p.RandomInstanceID()
					k3 = mpc.MessageID(ecdsa2p.LabelKeygen, id, mpc.Tag(3, 0), e.vk2, &e.vk1)
					armed.Store(true)
					var e1, e2 error
					both(func() { ks1, e1 = e.s1.KeygenP1(ctx, id, e.vk2) }, func() { ks2, e2 = e.s2.KeygenP2(ctx, id, e.vk1) })
					bg.Wait()
					require.False(t, armed.Load(), "the fault was injected during keygen")
					require.NoError(t, e1)
					require.NoError(t, e2)
					require.Equal(t, ks1.PublicKey(), ks2.PublicKey())
				} else {
					ks1, ks2 = e.shares(t)
				}

				var faults atomic.Int32
				msg := []byte("signed across a relay fault")
				r := e.sign(ctx,
					ecdsa2p.SignRequest{Keyshare: ks1, Path: "m/1", Message: msg, Hash: ecdsa2p.Keccak256},
					ecdsa2p.SignRequest{Keyshare: ks2, Path: "m/1", Approve: func(context.Context, ecdsa2p.MessageToSign) error {
						faults.Add(1)
						inject()
						return nil
					}})
				require.EqualValues(t, 1, faults.Load())
				require.NoError(t, r.err1)
				require.NoError(t, r.err2)
				require.Equal(t, r.sig1.Bytes65(), r.sig2.Bytes65())
				requireValidSignature(t, r.sig1, digest(t, ecdsa2p.Keccak256, msg), ckdPub(t, ks1.PublicKey(), ks1.ChainCode(), "m/1"))
			})
		}
	}
}

// A keygen whose last message (P1's K4) never reaches P2: P1 completes ACTIVE; P2, stopped
// once P1 is done, returns its keyshare PENDING with ErrIncomplete, stored PENDING. The first
// signature with it works and promotes it to ACTIVE, in memory and in the Store.
func TestSessionKeygenIncomplete(t *testing.T) {
	var k4 atomic.Pointer[relay.MsgID]
	var dropped atomic.Int32
	wrap1 := func(l relay.Link) relay.Link {
		return &dropLink{Link: l, dropped: &dropped, drop: func(id relay.MsgID) bool {
			p := k4.Load()
			return p != nil && *p == id
		}}
	}
	e := newSessionEnv(t, envOpts{wrap1: wrap1})
	id := ecdsa2p.RandomInstanceID()
	k4id := mpc.MessageID(ecdsa2p.LabelKeygen, id, mpc.Tag(4, 0), e.vk1, &e.vk2)
	k4.Store(&k4id)

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	ctx2, cancel2 := context.WithCancel(ctx)
	defer cancel2()
	var ks1, ks2 *ecdsa2p.Keyshare
	var e1, e2 error
	both(func() {
		ks1, e1 = e.s1.KeygenP1(ctx, id, e.vk2)
		cancel2() // P1 holds P2's K4, so P2 has sent it: stop P2 now
	}, func() { ks2, e2 = e.s2.KeygenP2(ctx2, id, e.vk1) })
	require.NoError(t, e1)
	// P1 may return before its client wrote the queued K4 to the link.
	require.Eventually(t, func() bool { return dropped.Load() > 0 }, 10*time.Second, 5*time.Millisecond, "P1's K4 was dropped")
	require.Equal(t, ecdsa2p.StatusActive, ks1.Status())
	require.ErrorIs(t, e2, ecdsa2p.ErrIncomplete)
	require.NotNil(t, ks2)
	require.Equal(t, ecdsa2p.StatusPending, ks2.Status())
	require.Equal(t, ks1.PublicKey(), ks2.PublicKey())
	stored, err := ecdsa2p.LoadKeyshare(ctx, e.st2, storeKey(ks2))
	require.NoError(t, err)
	require.Equal(t, ecdsa2p.StatusPending, stored.Status(), "P2's keyshare is stored PENDING")

	k4.Store(nil)
	msg := []byte("the first signature confirms the key")
	r := e.sign(ctx,
		ecdsa2p.SignRequest{Keyshare: ks1, Message: msg, Hash: ecdsa2p.SHA256},
		ecdsa2p.SignRequest{Keyshare: ks2})
	require.NoError(t, r.err1)
	require.NoError(t, r.err2)
	requireValidSignature(t, r.sig2, digest(t, ecdsa2p.SHA256, msg), ks1.PublicKey())
	require.Equal(t, ecdsa2p.StatusActive, ks2.Status(), "the first signature promotes the keyshare")
	stored, err = ecdsa2p.LoadKeyshare(ctx, e.st2, storeKey(ks2))
	require.NoError(t, err)
	require.Equal(t, ecdsa2p.StatusActive, stored.Status(), "the promotion is stored")
}

// A refresh whose last message (P1's RF4) never reaches P2: P1 ends on the new generation;
// P2, stopped once P1 is done, returns its keyshare with ErrIncomplete holding both
// generations (RefreshPending). The Session must still sign with the pair: the new generation
// is the only one both hold.
func TestSessionRefreshIncomplete(t *testing.T) {
	var rf4 atomic.Pointer[relay.MsgID]
	var dropped atomic.Int32
	wrap1 := func(l relay.Link) relay.Link {
		return &dropLink{Link: l, dropped: &dropped, drop: func(id relay.MsgID) bool {
			p := rf4.Load()
			return p != nil && *p == id
		}}
	}
	e := newSessionEnv(t, envOpts{wrap1: wrap1})
	ks1, ks2 := e.shares(t)
	oldShare := ks2.ShareID()
	id := ecdsa2p.RandomInstanceID()
	rf4id := mpc.MessageID(ecdsa2p.LabelRefresh, id, mpc.Tag(4, 0), e.vk1, &e.vk2)
	rf4.Store(&rf4id)

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	ctx2, cancel2 := context.WithCancel(ctx)
	defer cancel2()
	var n1, n2 *ecdsa2p.Keyshare
	var e1, e2 error
	both(func() {
		n1, e1 = e.s1.Refresh(ctx, id, ks1, e.vk2)
		cancel2() // P1 holds P2's RF4, so P2 has sent it
	}, func() { n2, e2 = e.s2.Refresh(ctx2, id, ks2, e.vk1) })
	require.NoError(t, e1)
	// P1 may return before its client wrote the queued RF4 to the link.
	require.Eventually(t, func() bool { return dropped.Load() > 0 }, 10*time.Second, 5*time.Millisecond, "P1's RF4 was dropped")
	require.ErrorIs(t, e2, ecdsa2p.ErrIncomplete)
	require.NotNil(t, n2)
	require.True(t, n2.RefreshPending())
	pending, ok := n2.PendingShareID()
	require.True(t, ok)
	require.Equal(t, n1.ShareID(), pending, "P2's PENDING generation is P1's new one")
	require.Equal(t, oldShare, n2.ShareID(), "P2's ACTIVE generation is still the old one")
	rf4.Store(nil)

	msg := []byte("the first signature on the new generation promotes it")
	r := e.sign(ctx,
		ecdsa2p.SignRequest{Keyshare: n1, Message: msg, Hash: ecdsa2p.SHA256},
		ecdsa2p.SignRequest{Keyshare: n2})
	require.NoError(t, r.err1)
	require.NoError(t, r.err2)
	requireValidSignature(t, r.sig1, digest(t, ecdsa2p.SHA256, msg), ks1.PublicKey())
	require.False(t, n2.RefreshPending(), "the signature promoted the new generation")
	require.Equal(t, n1.ShareID(), n2.ShareID())
}

// A refresh whose RF3 from P1 never reached P2: P1 received P2's RF3 and sent RF4 (it holds
// the new generation PENDING), P2 stopped before its RF4 (it holds only the old one). The
// Session's first attempt on P1's PENDING generation ends in SetupMismatch on both sides; the
// fallback on the ACTIVE generation signs, and a later refresh works the same way.
func TestSessionRefreshPeerStoppedBeforeRF4(t *testing.T) {
	var rf3 atomic.Pointer[relay.MsgID]
	var dropped atomic.Int32
	wrap1 := func(l relay.Link) relay.Link {
		return &dropLink{Link: l, dropped: &dropped, drop: func(id relay.MsgID) bool {
			p := rf3.Load()
			return p != nil && *p == id
		}}
	}
	e := newSessionEnv(t, envOpts{wrap1: wrap1})
	ks1, ks2 := e.shares(t)
	id := ecdsa2p.RandomInstanceID()
	rf3id := mpc.MessageID(ecdsa2p.LabelRefresh, id, mpc.Tag(3, 0), e.vk1, &e.vk2)
	rf3.Store(&rf3id)

	short, cancelShort := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancelShort()
	var n1, n2 *ecdsa2p.Keyshare
	var e1, e2 error
	both(func() { n1, e1 = e.s1.Refresh(short, id, ks1, e.vk2) }, func() { n2, e2 = e.s2.Refresh(short, id, ks2, e.vk1) })
	require.Positive(t, dropped.Load(), "P1's RF3 was dropped")
	require.ErrorIs(t, e1, ecdsa2p.ErrIncomplete, "P1 sent RF4 and kept the new generation PENDING")
	require.NotNil(t, n1)
	require.True(t, n1.RefreshPending())
	require.Error(t, e2)
	require.NotErrorIs(t, e2, ecdsa2p.ErrIncomplete, "P2 never sent RF4")
	require.Nil(t, n2)
	require.False(t, ks2.RefreshPending())
	rf3.Store(nil)

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	msg := []byte("signed on the old generation after the fallback")
	r := e.sign(ctx,
		ecdsa2p.SignRequest{Keyshare: n1, Message: msg, Hash: ecdsa2p.SHA256},
		ecdsa2p.SignRequest{Keyshare: ks2})
	require.NoError(t, r.err1)
	require.NoError(t, r.err2)
	requireValidSignature(t, r.sig1, digest(t, ecdsa2p.SHA256, msg), ks1.PublicKey())

	// A refresh gets the pair onto one new generation again.
	id2 := ecdsa2p.RandomInstanceID()
	var f1, f2 error
	both(func() { n1, f1 = e.s1.Refresh(ctx, id2, n1, e.vk2) }, func() { n2, f2 = e.s2.Refresh(ctx, id2, ks2, e.vk1) })
	require.NoError(t, f1)
	require.NoError(t, f2)
	require.Equal(t, n1.ShareID(), n2.ShareID())
	require.False(t, n1.RefreshPending())
	r = e.sign(ctx,
		ecdsa2p.SignRequest{Keyshare: n1, Message: msg, Hash: ecdsa2p.Keccak256},
		ecdsa2p.SignRequest{Keyshare: n2})
	require.NoError(t, r.err1)
	require.NoError(t, r.err2)
}
