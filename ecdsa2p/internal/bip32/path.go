package bip32

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
)

// Limits of PROTOCOL.md §8.1 and §9.2.
const (
	// MaxDepth is the largest number of path components.
	MaxDepth = 255
	// HardenedOffset is 2^31: indices at or above it are hardened.
	HardenedOffset = 1 << 31
)

// Errors of the path syntax (§9.2) and of derivation (§8.1).
var (
	// ErrHardened: a component ends in ', h or H, or its value is ≥ 2^31 (HardenedDerivation).
	ErrHardened = errors.New("bip32: hardened derivation is impossible with threshold shares (HardenedDerivation)")
	// ErrInvalidPath: any other syntax error (empty component, leading zero, sign, overflow,
	// more than 255 components, a malformed path_enc).
	ErrInvalidPath = errors.New("bip32: invalid path (InvalidPath)")
	// ErrInvalidChild: I_L ≥ n or a child key at infinity (InvalidChild, probability ≈ 2^−127).
	ErrInvalidChild = errors.New("bip32: invalid child (InvalidChild)")
)

// Path is a list of non-hardened child indices i_1..i_d, each < 2^31, d ≤ 255. The empty path
// ("m") is the root key. Public.
type Path []uint32

// ParsePath parses the textual syntax of §9.2:
//
//	path  = "m" *( "/" index )
//	index = "0" / ( %x31-39 *DIGIT )        ; decimal, no leading zeros, value < 2^31
//
// A component ending in ', h or H, or with a value ≥ 2^31, gives [ErrHardened]; every other
// deviation gives [ErrInvalidPath].
func ParsePath(s string) (Path, error) {
	if s == "m" {
		return Path{}, nil
	}
	rest, ok := strings.CutPrefix(s, "m/")
	if !ok {
		return nil, fmt.Errorf("%w: %q must start with \"m\"", ErrInvalidPath, s)
	}
	comps := strings.Split(rest, "/")
	if len(comps) > MaxDepth {
		return nil, fmt.Errorf("%w: %d components, at most %d", ErrInvalidPath, len(comps), MaxDepth)
	}
	p := make(Path, 0, len(comps))
	for k, c := range comps {
		v, err := parseIndex(c)
		if err != nil {
			return nil, fmt.Errorf("%w (component %d)", err, k+1)
		}
		p = append(p, v)
	}
	return p, nil
}

// parseIndex parses one component.
func parseIndex(c string) (uint32, error) {
	if c == "" {
		return 0, fmt.Errorf("%w: empty component", ErrInvalidPath)
	}
	digits := c
	hardened := false
	if last := c[len(c)-1]; last == '\'' || last == 'h' || last == 'H' {
		digits, hardened = c[:len(c)-1], true
	}
	if digits == "" || (len(digits) > 1 && digits[0] == '0') {
		return 0, fmt.Errorf("%w: component %q", ErrInvalidPath, c)
	}
	var v uint64
	for i := 0; i < len(digits); i++ {
		d := digits[i]
		if d < '0' || d > '9' {
			return 0, fmt.Errorf("%w: component %q", ErrInvalidPath, c)
		}
		v = v*10 + uint64(d-'0')
		if v > 1<<32 { // well past 2^31: stop before uint64 overflow
			return 0, fmt.Errorf("%w: component %q overflows", ErrInvalidPath, c)
		}
	}
	if hardened || v >= HardenedOffset {
		return 0, fmt.Errorf("%w: component %q", ErrHardened, c)
	}
	return uint32(v), nil
}

// Valid reports whether p has at most 255 components, each < 2^31.
func (p Path) Valid() bool {
	if len(p) > MaxDepth {
		return false
	}
	for _, v := range p {
		if v >= HardenedOffset {
			return false
		}
	}
	return true
}

// String returns the textual form ("m/0/1").
func (p Path) String() string {
	var b strings.Builder
	b.WriteString("m")
	for _, v := range p {
		fmt.Fprintf(&b, "/%d", v)
	}
	return b.String()
}

// Encode returns path_enc = u8(d) ‖ u32(i_1) ‖ … ‖ u32(i_d) (§8.1). p must be [Path.Valid].
func (p Path) Encode() []byte {
	if !p.Valid() {
		panic("bip32: internal error: encoding an invalid path")
	}
	b := make([]byte, 1, 1+4*len(p))
	b[0] = byte(len(p))
	for _, v := range p {
		b = binary.BigEndian.AppendUint32(b, v)
	}
	return b
}

// EncodedLen returns the length of path_enc for a path of depth d.
func EncodedLen(d int) int { return 1 + 4*d }

// ParseEncoded parses path_enc: exactly 1 + 4d bytes, every index < 2^31 ([ErrInvalidPath]
// otherwise).
func ParseEncoded(b []byte) (Path, error) {
	if len(b) < 1 || len(b) != EncodedLen(int(b[0])) {
		return nil, fmt.Errorf("%w: path_enc of %d bytes", ErrInvalidPath, len(b))
	}
	p := make(Path, b[0])
	for k := range p {
		p[k] = binary.BigEndian.Uint32(b[1+4*k:])
		if p[k] >= HardenedOffset {
			return nil, fmt.Errorf("%w: index %d is hardened", ErrInvalidPath, k)
		}
	}
	return p, nil
}
