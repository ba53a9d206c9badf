package refresh_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/keygen"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/keyshare"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/refresh"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/testrng"
	"github.com/tandem-mpc/tandem/internal/secp"
)

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

var (
	kgOnce sync.Once
	kgEnc  [2][]byte
	kgErr  error
)

// keyshares returns fresh copies (parsed from their encodings) of the two keyshares of the
// §12.4(d) keygen. The keygen runs once per test binary.
func keyshares(t testing.TB) [2]*keyshare.Keyshare {
	t.Helper()
	kgOnce.Do(func() {
		ks, err := runKeygen()
		if err != nil {
			kgErr = err
			return
		}
		for i := range 2 {
			kgEnc[i] = ks[i].Marshal()
		}
	})
	require.NoError(t, kgErr)
	var ks [2]*keyshare.Keyshare
	for i := range 2 {
		var err error
		ks[i], err = keyshare.Parse(kgEnc[i])
		require.NoError(t, err)
	}
	return ks
}

// store is an in-memory SaveFunc target: it keeps the encodings of the last save.
type store struct {
	calls   int
	active  []byte
	pending []byte
	fail    error // returned by the next save, if set
}

func (s *store) save(g *keyshare.Generations) error {
	if s.fail != nil {
		return s.fail
	}
	if err := g.Check(); err != nil {
		return err
	}
	s.calls++
	s.active, s.pending = nil, nil
	if g.Active != nil {
		s.active = g.Active.Marshal()
	}
	if g.Pending != nil {
		s.pending = g.Pending.Marshal()
	}
	return nil
}

// load parses the stored generations.
func (s *store) load(t testing.TB) *keyshare.Generations {
	t.Helper()
	g := new(keyshare.Generations)
	var err error
	if s.active != nil {
		g.Active, err = keyshare.Parse(s.active)
		require.NoError(t, err)
	}
	if s.pending != nil {
		g.Pending, err = keyshare.Parse(s.pending)
		require.NoError(t, err)
	}
	require.NoError(t, g.Check())
	return g
}

// parties holds both parties' states, advanced in lock-step by the test.
type parties struct {
	old   [2]*keyshare.Keyshare
	enc   [2][]byte // the old keyshares' encodings before the run
	st    [2]*store
	r1    [2]*refresh.Round1
	r2    [2]*refresh.Round2
	r3    [2]*refresh.Round3
	r4    [2]*refresh.Round4
	p     [5][2][]byte // p[r][i]: party i's payload of round r
	seeds [2]string
}

// start returns both parties after RF1 with the §12.4(d) inputs, refreshing ks.
func start(t testing.TB, ks [2]*keyshare.Keyshare) *parties {
	t.Helper()
	ps := &parties{old: ks, seeds: refreshSeeds}
	for i := range 2 {
		ps.enc[i] = ks[i].Marshal()
		ps.st[i] = new(store)
		var err error
		ps.r1[i], err = refresh.New(refreshInstance, ks[i], testrng.New(ps.seeds[i]), ps.st[i].save)
		require.NoError(t, err)
		ps.p[1][i] = ps.r1[i].Payload()
	}
	return ps
}

func (ps *parties) round1(t testing.TB) {
	t.Helper()
	for i := range 2 {
		var err error
		ps.r2[i], ps.p[2][i], err = ps.r1[i].Next(ps.p[1][1-i])
		require.NoError(t, err)
	}
}

func (ps *parties) round2(t testing.TB) {
	t.Helper()
	for i := range 2 {
		var err error
		ps.r3[i], ps.p[3][i], err = ps.r2[i].Next(ps.p[2][1-i])
		require.NoError(t, err)
	}
}

func (ps *parties) round3(t testing.TB) {
	t.Helper()
	for i := range 2 {
		var err error
		ps.r4[i], ps.p[4][i], err = ps.r3[i].Next(ps.p[3][1-i])
		require.NoError(t, err)
	}
}

// upTo runs rounds 1..r-1, so that the parties wait for round r's payloads.
func (ps *parties) upTo(t testing.TB, r int) *parties {
	t.Helper()
	steps := []func(testing.TB){ps.round1, ps.round2, ps.round3}
	for k := 0; k < r-1; k++ {
		steps[k](t)
	}
	return ps
}

// unchanged asserts that party i's old keyshare is byte-identical to its encoding before the
// run (lock state included).
func (ps *parties) unchanged(t testing.TB, i int) {
	t.Helper()
	require.True(t, bytes.Equal(ps.enc[i], ps.old[i].Marshal()), "party %d's old keyshare changed", i)
}

var errDisk = errors.New("disk full")

// The inputs of §12.4(d) (the package does not import testvec, which other engineers extend).
var (
	id0             = append([]byte{0x01}, bytes.Repeat([]byte{0xaa}, 32)...)
	id1             = append([]byte{0x01}, bytes.Repeat([]byte{0xbb}, 32)...)
	keygenInstance  = [32]byte(bytes.Repeat([]byte{0x11}, 32))
	refreshInstance = [32]byte(bytes.Repeat([]byte{0x33}, 32))
	refreshSeeds    = [2]string{"kat/refresh/0", "kat/refresh/1"}
)

// runKeygen runs the §12.4(d) keygen with package keygen.
func runKeygen() ([2]*keyshare.Keyshare, error) {
	var out [2]*keyshare.Keyshare
	var r1 [2]*keygen.Round1
	var p [2][]byte
	for i := range 2 {
		var err error
		if r1[i], err = keygen.New(keygenInstance, uint8(i), id0, id1, testrng.New([]string{"kat/keygen/0", "kat/keygen/1"}[i])); err != nil {
			return out, err
		}
		p[i] = r1[i].Payload()
	}
	var r2 [2]*keygen.Round2
	var q [2][]byte
	for i := range 2 {
		var err error
		if r2[i], q[i], err = r1[i].Next(p[1-i]); err != nil {
			return out, err
		}
	}
	var r3 [2]*keygen.Round3
	for i := range 2 {
		var err error
		if r3[i], p[i], err = r2[i].Next(q[1-i]); err != nil {
			return out, err
		}
	}
	var r4 [2]*keygen.Round4
	for i := range 2 {
		var err error
		if r4[i], q[i], err = r3[i].Next(p[1-i]); err != nil {
			return out, err
		}
	}
	for i := range 2 {
		var err error
		if out[i], err = r4[i].Next(q[1-i]); err != nil {
			return out, err
		}
	}
	return out, nil
}

// run is the record of a refresh run by runRefresh.
type run struct {
	payloads  [4][2][]byte
	sid       [32]byte
	oldShare  [2]*secp.Scalar
	keyshares [2]*keyshare.Keyshare
	stores    [2]*store
}

// tau returns τ = x′_0 − x_0.
func (r *run) tau() [32]byte {
	return secp.NewScalar().Sub(r.keyshares[0].Share(), r.oldShare[0]).Bytes()
}

// runRefresh runs a whole refresh of ks with the given seeds; tamper (optional) may replace
// the payload of round r from party `from`. It stops at the first error.
func runRefresh(t testing.TB, ks [2]*keyshare.Keyshare, seeds [2]string, tamper func(r int, from uint8, p []byte) []byte) (*run, error) {
	t.Helper()
	rr := &run{}
	ps := &parties{old: ks, seeds: seeds}
	for i := range 2 {
		rr.oldShare[i] = ks[i].Share()
		ps.st[i] = new(store)
		var err error
		if ps.r1[i], err = refresh.New(refreshInstance, ks[i], testrng.New(seeds[i]), ps.st[i].save); err != nil {
			return rr, err
		}
		ps.p[1][i] = ps.r1[i].Payload()
	}
	rr.stores = ps.st
	deliver := func(r, from int) []byte {
		p := ps.p[r][from]
		if tamper != nil {
			p = tamper(r, uint8(from), bytes.Clone(p))
		}
		return p
	}
	var err error
	for i := range 2 {
		if ps.r2[i], ps.p[2][i], err = ps.r1[i].Next(deliver(1, 1-i)); err != nil {
			return rr, err
		}
	}
	rr.sid = ps.r2[0].SessionID()
	for i := range 2 {
		if ps.r3[i], ps.p[3][i], err = ps.r2[i].Next(deliver(2, 1-i)); err != nil {
			return rr, err
		}
	}
	for i := range 2 {
		if ps.r4[i], ps.p[4][i], err = ps.r3[i].Next(deliver(3, 1-i)); err != nil {
			return rr, err
		}
	}
	for r := range 4 {
		rr.payloads[r] = ps.p[r+1]
	}
	for i := range 2 {
		if rr.keyshares[i], err = ps.r4[i].Next(deliver(4, 1-i)); err != nil {
			return rr, err
		}
	}
	return rr, nil
}
