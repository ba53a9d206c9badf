package mpctest

import (
	"errors"
	"fmt"

	"github.com/tandem-mpc/tandem/mpc"
)

// Detail codes a Toy (or a test) puts into a ToyError; they travel in the ABORT's detail byte.
const (
	DetailNone       uint8 = 0
	DetailBadPayload uint8 = 0x21
	DetailDeclined   uint8 = 0x22
	DetailMismatch   uint8 = 0x23
)

// ToyError is the error of a Toy's Next. It implements the driver's optional interfaces
// structurally, as an engine would:
//
//   - Ignore: it wraps mpc.ErrIgnoreInput, and IgnoredInput returns Index;
//   - otherwise AbortClass returns (Class, Detail), and PeerFault reports Class == mpc.ClassPeer.
//
// The zero Class is mpc.ClassLocal: a local fault.
type ToyError struct {
	Round  int
	Seq    uint32
	Class  uint8
	Detail uint8
	Ignore bool
	Index  int
	Reason string
}

func (e *ToyError) Error() string {
	kind := "local error"
	switch {
	case e.Ignore:
		kind = "input ignored"
	case e.Class == mpc.ClassPeer:
		kind = "peer fault"
	case e.Class == mpc.ClassMismatch:
		kind = "inputs disagree"
	case e.Class == mpc.ClassDeclined:
		kind = "declined"
	}
	return fmt.Sprintf("mpctest: toy round %d: %s: %s", e.Round, kind, e.Reason)
}

// Unwrap returns mpc.ErrIgnoreInput for an ignored input, else nil.
func (e *ToyError) Unwrap() error {
	if e.Ignore {
		return mpc.ErrIgnoreInput
	}
	return nil
}

// IgnoredInput implements mpc.IgnoredInputer.
func (e *ToyError) IgnoredInput() int { return e.Index }

// AbortClass implements mpc.AbortClassifier.
func (e *ToyError) AbortClass() (class, detail uint8) { return e.Class, e.Detail }

// PeerFault implements mpc.PeerFaulter.
func (e *ToyError) PeerFault() bool { return !e.Ignore && e.Class == mpc.ClassPeer }

// PeerFaultError is an engine error that implements only mpc.PeerFaulter (no
// AbortClassifier), like an engine that reports blame but no reason code.
type PeerFaultError struct{ Reason string }

func (e *PeerFaultError) Error() string   { return "mpctest: peer fault: " + e.Reason }
func (e *PeerFaultError) PeerFault() bool { return true }

// Declined returns a class-3 error (declined by local policy or the user), as an approval hook
// returns it.
func Declined(r int) error {
	return &ToyError{Round: r, Class: mpc.ClassDeclined, Detail: DetailDeclined, Reason: "not approved"}
}

// ErrLocal is a plain engine error: no interface, so the driver treats it as a local fault.
var ErrLocal = errors.New("mpctest: local failure")
