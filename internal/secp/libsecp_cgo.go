//go:build libsecp256k1 && cgo

package secp

// Optional comparison against Debian's libsecp256k1 (C), compiled only with
// -tags libsecp256k1 (apt-get install libsecp256k1-dev). Never part of the
// default build; used by libsecp_bench_test.go.

/*
#cgo LDFLAGS: -lsecp256k1
#include <secp256k1.h>
*/
import "C"

import "unsafe"

// libsecp wraps a libsecp256k1 context and one parsed public key.
type libsecp struct {
	ctx *C.secp256k1_context
	pub C.secp256k1_pubkey
}

// newLibsecp creates a context and parses the 33-byte point q.
func newLibsecp(q *[33]byte) *libsecp {
	l := &libsecp{ctx: C.secp256k1_context_create(C.SECP256K1_CONTEXT_NONE)}
	if C.secp256k1_ec_pubkey_parse(l.ctx, &l.pub, (*C.uchar)(unsafe.Pointer(&q[0])), 33) != 1 {
		panic("secp: internal error: libsecp256k1 rejected a valid point")
	}
	return l
}

// baseMult computes k·G (secp256k1_ec_pubkey_create: constant-time ecmult_gen
// plus the affine conversion).
func (l *libsecp) baseMult(k *[32]byte) bool {
	var out C.secp256k1_pubkey
	return C.secp256k1_ec_pubkey_create(l.ctx, &out, (*C.uchar)(unsafe.Pointer(&k[0]))) == 1
}

// mult computes k·Q (secp256k1_ec_pubkey_tweak_mul: constant-time
// ecmult_const plus the affine conversion).
func (l *libsecp) mult(k *[32]byte) bool {
	p := l.pub
	return C.secp256k1_ec_pubkey_tweak_mul(l.ctx, &p, (*C.uchar)(unsafe.Pointer(&k[0]))) == 1
}

// serialize returns the compressed encoding of k·Q for cross-checking.
func (l *libsecp) multBytes(k *[32]byte) ([33]byte, bool) {
	var out [33]byte
	p := l.pub
	if C.secp256k1_ec_pubkey_tweak_mul(l.ctx, &p, (*C.uchar)(unsafe.Pointer(&k[0]))) != 1 {
		return out, false
	}
	n := C.size_t(33)
	C.secp256k1_ec_pubkey_serialize(l.ctx, (*C.uchar)(unsafe.Pointer(&out[0])), &n, &p, C.SECP256K1_EC_COMPRESSED)
	return out, true
}
