package testvec_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/engineerr"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/testvec"
)

func TestRunKeygenValues(t *testing.T) {
	run, err := testvec.RunKeygen(testvec.DefaultKeygen())
	require.NoError(t, err)
	vs := run.KeygenValues()
	require.Len(t, vs, 17)
	seen := map[string]bool{}
	for _, v := range vs {
		require.False(t, seen[v.Name], v.Name)
		seen[v.Name] = true
	}
	require.Equal(t, "keygen.x_0", vs[10].Name)
	require.Equal(t, "a5590c5918494d3b0f6a8d2d8896d96ee185645f58038625045bedba335cb067", vs[10].Hex)

	// Another instance id gives other values, deterministically.
	in := testvec.DefaultKeygen()
	in.Instance[0] = 0x22
	a, err := testvec.RunKeygen(in)
	require.NoError(t, err)
	require.NotEqual(t, vs[0], a.KeygenValues()[0])
	require.NotEqual(t, vs[1], a.KeygenValues()[1])
}

func TestRunKeygenTamper(t *testing.T) {
	in := testvec.DefaultKeygen()
	in.Tamper = func(r int, from uint8, p []byte) []byte {
		if r == 2 && from == 1 {
			p[40] ^= 1
		}
		return p
	}
	run, err := testvec.RunKeygen(in)
	var e *engineerr.Error
	require.True(t, errors.As(err, &e))
	require.Equal(t, engineerr.CommitmentMismatch, e.Code)
	require.Equal(t, 1, e.Culprit)
	require.Nil(t, run.Keyshares[0])
	require.Len(t, run.KeygenValues(), 2+8)
	require.True(t, bytes.Equal(run.Payloads[0][0][:2], []byte{0x01, 0x11}))
}
