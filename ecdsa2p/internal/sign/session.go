package sign

import (
	"errors"
	"sync"

	"github.com/tandem-mpc/tandem/ecdsa2p/internal/bip32"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/engineerr"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/keyshare"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/ote"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/rng"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/rvole"
	"github.com/tandem-mpc/tandem/internal/secp"
)

// session is the state one presign run carries from round to round. Each round value points
// to it and is consumed once; the session itself is never handed to the caller.
type session struct {
	ks     *keyshare.Keyshare
	mu     *sync.Mutex // ks.LockMutex()
	i, j   uint8
	rnd    rng.Source
	runner ote.Runner

	path    bip32.Path
	pathEnc []byte
	setup   [32]byte // setup_sg
	sid     [32]byte // sign_sid (after the peer's S1)
	sigma   [2][32]byte
	peerC   [32]byte // C_j
	own     [presignRounds][]byte
	peer    [presignRounds][]byte

	r     secp.Scalar // r_i: secret
	phi   secp.Scalar // φ_i: secret
	omega [32]byte    // ω_i: secret until S3 is sent
	ptRi  [33]byte    // pt(R_i)
	Ri    *secp.Point

	skp  secp.Scalar    // sk′_i: secret
	pk   [2]*secp.Point // pk′_0, pk′_1
	Qp   *secp.Point    // Q′
	ptQp [33]byte

	recv *rvole.Receiver // this party as RVOLE receiver of (i, j)
	chi  secp.Scalar     // χ_i: secret
	cu   secp.Scalar     // c_u: secret
	cv   secp.Scalar     // c_v: secret

	// tweakA0, tweakA1 are added to the RVOLE sender inputs; set only by tests (a
	// consistent but wrong input, N14/N15). Always zero in production.
	tweakA0, tweakA1 uint64
}

// wipe overwrites the session's secrets (best effort, PROTOCOL.md §2.12).
func (s *session) wipe() {
	s.r = secp.Scalar{}
	s.phi = secp.Scalar{}
	s.omega = [32]byte{}
	s.skp = secp.Scalar{}
	s.chi = secp.Scalar{}
	s.cu = secp.Scalar{}
	s.cv = secp.Scalar{}
	s.sigma = [2][32]byte{}
	if s.recv != nil {
		s.recv.Wipe()
		s.recv = nil
	}
}

// errLocked is the KeyshareLocked error of round r (no culprit: the lock is already set).
func errLocked(r int) *engineerr.Error {
	return engineerr.Local(op, r, engineerr.KeyshareLocked, errors.New("the keyshare is locked until a refresh"))
}

// lockedLocked reports whether ks is LOCKED. The caller holds ks.LockMutex().
func lockedLocked(ks *keyshare.Keyshare) bool {
	l, _, _ := ks.Locked()
	return l
}

// isLocked reports whether ks is LOCKED, reading it under its mutex.
func isLocked(ks *keyshare.Keyshare) bool {
	mu := ks.LockMutex()
	mu.Lock()
	defer mu.Unlock()
	return lockedLocked(ks)
}

// lockAndFail locks ks with the reason and culprit of e (PROTOCOL.md §10.3) and returns e with
// Locked set. The caller holds ks.LockMutex(). The lock is set in the keyshare before the error
// is returned; the caller (the SDK) persists it before reporting the error or sending anything.
func lockAndFail(ks *keyshare.Keyshare, e *engineerr.Error) *engineerr.Error {
	culprit := keyshare.NoCulprit
	if e.Culprit != engineerr.NoCulprit {
		culprit = uint8(e.Culprit)
	}
	ks.Lock(e.Code, culprit)
	e.Locked = true
	return e
}

// lockAndFailTaking takes ks's mutex and calls lockAndFail.
func lockAndFailTaking(ks *keyshare.Keyshare, e *engineerr.Error) *engineerr.Error {
	mu := ks.LockMutex()
	mu.Lock()
	defer mu.Unlock()
	return lockAndFail(ks, e)
}
