package refresh_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/tandem-mpc/tandem/ecdsa2p/internal/engineerr"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/refresh"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/testrng"
)

// fuzzStates holds P1's states of the §12.4(d) refresh, rebuilt by replay when one is
// consumed.
type fuzzStates struct {
	p  [5][2][]byte // the reference run's payloads
	r1 *refresh.Round1
	r2 *refresh.Round2
	r3 *refresh.Round3
	r4 *refresh.Round4
	st *store
}

func (s *fuzzStates) build(t *testing.T, upto int) {
	ks := keyshares(t)
	s.st = new(store)
	r1, err := refresh.New(refreshInstance, ks[0], testrng.New(refreshSeeds[0]), s.st.save)
	if err != nil {
		t.Fatal(err)
	}
	s.r1 = r1
	if upto >= 2 {
		if s.r2, _, err = r1.Next(s.p[1][1]); err != nil {
			t.Fatal(err)
		}
	}
	if upto >= 3 {
		if s.r3, _, err = s.r2.Next(s.p[2][1]); err != nil {
			t.Fatal(err)
		}
	}
	if upto >= 4 {
		if s.r4, _, err = s.r3.Next(s.p[3][1]); err != nil {
			t.Fatal(err)
		}
	}
}

// next offers data to P1's state of round r and returns its error.
func (s *fuzzStates) next(t *testing.T, r int, data []byte) error {
	var err error
	switch r {
	case 1:
		if s.r1 == nil {
			s.build(t, 1)
		}
		_, _, err = s.r1.Next(data)
		if !errors.Is(err, engineerr.ErrIgnore) {
			s.r1 = nil
		}
	case 2:
		if s.r2 == nil {
			s.build(t, 2)
		}
		_, _, err = s.r2.Next(data)
		if !errors.Is(err, engineerr.ErrIgnore) {
			s.r2 = nil
		}
	case 3:
		if s.r3 == nil {
			s.build(t, 3)
		}
		_, _, err = s.r3.Next(data)
		if !errors.Is(err, engineerr.ErrIgnore) {
			s.r3 = nil
		}
	default:
		if s.r4 == nil {
			s.build(t, 4)
		}
		_, err = s.r4.Next(data)
		if !errors.Is(err, engineerr.ErrIgnore) {
			s.r4 = nil
		}
	}
	return err
}

// FuzzRefreshNext feeds arbitrary bytes to P1's state of each round (§12.3: one payload
// parser per type, Session.Handle per round, seeded with the valid transcript). Invariants:
// no panic; the result is success (only for the genuine payload), an ignore, or an engine
// error of this round that blames the peer or nobody and never locks.
func FuzzRefreshNext(f *testing.F) {
	ref := start(f, keyshares(f)).upTo(f, 4)
	for r := range 4 {
		p := ref.p[r+1][1]
		if raceEnabled && r >= 2 {
			if r == 2 {
				f.Add(uint8(r), bytes.Clone(p))
			}
			continue
		}
		f.Add(uint8(r), bytes.Clone(p))
		f.Add(uint8(r), p[:refresh.HeaderSize])
		m := bytes.Clone(p)
		m[len(m)-1] ^= 1
		f.Add(uint8(r), m)
		f.Add(uint8(r), append(bytes.Clone(p), 0))
	}
	f.Add(uint8(1), ref.p[1][1]) // an earlier round's payload: duplicate
	f.Add(uint8(0), []byte{})
	s := &fuzzStates{p: ref.p}
	f.Fuzz(func(t *testing.T, round uint8, data []byte) {
		r := int(round%4) + 1
		err := s.next(t, r, data)
		if err == nil || errors.Is(err, engineerr.ErrIgnore) {
			return
		}
		var e *engineerr.Error
		if !errors.As(err, &e) || e.Op != "refresh" || e.Round != r || e.Locked ||
			(e.Culprit != 1 && e.Culprit != engineerr.NoCulprit) {
			t.Fatalf("round %d: unexpected error %v", r, err)
		}
	})
}
