package ot

import (
	"bytes"
	"errors"
	"sync"
	"testing"

	"github.com/tandem-mpc/tandem/ecdsa2p/internal/testrng"
	"github.com/tandem-mpc/tandem/internal/secp"
)

// fuzzFixture is one honest run shared by the fuzz targets' seed corpora.
var fuzzFixture = sync.OnceValue(func() *otRun { return honestRun(&testing.T{}, "fuzz", nil) })

func addMessageSeeds(f *testing.F, valid []byte) {
	f.Add(valid)
	f.Add([]byte{})
	f.Add(valid[:PointSize])
	f.Add(make([]byte, len(valid)))
	f.Add(append(bytes.Clone(valid), 0))
	m := bytes.Clone(valid)
	m[0] = 4
	f.Add(m)
	m = bytes.Clone(valid)
	m[len(m)-1] ^= 1 // likely moves x off the curve
	f.Add(m)
}

// checkPointPairs asserts the parser's invariants: no panic; a typed MalformedPayload error
// or a decoded message whose points re-encode to exactly the input (no malleability).
func checkPointPairs(t *testing.T, msg []byte) *pointPairs {
	pp, err := parsePointPairs(msg, "fuzz", 1, nil)
	if err != nil {
		var e *Error
		if !errors.As(err, &e) || e.Code != CodeMalformedPayload || e.Culprit != 1 {
			t.Fatalf("unexpected error %v", err)
		}
		return nil
	}
	for i := range BaseOTs {
		for slot := range 2 {
			enc, err := pp.pts[i][slot].Bytes()
			if err != nil || !bytes.Equal(enc[:], pp.enc(i, slot)) {
				t.Fatalf("t=%d slot %d: decoded point does not re-encode to its input", i, slot)
			}
		}
	}
	return pp
}

// FuzzBaseOTMsg1 feeds message 1 to the parser and, when it parses, to the sender: no panic,
// only MalformedPayload or BaseOTInvalid errors, both blaming S.
func FuzzBaseOTMsg1(f *testing.F) {
	run := fuzzFixture()
	addMessageSeeds(f, run.msg1)
	c := run.c
	f.Fuzz(func(t *testing.T, msg []byte) {
		if checkPointPairs(t, msg) == nil {
			return
		}
		_, msg2, err := NewBaseOTSender(c, msg, testrng.New("fuzz/send"), nil)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Code != CodeBaseOTInvalid || e.Culprit != int(c.S) {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		if len(msg2) != BaseOTMsg2Size {
			t.Fatalf("message 2 is %d bytes", len(msg2))
		}
	})
}

// FuzzBaseOTMsg2 feeds message 2 to the receiver's output step: no panic, MalformedPayload
// blaming R, or 256 outputs (any valid points give outputs).
func FuzzBaseOTMsg2(f *testing.F) {
	run := fuzzFixture()
	addMessageSeeds(f, run.msg2)
	base, _ := newReceiver(&testing.T{}, "fuzz", nil)
	f.Fuzz(func(t *testing.T, msg []byte) {
		pp := checkPointPairs(t, msg)
		recv := &BaseOTReceiver{corr: base.corr, cb: base.cb, a: base.a, msg1: base.msg1}
		ro, err := recv.Finish(msg, nil)
		if (err == nil) != (pp != nil) {
			t.Fatalf("parser and Finish disagree: %v", err)
		}
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Code != CodeMalformedPayload || e.Culprit != int(base.corr.R) {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		if bytes.Equal(msg, run.msg2) && ro.o != run.ro {
			t.Fatal("honest message 2 gives different outputs")
		}
	})
}

// FuzzPPRFMsg feeds the PPRF message to the parser and the evaluation: no panic; Marshal
// reproduces the input; the honest message verifies; a message that differs from it verifies
// only if every difference lies in a correction word S does not use.
func FuzzPPRFMsg(f *testing.F) {
	sid, cb, o, oc := pprfInputs("fuzz/pprf")
	_, honest := buildPPRF(&sid, o, nil)
	valid := honest.Marshal()
	f.Add(valid)
	f.Add([]byte{})
	f.Add(valid[:PPRFMsgSize-1])
	f.Add(append(bytes.Clone(valid), 0))
	m := bytes.Clone(valid)
	m[CorrectionsSize] ^= 1
	f.Add(m)
	f.Fuzz(func(t *testing.T, raw []byte) {
		pm, err := ParsePPRFMsg(raw)
		if err != nil {
			if len(raw) == PPRFMsgSize || !errors.Is(err, ErrMalformed) {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		if !bytes.Equal(pm.Marshal(), raw) {
			t.Fatal("Marshal does not reproduce the input")
		}
		_, _, ok := evalPPRF(&sid, &cb, oc, pm, nil)
		onlyUnused := true
		for i := range raw {
			if raw[i] == valid[i] {
				continue
			}
			if i >= CorrectionsSize {
				onlyUnused = false
				break
			}
			w := i / 32 // word index ((b·3 + h−1)·2 + side)
			side, h, b := w%2, (w/2)%3+1, w/6
			if side == choiceBit(&cb, 4*b+h) {
				onlyUnused = false
				break
			}
		}
		if (ok == 1) != onlyUnused {
			t.Fatalf("proof result %d, want %v", ok, onlyUnused)
		}
	})
}

// The parser accepts exactly the canonical encodings that secp accepts.
func TestParsePointPairsMatchesSecp(t *testing.T) {
	run := fuzzFixture()
	for name, enc := range badEncodings(t) {
		if _, err := new(secp.Point).SetBytes(enc); err == nil {
			t.Fatalf("%s: secp accepts it", name)
		}
		if checkPointPairs(t, setPoint(run.msg1, 100, 0, enc)) != nil {
			t.Fatalf("%s: parser accepts it", name)
		}
	}
}
