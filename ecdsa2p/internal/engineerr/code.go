package engineerr

import "fmt"

// Code is an abort reason of PROTOCOL.md §10.4. It travels to the peer as the detail byte of
// the transport's ABORT envelope.
type Code uint8

// The reason codes of PROTOCOL.md §10.4.
const (
	SetupMismatch           Code = 0x01
	MalformedPayload        Code = 0x02
	Equivocation            Code = 0x03
	CommitmentMismatch      Code = 0x10
	SchnorrProofInvalid     Code = 0x11
	PublicKeyInvalid        Code = 0x12
	BaseOTInvalid           Code = 0x13
	PPRFProofInvalid        Code = 0x14
	ConfirmationMismatch    Code = 0x15
	NonceCommitmentMismatch Code = 0x20
	OTExtensionCheckFailed  Code = 0x21
	RVOLECheckFailed        Code = 0x22
	NonceConsistencyFailed  Code = 0x23
	KeyConsistencyFailed    Code = 0x24
	DegenerateNonce         Code = 0x25
	MessageMismatch         Code = 0x26
	DegenerateSignature     Code = 0x27
	SignatureVerifyFailed   Code = 0x28
	KeyshareLocked          Code = 0x30
	PresignatureConsumed    Code = 0x31
	Restored                Code = 0x32
	ExportRejected          Code = 0x40
	ExportInvalid           Code = 0x41
	Cancelled               Code = 0xFE
	Internal                Code = 0xFF
)

type codeInfo struct {
	name string // the §10.4 name
	text string // lower-case words for error messages
}

var codes = map[Code]codeInfo{
	SetupMismatch:           {"SetupMismatch", "setup mismatch"},
	MalformedPayload:        {"MalformedPayload", "malformed payload"},
	Equivocation:            {"Equivocation", "equivocation"},
	CommitmentMismatch:      {"CommitmentMismatch", "commitment mismatch"},
	SchnorrProofInvalid:     {"SchnorrProofInvalid", "schnorr proof invalid"},
	PublicKeyInvalid:        {"PublicKeyInvalid", "public key invalid"},
	BaseOTInvalid:           {"BaseOTInvalid", "base OT invalid"},
	PPRFProofInvalid:        {"PPRFProofInvalid", "PPRF proof invalid"},
	ConfirmationMismatch:    {"ConfirmationMismatch", "confirmation mismatch"},
	NonceCommitmentMismatch: {"NonceCommitmentMismatch", "nonce commitment mismatch"},
	OTExtensionCheckFailed:  {"OTExtensionCheckFailed", "OT extension check failed"},
	RVOLECheckFailed:        {"RVOLECheckFailed", "RVOLE check failed"},
	NonceConsistencyFailed:  {"NonceConsistencyFailed", "nonce consistency failed"},
	KeyConsistencyFailed:    {"KeyConsistencyFailed", "key consistency failed"},
	DegenerateNonce:         {"DegenerateNonce", "degenerate nonce"},
	MessageMismatch:         {"MessageMismatch", "message mismatch"},
	DegenerateSignature:     {"DegenerateSignature", "degenerate signature"},
	SignatureVerifyFailed:   {"SignatureVerifyFailed", "signature verification failed"},
	KeyshareLocked:          {"KeyshareLocked", "keyshare locked"},
	PresignatureConsumed:    {"PresignatureConsumed", "pre-signature consumed"},
	Restored:                {"Restored", "keyshare restored from a backup"},
	ExportRejected:          {"ExportRejected", "export rejected"},
	ExportInvalid:           {"ExportInvalid", "export invalid"},
	Cancelled:               {"Cancelled", "cancelled"},
	Internal:                {"Internal", "internal error"},
}

// Known reports whether c is one of the codes of §10.4.
func (c Code) Known() bool {
	_, ok := codes[c]
	return ok
}

// String returns the §10.4 name of c ("SchnorrProofInvalid"), or "Code(0x..)" if unknown.
func (c Code) String() string {
	if i, ok := codes[c]; ok {
		return i.name
	}
	return fmt.Sprintf("Code(0x%02x)", uint8(c))
}

// Text returns c in lower-case words for error messages ("schnorr proof invalid").
func (c Code) Text() string {
	if i, ok := codes[c]; ok {
		return i.text
	}
	return fmt.Sprintf("unknown reason 0x%02x", uint8(c))
}

// Abort classes reported by [Error.AbortClass]; they match the driver's (mpc.ClassLocal …).
const (
	ClassLocal    uint8 = 0 // a local fault: Internal, Cancelled, misuse
	ClassPeer     uint8 = 1 // the peer provably misbehaved (the error names a culprit)
	ClassMismatch uint8 = 2 // the parties' inputs disagree; nobody is to blame
	ClassDeclined uint8 = 3 // declined by local policy or the user
)

// class returns the abort class of an error with code c and no culprit.
func (c Code) class() uint8 {
	switch c {
	case SetupMismatch, MessageMismatch, PresignatureConsumed:
		return ClassMismatch
	case KeyshareLocked, ExportRejected, Restored:
		return ClassDeclined
	default:
		return ClassLocal
	}
}
