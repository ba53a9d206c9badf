package sign_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/engineerr"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/sign"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/testrng"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/testvec"
)

// TestN23_ParallelSessionsLock runs 64 sign sessions of one keyshare pair up to S2, one of
// them with a tampered S2 (a barrier holds them all at S2, Appendix C item 5). P1 processes
// the tampered one first: exactly one OTExtensionCheckFailed; every other session, released
// concurrently, aborts KeyshareLocked before it sends S3. Run with -race.
func TestN23_ParallelSessionsLock(t *testing.T) {
	t.Parallel()
	const sessions = 64
	const bad = 37
	ks := katKeyshares(t)
	type sess struct {
		r2  *sign.Round2
		s2  []byte // P2's S2, for P1
		err error
	}
	ss := make([]sess, sessions)
	var wg sync.WaitGroup
	for n := range sessions {
		wg.Go(func() {
			var inst [32]byte
			copy(inst[:], fmt.Sprintf("n23/%d", n))
			var r1 [2]*sign.Round1
			for i := range 2 {
				var err error
				if r1[i], err = sign.NewPresign(ks[i], inst, testvec.Sign1Path, testrng.New(fmt.Sprintf("n23/%d/%d", n, i))); err != nil {
					ss[n].err = err
					return
				}
			}
			r2, _, err := r1[0].Next(r1[1].Payload())
			if err != nil {
				ss[n].err = err
				return
			}
			_, s2, err := r1[1].Next(r1[0].Payload())
			if err != nil {
				ss[n].err = err
				return
			}
			if n == bad {
				s2[sign.HeaderSize+100] ^= 4
			}
			ss[n] = sess{r2: r2, s2: s2}
		})
	}
	wg.Wait() // the barrier: every session is at S2
	for n := range ss {
		require.NoError(t, ss[n].err, n)
	}

	_, _, err := ss[bad].r2.Next(ss[bad].s2)
	engineErr(t, err, engineerr.OTExtensionCheckFailed, 1, true)

	errs := make([]error, sessions)
	for n := range sessions {
		if n == bad {
			continue
		}
		wg.Go(func() {
			_, s3, err := ss[n].r2.Next(ss[n].s2)
			if err == nil && s3 != nil {
				err = errors.New("S3 was sent after the lock")
			}
			errs[n] = err
		})
	}
	wg.Wait()
	for n, err := range errs {
		if n == bad {
			continue
		}
		engineErr(t, err, engineerr.KeyshareLocked, engineerr.NoCulprit, false)
	}
	requireLocked(t, ks[0], true, engineerr.OTExtensionCheckFailed, 1)
	requireLocked(t, ks[1], false, 0, 0)
}

// TestConcurrentProbesLockOnce races 16 sessions with tampered S2 payloads against each other
// with no barrier: exactly one of them fails the OT-extension check and every other one is
// refused with KeyshareLocked (the check and the lock are atomic under the keyshare's mutex).
func TestConcurrentProbesLockOnce(t *testing.T) {
	t.Parallel()
	const sessions = 16
	ks := katKeyshares(t)
	r2s := make([]*sign.Round2, sessions)
	s2s := make([][]byte, sessions)
	for n := range sessions {
		var inst [32]byte
		copy(inst[:], fmt.Sprintf("probe/%d", n))
		a, err := sign.NewPresign(ks[0], inst, nil, testrng.New(fmt.Sprintf("probe/%d/0", n)))
		require.NoError(t, err)
		b, err := sign.NewPresign(ks[1], inst, nil, testrng.New(fmt.Sprintf("probe/%d/1", n)))
		require.NoError(t, err)
		r2s[n], _, err = a.Next(b.Payload())
		require.NoError(t, err)
		_, s2s[n], err = b.Next(a.Payload())
		require.NoError(t, err)
		s2s[n][sign.HeaderSize+5120+n] ^= 1 // a flip in x̃
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	count := map[engineerr.Code]int{}
	for n := range sessions {
		wg.Go(func() {
			_, _, err := r2s[n].Next(s2s[n])
			var e *engineerr.Error
			if !errors.As(err, &e) {
				t.Errorf("session %d: %v", n, err)
				return
			}
			mu.Lock()
			count[e.Code]++
			mu.Unlock()
		})
	}
	wg.Wait()
	require.Equal(t, map[engineerr.Code]int{engineerr.OTExtensionCheckFailed: 1, engineerr.KeyshareLocked: sessions - 1}, count)
}
