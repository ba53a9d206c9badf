package sharefile

import (
	"bytes"
	"errors"
	"os"
	"testing"

	"github.com/tandem-mpc/tandem/ecdsa2p"
)

// FuzzParseSidecar: the sidecar parser never panics, and what it accepts re-marshals to a
// record it parses to the same value.
func FuzzParseSidecar(f *testing.F) {
	if b, err := os.ReadFile("testdata/sidecar.json"); err == nil {
		f.Add(b)
	}
	f.Add([]byte(sidecarJSON(`{"share_id":"`+hexB+`","status":"active","lock_reason":0}`, "")))
	f.Add([]byte(`{"version":1}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, b []byte) {
		sc, err := parseSidecar(b)
		if err != nil {
			return
		}
		out, err := sc.marshal()
		if err != nil {
			t.Fatal(err)
		}
		sc2, err := parseSidecar(out)
		if err != nil {
			t.Fatalf("re-parse: %v", err)
		}
		out2, _ := sc2.marshal()
		if !bytes.Equal(out, out2) {
			t.Fatal("marshal is not stable")
		}
	})
}

// FuzzReadShareFile: reading any share file (decode, parse, reconcile with a valid sidecar)
// never panics and fails only with this package's typed errors.
func FuzzReadShareFile(f *testing.F) {
	plain := []byte("TNDG\x01\x01\x00\x00\x00\x04TNDK")
	opts := Options{Passphrase: testPass, InsecurePlaintext: true}
	if enc, err := encodeShare(plain, &opts); err == nil {
		f.Add(enc)
	}
	f.Add(append([]byte(plaintextHeader), plain...))
	real := shares(f)[0]
	f.Add(append([]byte(plaintextHeader), real...))
	if enc, err := encodeShare(real, &opts); err == nil {
		f.Add(enc)
	}
	f.Add([]byte(plaintextHeader))
	f.Add([]byte(ageHeader))
	f.Add([]byte(ageHeader + "-> scrypt AAAA 10\n"))
	f.Add([]byte{})
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, b []byte) {
		path := dir + "/share"
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path+StateSuffix, []byte(sidecarJSON(`{"share_id":"`+hexB+`","status":"active","lock_reason":0}`, "")), 0o600); err != nil {
			t.Fatal(err)
		}
		file, err := Open(path, opts)
		if err != nil {
			t.Fatal(err)
		}
		defer file.Close()
		_, err = file.Load(t.Context())
		if err == nil {
			return // a valid keyshare (not expected from the fuzzer, but fine)
		}
		for _, want := range []error{ErrCorrupt, ErrPassphrase, ErrKeyMismatch, ecdsa2p.ErrNotFound} {
			if errors.Is(err, want) {
				return
			}
		}
		t.Fatalf("untyped error: %v", err)
	})
}
