package sign_test

import (
	"errors"
	"fmt"
	"math/big"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/engineerr"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/keyshare"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/testvec"
)

var (
	kgMu    sync.Mutex
	kgCache = map[string][2][]byte{}
)

// keysharesFor returns fresh copies of the two keyshares of a keygen run with the given
// TestRNG seed prefix ("kat/keygen" gives the 12.4(d) keyshares). Runs are cached.
func keysharesFor(t testing.TB, prefix string) [2]*keyshare.Keyshare {
	t.Helper()
	kgMu.Lock()
	enc, ok := kgCache[prefix]
	if !ok {
		in := testvec.DefaultKeygen()
		in.Seeds = [2]string{prefix + "/0", prefix + "/1"}
		run, err := testvec.RunKeygen(in)
		if err != nil {
			kgMu.Unlock()
			t.Fatalf("keygen %s: %v", prefix, err)
		}
		enc = [2][]byte{run.Keyshares[0].Marshal(), run.Keyshares[1].Marshal()}
		kgCache[prefix] = enc
	}
	kgMu.Unlock()
	var ks [2]*keyshare.Keyshare
	for i := range 2 {
		var err error
		ks[i], err = keyshare.Parse(enc[i])
		require.NoError(t, err)
	}
	return ks
}

// katKeyshares returns fresh copies of the keyshares of the 12.4(d) keygen.
func katKeyshares(t testing.TB) [2]*keyshare.Keyshare { return keysharesFor(t, "kat/keygen") }

// engineErr asserts err is an *engineerr.Error with the code, culprit and lock flag.
func engineErr(t testing.TB, err error, code engineerr.Code, culprit int, locked bool) *engineerr.Error {
	t.Helper()
	var e *engineerr.Error
	require.True(t, errors.As(err, &e), "want an engine error %v, got %v", code, err)
	require.Equal(t, code, e.Code, "%v", err)
	require.Equal(t, culprit, e.Culprit, "%v", err)
	require.Equal(t, locked, e.Locked, "%v", err)
	return e
}

// requireLocked asserts ks's lock status (and, when locked, the reason and culprit).
func requireLocked(t testing.TB, ks *keyshare.Keyshare, want bool, reason engineerr.Code, culprit uint8) {
	t.Helper()
	l, r, c := ks.Locked()
	require.Equal(t, want, l)
	if want {
		require.Equal(t, reason, r)
		require.Equal(t, culprit, c)
	}
}

// ---- an independent math/big ECDSA reference ----

var (
	curveP, _ = new(big.Int).SetString("fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f", 16)
	curveN, _ = new(big.Int).SetString("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141", 16)
	genX, _   = new(big.Int).SetString("79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798", 16)
	genY, _   = new(big.Int).SetString("483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8", 16)
)

type bigPt struct{ x, y *big.Int } // nil x: infinity

func bigAdd(a, b bigPt) bigPt {
	if a.x == nil {
		return b
	}
	if b.x == nil {
		return a
	}
	p := curveP
	var l *big.Int
	if a.x.Cmp(b.x) == 0 {
		if new(big.Int).Mod(new(big.Int).Add(a.y, b.y), p).Sign() == 0 {
			return bigPt{}
		}
		num := new(big.Int).Mul(big.NewInt(3), new(big.Int).Mul(a.x, a.x))
		den := new(big.Int).ModInverse(new(big.Int).Mul(big.NewInt(2), a.y), p)
		l = new(big.Int).Mod(new(big.Int).Mul(num, den), p)
	} else {
		num := new(big.Int).Sub(b.y, a.y)
		den := new(big.Int).ModInverse(new(big.Int).Mod(new(big.Int).Sub(b.x, a.x), p), p)
		l = new(big.Int).Mod(new(big.Int).Mul(num, den), p)
	}
	x := new(big.Int).Mod(new(big.Int).Sub(new(big.Int).Sub(new(big.Int).Mul(l, l), a.x), b.x), p)
	y := new(big.Int).Mod(new(big.Int).Sub(new(big.Int).Mul(l, new(big.Int).Sub(a.x, x)), a.y), p)
	return bigPt{x, y}
}

func bigMul(k *big.Int, q bigPt) bigPt {
	r := bigPt{}
	for i := k.BitLen() - 1; i >= 0; i-- {
		r = bigAdd(r, r)
		if k.Bit(i) == 1 {
			r = bigAdd(r, q)
		}
	}
	return r
}

// bigDecompress decodes a 33-byte compressed point.
func bigDecompress(enc [33]byte) (bigPt, error) {
	x := new(big.Int).SetBytes(enc[1:])
	rhs := new(big.Int).Add(new(big.Int).Exp(x, big.NewInt(3), curveP), big.NewInt(7))
	y := new(big.Int).ModSqrt(rhs.Mod(rhs, curveP), curveP)
	if y == nil {
		return bigPt{}, fmt.Errorf("not on the curve")
	}
	if y.Bit(0) != uint(enc[0]&1) {
		y.Sub(curveP, y)
	}
	return bigPt{x, y}, nil
}

// bigVerify is textbook ECDSA verification with math/big.
func bigVerify(pub [33]byte, e, r, s [32]byte) bool {
	Q, err := bigDecompress(pub)
	if err != nil {
		return false
	}
	ri, si := new(big.Int).SetBytes(r[:]), new(big.Int).SetBytes(s[:])
	if ri.Sign() == 0 || si.Sign() == 0 || ri.Cmp(curveN) >= 0 || si.Cmp(curveN) >= 0 {
		return false
	}
	ei := new(big.Int).Mod(new(big.Int).SetBytes(e[:]), curveN)
	w := new(big.Int).ModInverse(si, curveN)
	u1 := new(big.Int).Mod(new(big.Int).Mul(ei, w), curveN)
	u2 := new(big.Int).Mod(new(big.Int).Mul(ri, w), curveN)
	X := bigAdd(bigMul(u1, bigPt{genX, genY}), bigMul(u2, Q))
	if X.x == nil {
		return false
	}
	return new(big.Int).Mod(X.x, curveN).Cmp(ri) == 0
}
