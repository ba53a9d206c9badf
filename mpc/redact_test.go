package mpc

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tandem-mpc/tandem/signer"
)

// fmtVerbs are every fmt verb, with and without flags, that could print a value's bytes.
var fmtVerbs = []string{
	"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "% x", "%#x", "%d", "%b", "%o", "%O", "%c",
	"%U", "%e", "%f", "%g", "%t", "%p", "%T", "%08x", "%-10v", "%100v",
}

// secretForms returns the ways a secret's bytes could appear in output.
func secretForms(secret []byte) []string {
	h := hex.EncodeToString(secret)
	return []string{h, strings.ToUpper(h), string(secret), fmt.Sprint([]byte(secret)), fmt.Sprintf("% x", secret)}
}

// requireRedacted formats v with every verb and both slog handlers and fails if any form of a
// secret appears. fmt handles %p before any method of the value, and prints a non-pointer
// argument's contents in its error text: an array type such as InstanceID cannot redact
// itself there (go vet flags %p on a non-pointer). skipP leaves %p out for such values.
func requireRedacted(t *testing.T, name string, v any, skipP bool, secrets ...[]byte) {
	t.Helper()
	var outs []string
	for _, verb := range fmtVerbs {
		if skipP && verb == "%p" {
			continue
		}
		outs = append(outs, fmt.Sprintf(verb, v))
	}
	var buf bytes.Buffer
	slog.New(slog.NewTextHandler(&buf, nil)).Info("m", "v", v)
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("m", "v", v)
	outs = append(outs, buf.String())
	for _, out := range outs {
		for _, s := range secrets {
			for _, form := range secretForms(s) {
				if len(form) >= 8 && strings.Contains(out, form) {
					t.Fatalf("%s: secret leaked in %q", name, out)
				}
			}
		}
	}
}

func TestSecretsNeverPrint(t *testing.T) {
	s := newSession(t, signer.Ed25519, signer.Ed25519)
	eph, err := newEphemeralKey()
	require.NoError(t, err)
	ephSecret := eph.priv.Bytes()
	inst := s.inst

	kAB, kBA := s.ka.keys.kAB[:], s.ka.keys.kBA[:]
	requireRedacted(t, "p2pKeys", s.ka, false, kAB, kBA)
	requireRedacted(t, "p2pKeys value", *s.ka, false, kAB, kBA)
	requireRedacted(t, "p2pSecret", s.ka.keys, false, kAB, kBA)
	requireRedacted(t, "p2pSecret value", *s.ka.keys, true, kAB, kBA)
	requireRedacted(t, "ephemeralKey", eph, false, ephSecret)
	requireRedacted(t, "ephemeralKey value", *eph, false, ephSecret)
	requireRedacted(t, "InstanceID", inst, true, inst[:])
	requireRedacted(t, "*InstanceID", &inst, false, inst[:])
	// Nested as exported fields of a struct that does not redact itself. (Unexported fields
	// are printed by reflection, without their methods: a type holding secrets in unexported
	// fields must redact itself, as the driver's session state will.)
	requireRedacted(t, "nested", struct {
		Keys *p2pKeys
		Inst InstanceID
		Eph  *ephemeralKey
	}{s.ka, inst, eph}, true, kAB, kBA, inst[:], ephSecret)
	requireRedacted(t, "nested keys", struct {
		Keys   *p2pKeys
		KeysV  p2pKeys
		Secret *p2pSecret
		EphV   ephemeralKey
	}{s.ka, *s.ka, s.ka.keys, *eph}, false, kAB, kBA, ephSecret)

	require.Equal(t, "mpc.InstanceID(REDACTED)", inst.String())
	require.Equal(t, "mpc.InstanceID(REDACTED)", fmt.Sprintf("%#v", inst))
	require.Equal(t, "mpc.p2pKeys(REDACTED)", fmt.Sprint(s.ka))
	require.Equal(t, "mpc.ephemeralKey(REDACTED)", fmt.Sprintf("%x", eph))
}
