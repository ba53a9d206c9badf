package secp_test

import (
	"encoding/hex"
	"fmt"

	"github.com/tandem-mpc/tandem/internal/secp"
)

func Example() {
	// A public key from a (here, fixed) secret scalar.
	k := secp.NewScalar().SetUint64(3)
	pub, err := new(secp.Point).ScalarBaseMult(k).Bytes()
	if err != nil {
		panic(err)
	}
	fmt.Println(hex.EncodeToString(pub[:]))

	// Decoding the wire form and Diffie–Hellman with another scalar.
	q, err := new(secp.Point).SetBytes(pub[:])
	if err != nil {
		panic(err)
	}
	shared := new(secp.Point).ScalarMult(secp.NewScalar().SetUint64(5), q)
	want := new(secp.Point).ScalarBaseMult(secp.NewScalar().SetUint64(15))
	fmt.Println(shared.Equal(want))

	// Secrets never print.
	fmt.Println(k)
	// Output:
	// 02f9308a019258c31049344f85f89d5229b531c845836f99b08601f113bce036f9
	// 1
	// secp.Scalar(REDACTED)
}

func ExampleHashToCurve() {
	p := secp.HashToCurve([]byte("abc"), []byte("QUUX-V01-CS02-with-secp256k1_XMD:SHA-256_SSWU_RO_"))
	b, _ := p.Bytes()
	fmt.Println(hex.EncodeToString(b[:]))
	// Output: 023377e01eab42db296b512293120c6cee72b6ecf9f9205760bd9ff11fb3cb2c4b
}
