package keygen_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/tandem-mpc/tandem/ecdsa2p/internal/engineerr"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/keygen"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/testrng"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/testvec"
)

// fuzzStates holds P1's states of the §12.4(d) run, rebuilt by replay when one is consumed.
type fuzzStates struct {
	run *testvec.KeygenRun
	r1  *keygen.Round1
	r2  *keygen.Round2
	r3  *keygen.Round3
	r4  *keygen.Round4
}

// at returns P1's state waiting for the peer's payload of round r.
func (s *fuzzStates) next(t *testing.T, r int, data []byte) error {
	in := testvec.DefaultKeygen()
	build := func(upto int) {
		r1, err := keygen.New(in.Instance, 0, in.ID0, in.ID1, testrng.New(in.Seeds[0]))
		if err != nil {
			t.Fatal(err)
		}
		s.r1 = r1
		if upto >= 2 {
			if s.r2, _, err = r1.Next(s.run.Payloads[0][1]); err != nil {
				t.Fatal(err)
			}
		}
		if upto >= 3 {
			if s.r3, _, err = s.r2.Next(s.run.Payloads[1][1]); err != nil {
				t.Fatal(err)
			}
		}
		if upto >= 4 {
			if s.r4, _, err = s.r3.Next(s.run.Payloads[2][1]); err != nil {
				t.Fatal(err)
			}
		}
	}
	var err error
	switch r {
	case 1:
		if s.r1 == nil {
			build(1)
		}
		_, _, err = s.r1.Next(data)
		if !errors.Is(err, engineerr.ErrIgnore) {
			s.r1 = nil
		}
	case 2:
		if s.r2 == nil {
			build(2)
		}
		_, _, err = s.r2.Next(data)
		if !errors.Is(err, engineerr.ErrIgnore) {
			s.r2 = nil
		}
	case 3:
		if s.r3 == nil {
			build(3)
		}
		_, _, err = s.r3.Next(data)
		if !errors.Is(err, engineerr.ErrIgnore) {
			s.r3 = nil
		}
	default:
		if s.r4 == nil {
			build(4)
		}
		_, err = s.r4.Next(data)
		if !errors.Is(err, engineerr.ErrIgnore) {
			s.r4 = nil
		}
	}
	return err
}

// FuzzKeygenNext feeds arbitrary bytes to P1's state of each round (§12.3: one payload parser
// per type, Session.Handle per round, seeded with the valid transcript). Invariants: no panic;
// the result is success (only for the genuine payload), an ignore, or an engine error of this
// round that blames the peer or nobody and never locks.
func FuzzKeygenNext(f *testing.F) {
	run := kat(f)
	for r := range 4 {
		p := run.Payloads[r][1]
		if raceEnabled && r >= 2 {
			// Each seed that consumes a late state costs a replay of the run; under the
			// race detector keep one seed of round 3 (the expensive K3 processing).
			if r == 2 {
				f.Add(uint8(r), bytes.Clone(p))
			}
			continue
		}
		f.Add(uint8(r), bytes.Clone(p))
		f.Add(uint8(r), p[:keygen.HeaderSize])
		m := bytes.Clone(p)
		m[len(m)-1] ^= 1
		f.Add(uint8(r), m)
		f.Add(uint8(r), append(bytes.Clone(p), 0))
	}
	f.Add(uint8(1), run.Payloads[0][1]) // an earlier round's payload: duplicate
	f.Add(uint8(0), []byte{})
	s := &fuzzStates{run: run}
	f.Fuzz(func(t *testing.T, round uint8, data []byte) {
		r := int(round%4) + 1
		err := s.next(t, r, data)
		if err == nil || errors.Is(err, engineerr.ErrIgnore) {
			return
		}
		var e *engineerr.Error
		if !errors.As(err, &e) || e.Op != "keygen" || e.Round != r || e.Locked ||
			(e.Culprit != 1 && e.Culprit != engineerr.NoCulprit) {
			t.Fatalf("round %d: unexpected error %v", r, err)
		}
	})
}
