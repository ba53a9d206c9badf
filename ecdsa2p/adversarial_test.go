package ecdsa2p

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tandem-mpc/tandem/mpc"
)

// victimOK checks the honest party's outcome when the other party (tamperer) sent an
// altered payload: success (the alteration is caught later, or changed nothing it binds),
// an ignored input, a local refusal (class 3), a cancellation because the tamperer's side stopped, or a typed abort
// that blames the tamperer or nobody. It never blames the honest party.
func victimOK(t *testing.T, name string, err error, tamperer int) {
	t.Helper()
	if err == nil || errors.Is(err, mpc.ErrIgnoreInput) || errors.Is(err, context.Canceled) {
		return
	}
	var d *declinedError
	if errors.As(err, &d) {
		return
	}
	var e *Error
	require.True(t, errors.As(err, &e), "%s: untyped error %v", name, err)
	require.Contains(t, []int{tamperer, NoCulprit}, e.Culprit, "%s: %v", name, err)
	if e.Culprit == NoCulprit {
		require.Contains(t, []Code{SetupMismatch, MessageMismatch, PresignatureConsumed, KeyshareLocked}, e.Code, "%s: %v", name, err)
	}
}

// flipAt returns a tamper hook that flips one bit of round r's payload at offset off
// (negative: from the end).
func flipAt(r, off int) hooks {
	return hooks{tamper: func(rr int, p []byte) []byte {
		if rr == r && len(p) > 0 {
			i := off
			if i < 0 {
				i += len(p)
			}
			p[min(i, len(p)-1)] ^= 0x10
		}
		return p
	}}
}

// clone returns an independent copy of l's keyshares (fresh lock bits) with new stores.
func (l *local) clone(t *testing.T) *local {
	c := &local{a: l.a, b: l.b, st: [2]*MemoryStore{{}, {}}}
	for i := range 2 {
		b, _ := l.ks[i].MarshalBinary()
		ks, err := ParseKeyshare(b)
		require.NoError(t, err)
		c.ks[i] = ks
	}
	return c
}

func TestAdversarialPresignFinish(t *testing.T) {
	base := newLocal(t)
	base.keygen(t)
	offsets := []int{0, 1, 2, 40, 100, 5000, -1}
	if raceEnabled {
		offsets = []int{0, 2, 100, -1}
	}
	for r := 1; r <= 3; r++ {
		for _, off := range offsets {
			for tamperer := range 2 {
				name := fmt.Sprintf("S%d/off%d/P%d", r, off, tamperer+1)
				l := base.clone(t)
				l.a, l.b = fresh(l.a, l.b)
				var p [2]mpc.Protocol
				for i := range 2 {
					h := hooks{}
					if i == tamperer {
						h = flipAt(r, off)
					}
					pr, err := newPresign(l.cfg(i), l.ks[i], l.st[i], "k", "m/1", h)
					require.NoError(t, err)
					p[i] = pr
				}
				errs := runLocal(context.Background(), p)
				victimOK(t, name, errs[1-tamperer], tamperer)
				if errs[0] != nil || errs[1] != nil {
					continue
				}
				// The presign passed: the finish must then succeed with a valid signature
				// or abort without blaming the honest party.
				sid, _ := p[0].(*Presign).Result()
				digest := digestOf(name)
				l.a, l.b = fresh(l.a, l.b)
				f0, err := NewFinishP1(l.a, l.ks[0], l.st[0], "k", sid.SignSID(), digest, DigestRequest(sid.SignSID(), digest))
				require.NoError(t, err)
				f1, err := NewFinishP2(l.b, l.ks[1], l.st[1], "k", AcceptDigest())
				require.NoError(t, err)
				ferrs := runLocal(context.Background(), [2]mpc.Protocol{f0, f1})
				victimOK(t, name+"/finish", ferrs[1-tamperer], tamperer)
				if ferrs[0] == nil {
					s, _ := f0.Result()
					verifySig(t, s, digest)
				}
			}
		}
	}
}

func TestAdversarialFinish(t *testing.T) {
	base := newLocal(t)
	base.keygen(t)
	for r := 1; r <= 2; r++ {
		offsets := []int{0, 1, 2, 34, 40, 70, 100, -1}
		if raceEnabled {
			offsets = []int{1, 34, 70, -1}
		}
		for _, off := range offsets {
			for tamperer := range 2 {
				if r == 1 && tamperer == 1 {
					continue // P2 sends nothing in round 1
				}
				name := fmt.Sprintf("F%d/off%d/P%d", r, off, tamperer+1)
				l := base.clone(t)
				sid := l.presign(t)
				digest := digestOf(name)
				l.a, l.b = fresh(l.a, l.b)
				h := [2]hooks{}
				h[tamperer] = flipAt(r, off)
				f0, err := newFinish(l.a, 0, l.ks[0], l.st[0], "k", h[0], func(f *Finish) {
					f.sid, f.e, f.req = sid, digest, DigestRequest(sid, digest)
				})
				require.NoError(t, err)
				f1, err := newFinish(l.b, 1, l.ks[1], l.st[1], "k", h[1], func(f *Finish) { f.accept = AcceptDigest() })
				require.NoError(t, err)
				errs := runLocal(context.Background(), [2]mpc.Protocol{f0, f1})
				victimOK(t, name, errs[1-tamperer], tamperer)
				for i, f := range []*Finish{f0, f1} {
					if errs[i] == nil {
						s, _ := f.Result()
						verifySig(t, s, digest)
					}
				}
			}
		}
	}
}

func TestAdversarialKeygenRefresh(t *testing.T) {
	offsets := []int{0, 2, 40, -1}
	if raceEnabled {
		offsets = []int{-1}
	}
	base := newLocal(t)
	base.keygen(t)
	for r := 1; r <= 4; r++ {
		for _, off := range offsets {
			name := fmt.Sprintf("K%d/off%d", r, off)
			l := newLocal(t)
			var p [2]mpc.Protocol
			for i := range 2 {
				h := hooks{}
				if i == 0 {
					h = flipAt(r, off)
				}
				kg, err := newKeygen(l.cfg(i), i, l.st[i], "k", h)
				require.NoError(t, err)
				p[i] = kg
			}
			errs := runLocal(context.Background(), p)
			require.Error(t, errs[1], name)
			victimOK(t, name, errs[1], 0)

			name = fmt.Sprintf("RF%d/off%d", r, off)
			c := base.clone(t)
			c.a, c.b = fresh(c.a, c.b)
			old := c.ks[1].ShareID()
			for i := range 2 {
				h := hooks{}
				if i == 0 {
					h = flipAt(r, off)
				}
				rf, err := newRefresh(c.cfg(i), c.ks[i], c.st[i], "k", h)
				require.NoError(t, err)
				p[i] = rf
			}
			errs = runLocal(context.Background(), p)
			require.Error(t, errs[1], name)
			victimOK(t, name, errs[1], 0)
			if r < 4 {
				require.Equal(t, old, c.ks[1].ShareID(), "%s: the honest party keeps its generation", name)
			}
		}
	}
}
