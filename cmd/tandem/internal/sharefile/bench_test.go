package sharefile

import (
	"testing"
)

// BenchmarkSave and BenchmarkLoad measure one keyshare Save (sidecar + share file, both
// fsynced) and one Load (read, decrypt, parse, reconcile), with age's default scrypt work
// factor (what users pay), the tests' 2^10, and the plaintext form. Load is cold (no cache).
func BenchmarkSave(b *testing.B) { benchFile(b, false) }

func BenchmarkLoad(b *testing.B) { benchFile(b, true) }

// BenchmarkLoadCached is a Load of the file this File last read or wrote (no scrypt).
func BenchmarkLoadCached(b *testing.B) {
	f, _ := saved(b, 0, Options{Passphrase: testPass})
	for b.Loop() {
		if _, err := f.Load(b.Context()); err != nil {
			b.Fatal(err)
		}
	}
}

func benchFile(b *testing.B, load bool) {
	share := shares(b)[0]
	for _, c := range []struct {
		name string
		wf   int
		opts Options
	}{
		{"scrypt=default", 0, Options{Passphrase: testPass}},
		{"scrypt=10", 10, Options{Passphrase: testPass}},
		{"plaintext", 10, Options{InsecurePlaintext: true}},
	} {
		b.Run(c.name, func(b *testing.B) {
			old := scryptWorkFactor
			scryptWorkFactor = c.wf
			defer func() { scryptWorkFactor = old }()
			f, _ := saved(b, 0, c.opts)
			for b.Loop() {
				var err error
				if load {
					f.mu.Lock()
					f.dropCache() // a cold Load: decrypt every time
					f.mu.Unlock()
					_, err = f.Load(b.Context())
				} else {
					err = f.Store().Save(b.Context(), "share", share)
				}
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
