package sign_test

import (
	"encoding/hex"

	"crypto/sha256"
	"fmt"
	"golang.org/x/crypto/sha3"
	"testing"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	decredecdsa "github.com/decred/dcrd/dcrec/secp256k1/v4/ecdsa"
	"github.com/stretchr/testify/require"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/bip32"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/sign"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/testrng"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/testvec"
	"github.com/tandem-mpc/tandem/internal/secp"
)

// checkSignature verifies sig on e with decred's verifier, the math/big reference and
// decred's public-key recovery, and checks low s.
func checkSignature(t *testing.T, sig *sign.Signature, e [32]byte, want [33]byte) {
	t.Helper()
	require.Equal(t, want, sig.Key)
	var r, s secp256k1.ModNScalar
	require.False(t, r.SetBytes(&sig.R) != 0 || s.SetBytes(&sig.S) != 0)
	require.False(t, s.IsOverHalfOrder(), "high s")
	pub, err := secp256k1.ParsePubKey(want[:])
	require.NoError(t, err)
	require.True(t, decredecdsa.NewSignature(&r, &s).Verify(e[:], pub), "decred verify")
	require.True(t, bigVerify(want, e, sig.R, sig.S), "math/big verify")
	require.Less(t, sig.RecID, uint8(4))
	compact := append([]byte{27 + sig.RecID + 4}, sig.R[:]...)
	compact = append(compact, sig.S[:]...)
	rec, compressed, err := decredecdsa.RecoverCompact(compact, e[:])
	require.NoError(t, err)
	require.True(t, compressed)
	require.Equal(t, want[:], rec.SerializeCompressed(), "recovered key")
	require.Equal(t, ethAddress(pub), ethAddress(rec), "Ethereum address")
}

// ethAddress is the Ethereum address of a public key: the last 20 bytes of
// Keccak-256(x ‖ y).
func ethAddress(pub *secp256k1.PublicKey) [20]byte {
	h := sha3.NewLegacyKeccak256()
	h.Write(pub.SerializeUncompressed()[1:])
	return [20]byte(h.Sum(nil)[12:])
}

// TestEthAddressVector pins ethAddress on the key with private key 1 (address
// 0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf).
func TestEthAddressVector(t *testing.T) {
	var one secp256k1.ModNScalar
	one.SetInt(1)
	pub := secp256k1.NewPrivateKey(&one).PubKey()
	a := ethAddress(pub)
	require.Equal(t, "7e5f4552091a69125d5dfcb7b8c2659029395bdf", hex.EncodeToString(a[:]))
}

func TestSignProperty(t *testing.T) {
	t.Parallel()
	keygens := []string{"kat/keygen", "prop/keygen/1", "prop/keygen/2"}
	signs := 6
	if testing.Short() || raceEnabled {
		keygens, signs = keygens[:2], 3
	}
	digests := [][32]byte{{}, testvec.Sign1Digest, testvec.Sign2Digest, sha256.Sum256([]byte("tandem"))}
	for _, kg := range keygens {
		ks := keysharesFor(t, kg)
		for n := range signs {
			seed := fmt.Sprintf("prop/%s/%d", kg, n)
			src := testrng.New(seed + "/input")
			var path bip32.Path
			for range int(src.Bytes(1)[0] % 4) {
				path = append(path, uint32(src.Bytes(4)[0])<<23|uint32(n))
			}
			e := digests[n%len(digests)]
			if n >= len(digests) {
				copy(e[:], src.Bytes(32))
			}
			in := testvec.SignInput{Keyshares: ks, Instance: [32]byte(src.Bytes(32)), Path: path,
				Digest: [2][32]byte{e, e}, Seeds: [2]string{seed + "/0", seed + "/1"}}
			run, err := testvec.RunSign(in)
			require.NoError(t, err, "%s path %v", seed, path)
			require.Equal(t, *run.Signatures[0], *run.Signatures[1])
			checkSignature(t, run.Signatures[0], e, run.Derived.Key)

			require.True(t, run.Presignatures[0].Consumed() && run.Presignatures[1].Consumed())
		}
	}
}

// TestPresignSums checks u_0 + u_1 = k·φ and v_0 + v_1 = (sk + δ)·φ (§12.1 item 9) before
// Finish consumes the pre-signatures.
func TestPresignSums(t *testing.T) {
	t.Parallel()
	ks := katKeyshares(t)
	in := testvec.DefaultSign1(ks)
	in.Tamper = nil
	run, err := runPresign(t, in)
	require.NoError(t, err)
	var phi, u, v [2]*secp.Scalar
	for i := range 2 {
		phi[i], u[i], v[i] = sign.PresigSecrets(run[i])
	}
	sumPhi := secp.NewScalar().Add(phi[0], phi[1])
	sumU := secp.NewScalar().Add(u[0], u[1])
	sumV := secp.NewScalar().Add(v[0], v[1])
	ptR := run[0].R()
	R, err := new(secp.Point).SetBytes(ptR[:])
	require.NoError(t, err)
	ptQ := run[0].PublicKey()
	Q, err := new(secp.Point).SetBytes(ptQ[:])
	require.NoError(t, err)
	require.Equal(t, 1, new(secp.Point).ScalarBaseMult(sumU).Equal(new(secp.Point).ScalarMult(sumPhi, R)))
	require.Equal(t, 1, new(secp.Point).ScalarBaseMult(sumV).Equal(new(secp.Point).ScalarMult(sumPhi, Q)))
	// And the plain relation with the secret keys: v_0 + v_1 = (x_0 + x_1 + δ)·φ.
	d, err := sign.Derive(ks[0], in.Path)
	require.NoError(t, err)
	sk := secp.NewScalar().Add(ks[0].Share(), ks[1].Share())
	delta, err := secp.NewScalar().SetCanonicalBytes(d.Tweak[:])
	require.NoError(t, err)
	sk.Add(sk, delta)
	require.Equal(t, 1, sumV.Equal(secp.NewScalar().Mul(sk, sumPhi)))
	require.Equal(t, run[0].SignSID(), run[1].SignSID())
	require.Equal(t, run[0].R(), run[1].R())
}

// runPresign runs S1–S3 for both parties and returns the pre-signatures.
func runPresign(t testing.TB, in testvec.SignInput) ([2]*sign.Presignature, error) {
	t.Helper()
	var out [2]*sign.Presignature
	var r1 [2]*sign.Round1
	var p [3][2][]byte
	for i := range 2 {
		var err error
		if r1[i], err = sign.NewPresign(in.Keyshares[i], in.Instance, in.Path, testrng.New(in.Seeds[i])); err != nil {
			return out, err
		}
		p[0][i] = r1[i].Payload()
	}
	var r2 [2]*sign.Round2
	for i := range 2 {
		var err error
		if r2[i], p[1][i], err = r1[i].Next(p[0][1-i]); err != nil {
			return out, err
		}
	}
	var r3 [2]*sign.Round3
	for i := range 2 {
		var err error
		if r3[i], p[2][i], err = r2[i].Next(p[1][1-i]); err != nil {
			return out, err
		}
	}
	for i := range 2 {
		var err error
		if out[i], err = r3[i].Next(p[2][1-i]); err != nil {
			return out, err
		}
	}
	return out, nil
}
