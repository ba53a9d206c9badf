package keygen_test

import (
	"bytes"
	"encoding/hex"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/engineerr"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/keygen"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/keyshare"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/ot"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/rng"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/testvec"
	"github.com/tandem-mpc/tandem/internal/secp"
)

// The keygen block of PROTOCOL.md §12.4(d).
var katKeygen = []testvec.Value{
	{Name: "keygen.setup_kg", Hex: "fb3c30030badf2c822fa8945d03e3cfa60d8583296d37bc58f4d9fdff4af18b1"},
	{Name: "keygen.sid_kg", Hex: "00d477a6b1c34d0fdadd38a5c852e3d028d6a5c2465cb1181d8aed82794152a8"},
	{Name: "keygen.k1.p1.sha256", Hex: "86955be2ca121e52d3dd0d6b70c80d2fae817a0f4c119cc299cd11a0a10cbf9a"},
	{Name: "keygen.k1.p2.sha256", Hex: "f8999fb1f4fa64ab1fc11708eb1ec609bcacf0460ab3ab10b44fced4b29b9c16"},
	{Name: "keygen.k2.p1.sha256", Hex: "16cc11f22f95041255627f4a1c15cc6f6751d195c782e734a9373c7cf3bd9c1a"},
	{Name: "keygen.k2.p2.sha256", Hex: "0e3eae8e9c0dcf360351e8fc4bd8cc6b2319abdacf36861156ff027c7659531c"},
	{Name: "keygen.k3.p1.sha256", Hex: "c950f65a28b8991aeb2b31964f17a7fe3816f245ab2c9eb079226875f5dd822a"},
	{Name: "keygen.k3.p2.sha256", Hex: "2029429b8d01e93c08fabdac79f2f2aa21f97cfd41c64034f9a85817c7c67862"},
	{Name: "keygen.k4.p1.sha256", Hex: "74b8edcadb8ff2d4998026911efa7cb6151d86524b0edac9399fccf4736daab7"},
	{Name: "keygen.k4.p2.sha256", Hex: "14fd3f867096d0bb7e8d320c383d7ecd7c4964e52b210a3eb605793b10071f0b"},
	{Name: "keygen.x_0", Hex: "a5590c5918494d3b0f6a8d2d8896d96ee185645f58038625045bedba335cb067"},
	{Name: "keygen.x_1", Hex: "649bcfcdefbb7b913885b8648001d5e5b3d3144ba18f5ebf2b5c74742d217a95"},
	{Name: "keygen.Q", Hex: "03f05eaac139398bd5c7564059272871c54434f656f4176b62cb090372a90cf6e9"},
	{Name: "keygen.cc", Hex: "f1a669792bf331cbd782a252dd09c8c8a5aea560988e0ec15cd84595cbd92c1d"},
	{Name: "keygen.key_id", Hex: "b21593570f840d8807addb3517d0eb713297bd39793fa089cd6ed63ba5ed8df5"},
	{Name: "keygen.share_id", Hex: "1be4c1d5e327061b027783b228d5136b60a4f59a4e093ad777755a2cc2a9aff7"},
	{Name: "keygen.delta_p1", Hex: "87c7b4d375c14129d51605b2ad066c4d83eca1bafe7c26658c13530102923d82"},
}

var (
	katOnce sync.Once
	katRun  *testvec.KeygenRun
	katErr  error
)

// kat returns the §12.4(d) keygen run (computed once per test binary).
func kat(t testing.TB) *testvec.KeygenRun {
	t.Helper()
	katOnce.Do(func() { katRun, katErr = testvec.RunKeygen(testvec.DefaultKeygen()) })
	require.NoError(t, katErr)
	return katRun
}

// TestKnownAnswerKeygen reproduces every keygen value of PROTOCOL.md §12.4(d).
func TestKnownAnswerKeygen(t *testing.T) {
	run := kat(t)
	require.Equal(t, katKeygen, run.KeygenValues())
	// Both parties agree on every public value.
	require.Equal(t, run.SetupDigest[0], run.SetupDigest[1])
	require.Equal(t, run.SessionID[0], run.SessionID[1])
	k0, k1 := run.Keyshares[0], run.Keyshares[1]
	for _, f := range []func(*keyshare.Keyshare) any{
		func(k *keyshare.Keyshare) any { return k.PublicKey() },
		func(k *keyshare.Keyshare) any { return k.ChainCode() },
		func(k *keyshare.Keyshare) any { return k.KeyID() },
		func(k *keyshare.Keyshare) any { return k.ShareID() },
		func(k *keyshare.Keyshare) any { return k.GenSID() },
		func(k *keyshare.Keyshare) any { return [2][33]byte{k.PublicShare(0), k.PublicShare(1)} },
	} {
		require.Equal(t, f(k0), f(k1))
	}
	for i, n := range []int{keygen.SizeK1, keygen.SizeK2, keygen.SizeK3, keygen.SizeK4} {
		require.Len(t, run.Payloads[i][0], n)
		require.Len(t, run.Payloads[i][1], n)
	}
	require.Equal(t, 48554, keygen.SizeK1+keygen.SizeK2+keygen.SizeK3+keygen.SizeK4, "§1.7 keygen total per party")
	for i, k := range run.Keyshares {
		require.Equal(t, uint8(i), k.Index())
		require.False(t, k.Pending())
		locked, _, _ := k.Locked()
		require.False(t, locked)
	}
}

// The run does not depend on the Batch (§2.7: draws happen before parallel work).
func TestKeygenParallelBatchSameOutput(t *testing.T) {
	if raceEnabled {
		t.Skip("slow under the race detector; package ot tests Parallel under -race")
	}
	t.Parallel()
	in := testvec.DefaultKeygen()
	in.Batch = ot.Parallel(2)
	run, err := testvec.RunKeygen(in)
	require.NoError(t, err)
	require.Equal(t, katKeygen, run.KeygenValues())
}

// Properties of an honest run with fresh randomness (§12.1): the shares sum to the key, each
// party's ChooserSeeds equal the peer's DeltaSeeds except at Δ, and the keyshares round-trip.
func TestKeygenProperties(t *testing.T) {
	t.Parallel()
	in := testvec.DefaultKeygen()
	in.Sources = [2]rng.Source{rng.System, rng.System}
	run, err := testvec.RunKeygen(in)
	require.NoError(t, err)
	k0, k1 := run.Keyshares[0], run.Keyshares[1]
	sk := secp.NewScalar().Add(k0.Share(), k1.Share())
	Q, err := new(secp.Point).ScalarBaseMult(sk).Bytes()
	require.NoError(t, err)
	require.Equal(t, k0.PublicKey(), Q, "x_0 + x_1 is the key of Q")
	for i, k := range run.Keyshares {
		peer := run.Keyshares[1-i].DeltaSeeds()
		for b := range ot.Blocks {
			for x := range ot.LeavesPerBlock {
				if uint8(x) == peer.Delta()[b] {
					require.Equal(t, [32]byte{}, peer.Leaves()[b][x])
				} else {
					require.Equal(t, k.ChooserSeeds().Leaves()[b][x], peer.Leaves()[b][x])
				}
			}
		}
		enc := k.Marshal()
		require.Len(t, enc, keyshare.EncodedLen(33, 33))
		back, err := keyshare.Parse(enc)
		require.NoError(t, err)
		require.Equal(t, enc, back.Marshal())
	}
	assert.NotEqual(t, hex.EncodeToString(run.SessionID[0][:]), katKeygen[1].Hex)
}

// CONVENTIONS.md #4: a state is consumed once; a second call, or a call after an error, fails.
func TestKeygenStatesSingleUse(t *testing.T) {
	ps := start(t)
	ps.round1(t)
	_, _, err := ps.r1[0].Next(ps.p[1][1])
	requireAbort(t, err, 1, engineerr.Internal, engineerr.NoCulprit)
	require.ErrorIs(t, err, engineerr.ErrStateConsumed)

	// An abort poisons the state.
	bad := bytes.Clone(ps.p[2][1])
	bad[keygen.HeaderSize+40] ^= 1 // cc_j
	_, _, err = ps.r2[0].Next(bad)
	requireAbort(t, err, 2, engineerr.CommitmentMismatch, 1)
	_, _, err = ps.r2[0].Next(ps.p[2][1])
	require.ErrorIs(t, err, engineerr.ErrStateConsumed)

	var nilR1 *keygen.Round1
	_, _, err = nilR1.Next(nil)
	require.ErrorIs(t, err, engineerr.ErrStateConsumed)
}

func TestKeygenNewRejectsBadArguments(t *testing.T) {
	in := testvec.DefaultKeygen()
	for name, f := range map[string]func() error{
		"index 2":    func() error { _, err := keygen.New(in.Instance, 2, in.ID0, in.ID1, rng.System); return err },
		"nil rng":    func() error { _, err := keygen.New(in.Instance, 0, in.ID0, in.ID1, nil); return err },
		"empty id_0": func() error { _, err := keygen.New(in.Instance, 0, nil, in.ID1, rng.System); return err },
		"long id_1":  func() error { _, err := keygen.New(in.Instance, 0, in.ID0, make([]byte, 256), rng.System); return err },
	} {
		t.Run(name, func(t *testing.T) {
			requireAbort(t, f(), 0, engineerr.Internal, engineerr.NoCulprit)
		})
	}
}
