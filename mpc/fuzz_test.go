package mpc

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/tandem-mpc/tandem/relay"
)

// fuzzTarget is a valid frame under a fixed expectation, with its opener.
type fuzzTarget struct {
	frame []byte
	exp   expectation
	open  func(frame []byte, exp *expectation) error
}

// fuzzTargets builds valid frames of every kind from the Appendix A parties (deterministic,
// so the fuzzer's corpus stays meaningful across runs).
func fuzzTargets(t testing.TB) []fuzzTarget {
	p1, p2 := vecParties(t)
	inst := vecInstance()
	k2 := vecKeys(t, p2, p1)
	openS := func(f []byte, e *expectation) error { _, err := openSigned(f, e); return err }
	openE := func(f []byte, e *expectation) error { _, err := openEncrypted(nil, f, e, k2); return err }
	openA := func(f []byte, e *expectation) error { _, err := openAbort(f, e); return err }

	directed, err := sealSigned(context.Background(), p1.signer, Signed,
		envHeader{id: messageID(vecLabel, &inst, Tag(3, 1), p1.enc, p2.enc), ttlCode: 100, tag: Tag(3, 1)}, nil, []byte("directed"))
	if err != nil {
		t.Fatal(err)
	}
	return []fuzzTarget{
		{unhex(t, vecSignedFrame), newExpectation(vecLabel, &inst, 1, 0, Signed, p1.vk, nil, true), openS},
		{directed, newExpectation(vecLabel, &inst, 3, 1, Signed, p1.vk, &p2.vk, false), openS},
		{unhex(t, vecEncryptedFrame), newExpectation(vecLabel, &inst, 2, 0, Encrypted, p1.vk, &p2.vk, false), openE},
		{unhex(t, vecAbortFrame), abortExpectation(vecLabel, &inst, p1.vk), openA},
	}
}

// FuzzOpenEnvelope (WIRE.md §13.5): random bytes under an expected id never open; a valid frame
// with any mutation never opens; nothing panics; and no such input is ever blamed on the peer.
func FuzzOpenEnvelope(f *testing.F) {
	targets := fuzzTargets(f)
	for _, tg := range targets {
		f.Add(tg.frame, uint32(0), byte(1), uint8(0))
		f.Add(tg.frame[relay.HeaderSize:], uint32(40), byte(0x80), uint8(1))
		f.Add(tg.frame[:envHeaderSize], uint32(len(tg.frame)-1), byte(0xff), uint8(2))
	}
	f.Add([]byte{}, uint32(0), byte(0), uint8(3))
	f.Fuzz(func(t *testing.T, data []byte, pos uint32, xor byte, mode uint8) {
		for i, tg := range targets {
			mustFail := func(what string, frame []byte) {
				if bytes.Equal(frame, tg.frame) {
					return // the fuzzer rebuilt the valid frame itself
				}
				err := tg.open(frame, &tg.exp)
				if err == nil {
					t.Fatalf("target %d: %s opened: %x", i, what, frame)
				}
				if !isDrop(err) {
					t.Fatalf("target %d: %s: not a drop: %v", i, what, err)
				}
			}
			// Random bytes, raw and under the expected id.
			mustFail("random", data)
			mustFail("random under the id", append(tg.exp.id[:], data...))

			// A mutation of the valid frame.
			g := bytes.Clone(tg.frame)
			p := int(pos % uint32(len(g)))
			switch mode % 4 {
			case 0: // flip bits
				if xor == 0 {
					xor = 1
				}
				g[p] ^= xor
			case 1: // truncate
				g = g[:p]
			case 2: // insert bytes
				g = append(g[:p], append(append([]byte{xor}, data...), tg.frame[p:]...)...)
			case 3: // overwrite from p with data (if that changes anything) or append data
				if n := copy(g[p:], data); n == 0 || bytes.Equal(g, tg.frame) {
					g = append(g, append(data, xor)...)
				}
			}
			mustFail("mutated", g)
		}
	})
}

// FuzzParseHeader48: parsing never panics; a parsed header marshals back to exactly the first
// 48 bytes and agrees with the relay's parse of bytes 0–35; failures are malformed drops.
func FuzzParseHeader48(f *testing.F) {
	for _, tg := range fuzzTargets(f) {
		f.Add(tg.frame[:envHeaderSize])
	}
	f.Add(make([]byte, 48))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		h, err := parseEnvHeader(data)
		if err != nil {
			if !errors.Is(err, errMalformed) {
				t.Fatalf("error outside the malformed class: %v", err)
			}
			return
		}
		if got := h.marshal(); !bytes.Equal(got, data[:envHeaderSize]) {
			t.Fatalf("round trip: %x != %x", got, data[:envHeaderSize])
		}
		rh, err := relay.ParseHeader(data)
		if err != nil || rh.ID != h.id || rh.TTLCode != h.ttlCode || rh.Flags != h.flags {
			t.Fatalf("relay header disagrees: %+v %v", rh, err)
		}
		if !tagAllowed(h.kind, h.tag) {
			t.Fatalf("accepted tag %#x for kind %v", h.tag, h.kind)
		}
	})
}

// FuzzAbortPayload (WIRE.md §13.5): parsing never panics; valid payloads round-trip byte for
// byte; over-long reasons and unknown culprits are rejected on both sides.
func FuzzAbortPayload(f *testing.F) {
	f.Add(unhex(f, "0001021400000002000962616420"+"70726f6f66"), uint16(1), uint8(2), uint8(0x14), uint32(2), "bad proof")
	f.Add([]byte{}, uint16(0), uint8(0), uint8(0), uint32(0), "")
	f.Add(make([]byte, 266), uint16(9), uint8(3), uint8(0), uint32(1), string(make([]byte, 257)))
	f.Fuzz(func(t *testing.T, data []byte, code uint16, culprit, detail uint8, round uint32, reason string) {
		if p, err := parseAbortPayload(data); err == nil {
			b, err := p.marshal()
			if err != nil || !bytes.Equal(b, data) {
				t.Fatalf("round trip of %x: %x, %v", data, b, err)
			}
			if len(p.reason) > MaxAbortReason || p.culprit > CulpritPeer {
				t.Fatalf("accepted %+v", p)
			}
		}
		p := abortPayload{code: AbortCode(code), culprit: Culprit(culprit), detail: detail, round: round, reason: reason}
		b, err := p.marshal()
		if wantOK := len(reason) <= MaxAbortReason && culprit <= 2; (err == nil) != wantOK {
			t.Fatalf("marshal %+v: %v", p, err)
		}
		if err != nil {
			return
		}
		got, err := parseAbortPayload(b)
		if err != nil || got != p {
			t.Fatalf("parse(marshal(%+v)) = %+v, %v", p, got, err)
		}
	})
}

// FuzzMsgIDPreimage (WIRE.md §13.5): the preimage encoding is injective, so two distinct
// (label, instance, tag, sender, receiver) tuples never share preimage bytes; and the midstate
// computation equals TH over the preimage.
func FuzzMsgIDPreimage(f *testing.F) {
	p1, p2 := vecParties(f)
	inst := vecInstance()
	f.Add(vecLabel, inst[:], Tag(1, 0), p1.enc, []byte{}, vecLabel, inst[:], Tag(1, 0), p2.enc, []byte{})
	f.Add(vecLabel, inst[:], Tag(2, 0), p1.enc, p2.enc, vecLabel, inst[:], Tag(2, 0), p2.enc, p1.enc)
	f.Add("ab", []byte{}, uint64(0), []byte("c"), []byte{}, "a", []byte{}, uint64(0), []byte("bc"), []byte{})
	f.Add("", []byte{}, uint64(0), []byte{}, []byte("x"), "", []byte{}, uint64(0), []byte("x"), []byte{})
	f.Fuzz(func(t *testing.T, l1 string, i1 []byte, t1 uint64, s1, r1 []byte, l2 string, i2 []byte, t2 uint64, s2, r2 []byte) {
		var in1, in2 InstanceID
		copy(in1[:], i1)
		copy(in2[:], i2)
		pre1 := msgIDPreimage(nil, l1, &in1, t1, s1, r1)
		pre2 := msgIDPreimage(nil, l2, &in2, t2, s2, r2)
		same := l1 == l2 && in1 == in2 && t1 == t2 && bytes.Equal(s1, s2) && bytes.Equal(r1, r2)
		if same != bytes.Equal(pre1, pre2) {
			t.Fatalf("injectivity: tuples equal=%v, preimages equal=%v", same, !same)
		}
		if id := messageID(l1, &in1, t1, s1, r1); id != relay.MsgID(taggedHash(tagMsgID, pre1)) {
			t.Fatal("midstate id differs from TH over the preimage")
		}
	})
}
