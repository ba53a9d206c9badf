package sharefile

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tandem-mpc/tandem/ecdsa2p"
)

const (
	hexA = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	hexB = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
	hexC = "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc"
)

// sidecarJSON builds a sidecar with the given generations and consumed list.
func sidecarJSON(gens, consumed string) string {
	return `{"version":1,"key_id":"` + hexA + `","party":1,"generations":[` + gens +
		`],"consumed":[` + consumed + `],"updated_at":"2026-01-02T15:04:05Z"}`
}

func TestParseSidecar(t *testing.T) {
	okGen := `{"share_id":"` + hexB + `","status":"active","lock_reason":0}`
	valid := sidecarJSON(okGen, `"`+hexC+`"`)
	sc, err := parseSidecar([]byte(valid))
	require.NoError(t, err)
	require.Equal(t, 1, sc.Party)
	require.Len(t, sc.Generations, 1)
	require.Equal(t, [][32]byte{sc.Consumed[0]}, sc.Consumed)
	require.Equal(t, time.Date(2026, 1, 2, 15, 4, 5, 0, time.UTC), sc.UpdatedAt)
	// marshal → parse is stable.
	b, err := sc.marshal()
	require.NoError(t, err)
	sc2, err := parseSidecar(b)
	require.NoError(t, err)
	require.Equal(t, sc, sc2)

	bad := []struct{ name, in string }{
		{"empty", ""},
		{"null", "null"},
		{"array", "[]"},
		{"truncated", valid[:len(valid)-1]},
		{"trailing", valid + "{}"},
		{"unknown field", strings.Replace(valid, `"party":1`, `"party":1,"x":2`, 1)},
		{"version 2", strings.Replace(valid, `"version":1`, `"version":2`, 1)},
		{"no version", strings.Replace(valid, `"version":1,`, ``, 1)},
		{"party 2", strings.Replace(valid, `"party":1`, `"party":2`, 1)},
		{"party -1", strings.Replace(valid, `"party":1`, `"party":-1`, 1)},
		{"short key_id", strings.Replace(valid, hexA, hexA[:62], 1)},
		{"upper-case key_id", strings.Replace(valid, hexA, strings.ToUpper(hexA), 1)},
		{"non-hex key_id", strings.Replace(valid, hexA, "zz"+hexA[2:], 1)},
		{"no generations", sidecarJSON("", "")},
		{"three generations", sidecarJSON(okGen+","+strings.Replace(okGen, hexB, hexC, 1)+","+strings.Replace(okGen, hexB, hexA, 1), "")},
		{"duplicate generation", sidecarJSON(okGen+","+okGen, "")},
		{"bad share_id", sidecarJSON(strings.Replace(okGen, hexB, "b", 1), "")},
		{"unknown status", sidecarJSON(strings.Replace(okGen, "active", "frozen", 1), "")},
		{"reason on unlocked", sidecarJSON(strings.Replace(okGen, `"lock_reason":0`, `"lock_reason":33`, 1), "")},
		{"reason out of range", sidecarJSON(strings.Replace(strings.Replace(okGen, "active", "locked", 1), `"lock_reason":0`, `"lock_reason":256`, 1), "")},
		{"bad consumed", sidecarJSON(okGen, `"xyz"`)},
		{"duplicate consumed", sidecarJSON(okGen, `"`+hexC+`","`+hexC+`"`)},
		{"bad time", strings.Replace(valid, "2026-01-02T15:04:05Z", "yesterday", 1)},
		{"too large", valid + strings.Repeat(" ", maxSidecar)},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseSidecar([]byte(tt.in))
			require.ErrorIs(t, err, ErrCorrupt)
		})
	}
}

func TestConsumedBounded(t *testing.T) {
	sc := &sidecar{}
	for i := range maxConsumed + 10 {
		var id [32]byte
		id[0], id[1] = byte(i), byte(i>>8)
		sc.addConsumed(id)
		sc.addConsumed(id) // idempotent
	}
	require.Len(t, sc.Consumed, maxConsumed)
	require.Equal(t, byte(10), sc.Consumed[0][0], "the oldest are dropped first")
	sc.Generations = []generation{{Status: statusActive}}
	b, err := sc.marshal()
	require.NoError(t, err)
	_, err = parseSidecar(b)
	require.NoError(t, err)
}

// stateOf reads the same generation as the Keyshare's accessors, and sees MarkRestored.
func TestStateOf(t *testing.T) {
	for i, b := range shares(t) {
		ks, err := ecdsa2p.ParseKeyshare(b)
		require.NoError(t, err)
		st := stateOf(ks)
		assert.Equal(t, ks.KeyID(), st.KeyID)
		assert.Equal(t, i, st.Party)
		assert.Equal(t, []generation{{ShareID: ks.ShareID(), Status: statusActive}}, st.Generations)

		ks.MarkRestored()
		want := []generation{{ShareID: ks.ShareID(), Status: statusLocked, LockReason: uint8(ecdsa2p.Restored)}}
		assert.Equal(t, want, stateOf(ks).Generations)
	}
}

// The sidecar seeds of FuzzParseSidecar are real files; keep one in testdata.
func TestSidecarSeedFile(t *testing.T) {
	b, err := os.ReadFile("testdata/sidecar.json")
	require.NoError(t, err)
	_, err = parseSidecar(b)
	require.NoError(t, err)
}
