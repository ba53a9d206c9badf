package sharefile

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"time"
)

// The sidecar ("<share>.state") is the lock record kept outside the share file (PROTOCOL.md
// §10.3 item 5, §11.1 "a separate ... lock record keyed by share_id that takes precedence"):
// the generations the share holds with their status and lock reason, and the sign_sids of
// consumed pre-signatures. It holds only public values. Its JSON form:
//
//	{"version":1,"key_id":"<64 hex>","party":0,
//	 "generations":[{"share_id":"<64 hex>","status":"active","lock_reason":0}],
//	 "consumed":["<64 hex>",...],"updated_at":"2026-01-02T15:04:05Z"}
const (
	sidecarVersion = 1
	// maxConsumed bounds the consumed list: the oldest entries are dropped first.
	maxConsumed = 1024
	// maxGenerations is the most generations a keyshare holds (ACTIVE and PENDING).
	maxGenerations = 2
	// maxSidecar bounds the sidecar read from disk.
	maxSidecar = 256 << 10
)

// Generation statuses in the sidecar.
const (
	statusActive  = "active"
	statusPending = "pending"
	statusLocked  = "locked"
)

// generation is one keyshare generation as the sidecar records it.
type generation struct {
	ShareID    [32]byte
	Status     string
	LockReason uint8 // the §10.4 code; 0 unless Status is statusLocked
}

func (g generation) locked() bool { return g.Status == statusLocked }

// sidecar is the parsed lock record.
type sidecar struct {
	KeyID       [32]byte
	Party       int
	Generations []generation
	Consumed    [][32]byte // oldest first
	UpdatedAt   time.Time
}

// find returns the generation with shareID.
func (s *sidecar) find(shareID [32]byte) (generation, bool) {
	for _, g := range s.Generations {
		if g.ShareID == shareID {
			return g, true
		}
	}
	return generation{}, false
}

// consumed reports whether sid is in the consumed list.
func (s *sidecar) consumed(sid [32]byte) bool {
	for _, c := range s.Consumed {
		if c == sid {
			return true
		}
	}
	return false
}

// addConsumed appends sid (if new), dropping the oldest entries beyond maxConsumed.
func (s *sidecar) addConsumed(sid [32]byte) {
	if s.consumed(sid) {
		return
	}
	s.Consumed = append(s.Consumed, sid)
	if n := len(s.Consumed); n > maxConsumed {
		s.Consumed = append([][32]byte(nil), s.Consumed[n-maxConsumed:]...)
	}
}

type jsonGeneration struct {
	ShareID    string `json:"share_id"`
	Status     string `json:"status"`
	LockReason uint8  `json:"lock_reason"`
}

type jsonSidecar struct {
	Version     int              `json:"version"`
	KeyID       string           `json:"key_id"`
	Party       int              `json:"party"`
	Generations []jsonGeneration `json:"generations"`
	Consumed    []string         `json:"consumed"`
	UpdatedAt   time.Time        `json:"updated_at"`
}

// marshal returns the JSON form of s.
func (s *sidecar) marshal() ([]byte, error) {
	j := jsonSidecar{
		Version:     sidecarVersion,
		KeyID:       hex.EncodeToString(s.KeyID[:]),
		Party:       s.Party,
		Generations: make([]jsonGeneration, 0, len(s.Generations)),
		Consumed:    make([]string, 0, len(s.Consumed)),
		UpdatedAt:   s.UpdatedAt.UTC().Truncate(time.Second),
	}
	for _, g := range s.Generations {
		j.Generations = append(j.Generations, jsonGeneration{hex.EncodeToString(g.ShareID[:]), g.Status, g.LockReason})
	}
	for _, c := range s.Consumed {
		j.Consumed = append(j.Consumed, hex.EncodeToString(c[:]))
	}
	b, err := json.MarshalIndent(j, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("sharefile: internal error: sidecar: %w", err)
	}
	return append(b, '\n'), nil
}

// parseSidecar parses and validates a sidecar. Any failure wraps ErrCorrupt.
func parseSidecar(b []byte) (*sidecar, error) {
	if len(b) > maxSidecar {
		return nil, fmt.Errorf("%w: sidecar: too large", ErrCorrupt)
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	var j jsonSidecar
	if err := d.Decode(&j); err != nil {
		return nil, fmt.Errorf("%w: sidecar: %w", ErrCorrupt, err)
	}
	if _, err := d.Token(); err != io.EOF {
		return nil, fmt.Errorf("%w: sidecar: trailing data", ErrCorrupt)
	}
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%w: sidecar: %s", ErrCorrupt, fmt.Sprintf(format, a...))
	}
	if j.Version != sidecarVersion {
		return nil, bad("unsupported version %d", j.Version)
	}
	s := &sidecar{Party: j.Party, UpdatedAt: j.UpdatedAt}
	var ok bool
	if s.KeyID, ok = parseID(j.KeyID); !ok {
		return nil, bad("bad key_id")
	}
	if j.Party != 0 && j.Party != 1 {
		return nil, bad("bad party %d", j.Party)
	}
	if len(j.Generations) == 0 || len(j.Generations) > maxGenerations {
		return nil, bad("%d generations", len(j.Generations))
	}
	for _, jg := range j.Generations {
		g := generation{Status: jg.Status, LockReason: jg.LockReason}
		if g.ShareID, ok = parseID(jg.ShareID); !ok {
			return nil, bad("bad share_id")
		}
		if _, dup := s.find(g.ShareID); dup {
			return nil, bad("duplicate share_id")
		}
		switch g.Status {
		case statusActive, statusPending:
			if g.LockReason != 0 {
				return nil, bad("lock reason on an unlocked generation")
			}
		case statusLocked:
		default:
			return nil, bad("unknown status %q", g.Status)
		}
		s.Generations = append(s.Generations, g)
	}
	if len(j.Consumed) > maxConsumed {
		return nil, bad("%d consumed entries", len(j.Consumed))
	}
	for _, c := range j.Consumed {
		id, ok := parseID(c)
		if !ok {
			return nil, bad("bad consumed sign_sid")
		}
		if s.consumed(id) {
			return nil, bad("duplicate consumed sign_sid")
		}
		s.Consumed = append(s.Consumed, id)
	}
	return s, nil
}

// parseID decodes 64 lower-case hex digits.
func parseID(s string) (id [32]byte, ok bool) {
	if len(s) != 64 {
		return id, false
	}
	if _, err := hex.Decode(id[:], []byte(s)); err != nil {
		return id, false
	}
	if hex.EncodeToString(id[:]) != s {
		return id, false // upper case: not canonical
	}
	return id, true
}
