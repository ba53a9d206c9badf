package mpc

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
)

// Label is a protocol label L (WIRE.md §10.2): 1–64 bytes of printable ASCII (0x21–0x7E) that
// name the protocol and its version, for example "tandem/ecdsa2p/sign/v1". It enters every
// message id and the key schedule, so sessions of different protocols never share an id.
type Label string

// Label length bounds (WIRE.md §10.2).
const (
	MinLabelLen = 1
	MaxLabelLen = 64
)

// ErrInvalidLabel reports a label outside the rules of WIRE.md §10.2.
var ErrInvalidLabel = errors.New("mpc: invalid protocol label")

// ErrInvalidInstance reports an instance id text that is neither 64 hex characters nor standard
// base64 of 32 bytes, or that decodes to the all-zero id.
var ErrInvalidInstance = errors.New("mpc: invalid instance id")

// Validate reports whether l is 1–64 bytes of 0x21–0x7E.
func (l Label) Validate() error {
	if len(l) < MinLabelLen || len(l) > MaxLabelLen {
		return fmt.Errorf("%w: length %d, want %d–%d", ErrInvalidLabel, len(l), MinLabelLen, MaxLabelLen)
	}
	for i := 0; i < len(l); i++ {
		if c := l[i]; c < 0x21 || c > 0x7E {
			return fmt.Errorf("%w: byte %d is 0x%02x, want 0x21–0x7E", ErrInvalidLabel, i, c)
		}
	}
	return nil
}

// InstanceID is a session's instance id I (WIRE.md §10.2): 32 bytes, fresh from crypto/rand for
// every session and agreed out of band. It is confidential (§10.11): anyone who knows it and
// the parties' keys can fetch the session's SIGNED frames from the relay. It therefore never
// prints: String, GoString, Format and LogValue redact it. Use Hex or Base64 to show it on
// purpose (a QR code, the CLI).
//
// A [32]byte converts to and from InstanceID implicitly in assignments.
type InstanceID [32]byte

// RandomInstanceID returns a fresh instance id from crypto/rand.
func RandomInstanceID() InstanceID {
	var id InstanceID
	rand.Read(id[:]) // never fails since Go 1.24; it crashes the program instead
	return id
}

// ParseInstanceID parses the text forms of WIRE.md Appendix Y.9: 64 hexadecimal characters
// (either case) or the standard base64 of the 32 bytes, with padding. The all-zero id is
// rejected, because no session may use it (§12.2).
func ParseInstanceID(s string) (InstanceID, error) {
	var id InstanceID
	switch len(s) {
	case 2 * len(id):
		if _, err := hex.Decode(id[:], []byte(s)); err != nil {
			return InstanceID{}, fmt.Errorf("%w: bad hex", ErrInvalidInstance)
		}
	case base64.StdEncoding.EncodedLen(len(id)):
		n, err := base64.StdEncoding.Strict().Decode(id[:], []byte(s))
		if err != nil || n != len(id) {
			return InstanceID{}, fmt.Errorf("%w: bad base64", ErrInvalidInstance)
		}
	default:
		return InstanceID{}, fmt.Errorf("%w: %d characters, want 64 (hex) or 44 (base64)", ErrInvalidInstance, len(s))
	}
	if id.IsZero() {
		return InstanceID{}, fmt.Errorf("%w: all zero", ErrInvalidInstance)
	}
	return id, nil
}

// IsZero reports whether id is all zero (the zero value, never a valid session id).
func (id InstanceID) IsZero() bool { return id == InstanceID{} }

// Hex returns the id as 64 lowercase hexadecimal characters (the CLI form). The result is
// confidential.
func (id InstanceID) Hex() string { return hex.EncodeToString(id[:]) }

// Base64 returns the id in standard base64 with padding (§10.1's text form). The result is
// confidential.
func (id InstanceID) Base64() string { return base64.StdEncoding.EncodeToString(id[:]) }

const redactedInstance = "mpc.InstanceID(REDACTED)"

// String redacts the id; see Hex and Base64.
func (id InstanceID) String() string { return redactedInstance }

// GoString redacts the id.
func (id InstanceID) GoString() string { return redactedInstance }

// Format redacts the id under every verb.
func (id InstanceID) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(redactedInstance)) }

// LogValue redacts the id in log/slog output.
func (id InstanceID) LogValue() slog.Value { return slog.StringValue(redactedInstance) }

// SubInstance derives the instance id of one of several sessions driven by a single agreed id
// (WIRE.md §10.2): TH("tandem/v1/sub-instance", lp(I) ‖ lp(name)). The tandem SDK uses the names
// "presign" and "finish". Distinct names give independent ids; the engine receives the result
// as its instance_id.
func SubInstance(inst InstanceID, name string) InstanceID {
	buf := make([]byte, 0, 4+len(inst)+4+len(name))
	buf = appendLP(buf, inst[:])
	buf = appendLPString(buf, name)
	return taggedHash(tagSubInstance, buf)
}
